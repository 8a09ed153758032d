"""Checks that need the vocabularies: drug names and laboratory units.

The model (:mod:`osteotrials.model.patient`) checks ranges, enumerations and
dates by itself. Here we add:

* a lab whose analyte is known but whose unit does not fit it -> **error**
  naming the analyte and the unit (a value in the wrong unit would be compared
  against thresholds wrongly);
* a lab whose analyte is not known -> warning (kept, but a matcher cannot use it);
* a drug name the drug vocabulary does not know (regimens, bone-modifying
  agents) -> warning listing the name; the drug is kept as written, but lines of
  therapy and drug classes that depend on it become uncertain;
* facts that contradict each other in ways a person should look at -> warnings.

Current medications are not checked against the drug vocabulary, which covers
cancer and bone drugs only (a warning for every antihypertensive would hide the
warnings that matter).
"""

from __future__ import annotations

from osteotrials.model.patient import Patient
from osteotrials.patient.errors import Issue
from osteotrials.vocab import drugs, labs


def check_patient(patient: Patient) -> list[Issue]:
    """Vocabulary checks; returns errors and warnings (empty when all is well)."""
    issues: list[Issue] = []
    for i, lab in enumerate(patient.labs):
        path = f"labs[{i}]"
        analyte = labs.normalise_analyte(lab.analyte)
        if analyte is None:
            issues.append(
                Issue(
                    severity="warning",
                    path=f"{path}.analyte",
                    message=f"unknown laboratory analyte {lab.analyte!r}; kept but not used",
                )
            )
            continue
        try:
            labs.to_canonical(analyte, lab.value, lab.unit)
        except labs.UnitError:
            issues.append(
                Issue(
                    severity="error",
                    path=f"{path}.unit",
                    message=(
                        f"unknown unit {lab.unit!r} for {lab.analyte} ({analyte}); "
                        f"expected e.g. {labs.canonical_unit(analyte)}"
                    ),
                )
            )
    for i, regimen in enumerate(patient.regimens or []):
        for j, name in enumerate(regimen.drugs):
            if drugs.lookup(name) is None:
                issues.append(
                    Issue(
                        severity="warning",
                        path=f"regimens[{i}].drugs[{j}]",
                        message=(
                            f"unknown drug name {name!r}: kept as written, but its drug class "
                            "is unknown, so lines of therapy may be uncertain"
                        ),
                    )
                )
    for i, agent in enumerate(patient.bone_modifying_agents or []):
        found = drugs.lookup(agent.drug)
        if found is None:
            issues.append(
                Issue(
                    severity="warning",
                    path=f"bone_modifying_agents[{i}].drug",
                    message=f"unknown drug name {agent.drug!r}: kept as written",
                )
            )
        elif "bone_modifying_agent" not in found.classes:
            issues.append(
                Issue(
                    severity="warning",
                    path=f"bone_modifying_agents[{i}].drug",
                    message=f"{found.name} is not a bone-modifying agent; list it under regimens",
                )
            )
    issues += _consistency(patient)
    return issues


def _consistency(patient: Patient) -> list[Issue]:
    out: list[Issue] = []
    perf = patient.performance
    if perf.ecog is not None and perf.karnofsky is not None:
        from osteotrials.patient.derive import ecog_from_karnofsky

        converted = ecog_from_karnofsky(perf.karnofsky)
        if converted is not None and abs(converted - perf.ecog) > 1:
            out.append(
                Issue(
                    severity="warning",
                    path="performance",
                    message=(
                        f"ECOG {perf.ecog} and Karnofsky {perf.karnofsky} (about ECOG "
                        f"{converted}) disagree; the stated ECOG is used"
                    ),
                )
            )
    dx = patient.diagnosis
    if dx.presentation == "de_novo" and dx.stage_at_diagnosis not in (None, "IV"):
        out.append(
            Issue(
                severity="warning",
                path="diagnosis.stage_at_diagnosis",
                message=(
                    f"de novo metastatic disease is stage IV, but stage_at_diagnosis is "
                    f"{dx.stage_at_diagnosis}"
                ),
            )
        )
    if patient.sex == "male" and patient.menopause.status is not None:
        out.append(
            Issue(
                severity="warning",
                path="menopause.status",
                message="menopausal status given for a male patient; it is ignored",
            )
        )
    return out
