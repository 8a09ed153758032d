"""The real mCODE test bundles, mapped to the facts read from them by hand.

Each expected value below was checked by reading the bundle JSON (see the
comments); the broken bundles must fail with errors naming resource and field.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from osteotrials.patient import LoadedPatient, PatientError, derive, load_patient, parse_patient
from paths import MCODE_PATIENTS

from ._support import AS_OF

APP_01 = MCODE_PATIENTS / "clinical-trial-matching-app__TrialMatching_Patient01.json"
APP_02 = MCODE_PATIENTS / "clinical-trial-matching-app__TrialMatching_Patient02.json"
SERVICE = MCODE_PATIENTS / "clinical-trial-matching-service__patient_data.json"
EOM = MCODE_PATIENTS / "clinical-trial-matching-service__eom_patient_1.json"
BCT = MCODE_PATIENTS / "clinical-trial-matching-service-breastcancertrials.org__patient_data.json"
BROKEN = MCODE_PATIENTS / "broken"


def load(path: Path) -> LoadedPatient:
    return load_patient(path, as_of=AS_OF)


def warnings_of(loaded: LoadedPatient) -> list[str]:
    return [str(w) for w in loaded.warnings]


def test_every_real_bundle_is_covered_here() -> None:
    real = sorted(p.name for p in MCODE_PATIENTS.glob("*.json"))
    assert real == sorted(p.name for p in (APP_01, APP_02, SERVICE, EOM, BCT))


def test_app_patient_01() -> None:
    loaded = load(APP_01)
    p, f = loaded.patient, derive(loaded.patient, as_of=AS_OF)
    assert loaded.kind == "fhir"
    # Patient: female, birthDate 1959-01-01 -> 67 on 2026-01-15, postmenopausal by age
    assert (p.sex, p.birth_date, f.age_years) == ("female", date(1959, 1, 1), 67)
    assert f.menopausal_status == "post"
    # primary Condition 408643008 infiltrating duct carcinoma, stage summary "IV"
    assert p.diagnosis.histology == "invasive_ductal"
    assert (p.diagnosis.stage_at_diagnosis, p.diagnosis.presentation) == ("IV", "de_novo")
    # secondary: 94181007 axillary nodes, 94381002 liver, 94222008 bone
    assert (f.bone_metastases, f.liver_metastases, f.nodal_metastases) == (True, True, True)
    assert f.bone_only is False
    # tumour markers: ER+ (40556-3), PR+ (40557-1), HER2 negative (18474-7), MSI positive
    assert (f.er_positive, f.pr_positive, f.her2_positive) == (True, True, False)
    assert f.her2_category == "negative"  # no IHC score: low/ultralow/zero cannot be told
    assert f.er_low is None
    assert f.biomarkers["MSI"].detected is True
    # genetic variants: HGNC:3467 ESR1 and HGNC:8975 PIK3CA, "Present", point mutations
    assert f.biomarkers["ESR1"].detected is True
    assert f.biomarkers["PIK3CA"].variants == ["Point mutation"]
    # ECOG 89247-1 valueInteger 1
    assert f.ecog == 1
    # meds: 2019-04-01 leuprolide+fulvestrant(completed)+abemaciclib(active);
    # 2019-06-01 fulvestrant+ribociclib(active): overlapping -> one endocrine-based line
    assert [r.drugs for r in p.regimens or []] == [
        ["leuprolide", "fulvestrant", "abemaciclib"],
        ["fulvestrant", "ribociclib"],
    ]
    assert all(r.setting == "metastatic" for r in p.regimens or [])
    assert "active: abemaciclib" in (p.regimens or [])[0].note or ""
    counts = f.lines
    assert (counts.endocrine.count, counts.targeted.count, counts.total.count) == (1, 1, 1)
    assert counts.chemotherapy.count == 0
    assert "cdk46_inhibitor" in f.prior_classes
    assert warnings_of(loaded) == []


def test_app_patient_02() -> None:
    loaded = load(APP_02)
    p, f = loaded.patient, derive(loaded.patient, as_of=AS_OF)
    # born 1973-01-01 -> 53: no NCCN rule applies and no status is stated
    assert f.age_years == 53
    assert f.menopausal_status is None
    assert (p.diagnosis.stage_at_diagnosis, p.diagnosis.presentation) == ("IV", "de_novo")
    # only a bone secondary: other sites unknown, so bone-only is unknown
    assert f.bone_metastases is True
    assert f.visceral_metastases is None and f.bone_only is None
    # CCND1 / FGFR1 / MDM2 amplifications; TMB "Low"; MSI positive
    for gene in ("CCND1", "FGFR1", "MDM2"):
        assert f.biomarkers[gene].detected is True
        assert f.biomarkers[gene].variants == ["Gene amplification"]
    assert f.biomarkers["TMB"].detected is False
    # zoledronic acid is a bone-modifying agent, not a regimen
    assert [a.drug for a in p.bone_modifying_agents or []] == ["zoledronic acid"]
    assert [r.drugs for r in p.regimens or []] == [
        ["exemestane"],
        ["anastrozole"],
        ["letrozole"],
        ["palbociclib", "fulvestrant"],
        ["capecitabine"],
        ["tamoxifen", "abemaciclib"],
        ["gemcitabine"],
        ["alpelisib"],
    ]
    # no stop reasons in the bundle: every change may or may not be a new line
    lines = f.lines
    assert (lines.total.minimum, lines.total.maximum, lines.total.count) == (1, 8, None)
    assert (lines.endocrine.minimum, lines.endocrine.maximum) == (1, 5)
    assert (lines.chemotherapy.minimum, lines.chemotherapy.maximum) == (1, 2)
    assert (lines.targeted.minimum, lines.targeted.maximum) == (1, 3)
    assert f.current_drugs == ["alpelisib"]
    # radiotherapy: right breast (53438000 and boost 445232009, same day), right
    # acetabulum 2019-05-01 and lumbar spine 2019-11-01; lumpectomy 2019-03-01
    rt = [(c.site_category, c.start_date) for c in p.radiotherapy or []]
    assert rt == [
        ("breast_chest_wall", date(2019, 4, 1)),
        ("bone", date(2019, 5, 1)),
        ("bone", date(2019, 11, 1)),
    ]
    assert [(s.site_category, s.date) for s in p.surgeries or []] == [("breast", date(2019, 3, 1))]


def test_service_patient_data() -> None:
    loaded = load(SERVICE)
    p, f = loaded.patient, derive(loaded.patient, as_of=AS_OF)
    # Synthea patient: born 1966-08-03 (59 on 2026-01-15), ZIP 01951 US; no name kept
    assert (p.birth_date, p.postal_code, p.country) == (date(1966, 8, 3), "01951", "US")
    assert "TrialMatching" not in json.dumps(p.model_dump(mode="json"))
    assert f.age_years == 59 and f.menopausal_status is None
    # primary: onset 2017-07-21, stage summaries "Stage 3A" and "Stage 3" -> IIIA
    assert p.diagnosis.stage_at_diagnosis == "IIIA"
    assert p.diagnosis.initial_diagnosis_date == date(2017, 7, 21)
    # secondary 128462008 with bodySite 8935007 (cerebral meninges), onset 2017-07-21
    assert f.cns_status == "leptomeningeal"
    assert p.diagnosis.metastatic_diagnosis_date == date(2017, 7, 21)
    # HER2: IHC valueQuantity 3 + Positive; FISH Positive; ER ">= 10 %" + Positive
    assert (p.receptors.her2_ihc, p.receptors.her2_ish) == ("3+", "amplified")
    assert f.her2_category == "positive"
    assert (p.receptors.er_status, p.receptors.er_percent) == ("positive", None)
    assert f.er_low is None
    # STK11 (HGNC:11389) somatic variant with ClinVar id and HGVS
    stk11 = f.biomarkers["STK11"]
    assert (stk11.detected, stk11.somatic_detected) == (True, True)
    assert stk11.variants == ["ClinVar 619728; NC_000019.8:g.1171707G>A"]
    # three paclitaxel statements 2017-07-28 .. 2017-09-08 -> one metastatic chemo line
    assert [(r.drugs, r.start_date, r.setting) for r in p.regimens or []] == [
        (["paclitaxel"], date(2017, 7, 28), "metastatic")
    ]
    assert (f.lines.chemotherapy.count, f.lines.total.count) == (1, 1)
    # ECOG 3 and Karnofsky 90 are both in the bundle; they disagree
    assert (p.performance.ecog, p.performance.karnofsky, f.ecog) == (3, 90, 3)
    assert any("ECOG 3 and Karnofsky 90" in w for w in warnings_of(loaded))
    # radiotherapy 2018-01-24 / 26 (brain, 12738006) / 27
    rt = [(c.site_category, c.start_date) for c in p.radiotherapy or []]
    assert rt == [
        (None, date(2018, 1, 24)),
        ("brain", date(2018, 1, 26)),
        (None, date(2018, 1, 27)),
    ]
    # the "DUPLICATE FOR TESTS" procedure is coded as a sentinel node biopsy
    assert [s.site_category for s in p.surgeries or []] == ["axilla", "axilla", "axilla"]
    warnings = warnings_of(loaded)
    assert any("has 2 values (valueCodeableConcept, valueQuantity)" in w for w in warnings)
    assert any("valueRatio with comparators" in w for w in warnings)
    assert any("ER >= 10 % is not an exact percentage" in w for w in warnings)


def test_eom_patient_1() -> None:
    loaded = load(EOM)
    p, f = loaded.patient, derive(loaded.patient, as_of=AS_OF)
    assert (f.age_years, p.sex) == (39, "female")
    # ER Positive in 2018 (tumor-marker-test-er-jenny-m), Negative in 2022 (observation-id-3)
    assert p.receptors.er_status == "negative"
    assert any(
        w.startswith("Observation/observation-id-3: ER differs between")
        for w in warnings_of(loaded)
    )
    # PR and HER2 negative at both dates -> triple-negative by the latest results
    assert f.triple_negative is True
    # lung metastasis only (94391008); stage group "4" from an Observation, not the
    # Condition, so presentation is not assumed de novo
    assert f.lung_metastases is True and f.bone_metastases is None
    assert (p.diagnosis.stage_at_diagnosis, p.diagnosis.presentation) == ("IV", None)
    assert p.diagnosis.initial_diagnosis_date == date(2024, 1, 1)  # assertedDate extension
    assert f.ecog == 3
    # abemaciclib + alpelisib (effectivePeriod 2022-01-01): setting unknown -> 0..1 lines
    assert [r.drugs for r in p.regimens or []] == [["abemaciclib", "alpelisib"]]
    assert (f.lines.targeted.minimum, f.lines.targeted.maximum) == (0, 1)
    assert "Bundle: resources not used by the patient model: 4 Observation" in warnings_of(loaded)


def test_breastcancertrials_patient_data() -> None:
    loaded = load(BCT)
    p, f = loaded.patient, derive(loaded.patient, as_of=AS_OF)
    # HER2 observation has a non-LOINC code "34566" but says "HER2 ... Immune stain",
    # value Positive and valueQuantity 3
    assert (p.receptors.her2_ihc, f.her2_positive) == ("3+", True)
    assert f.triple_negative is False
    assert f.er_positive is None and f.pr_positive is None
    assert p.diagnosis.stage_at_diagnosis == "IIIA"  # cancerstaging.org "c3A"
    assert p.diagnosis.histology is None
    # five statements "Paclitaxel 100 MG Injection" on 2017-07-28 -> one regimen
    assert [r.drugs for r in p.regimens or []] == [["paclitaxel"]]
    assert (f.lines.chemotherapy.minimum, f.lines.chemotherapy.maximum) == (0, 1)
    warnings = warnings_of(loaded)
    assert any("different resources with this id" in w for w in warnings)
    assert any("is not the mCODE histology-morphology-behavior extension" in w for w in warnings)


# --------------------------------------------------------------------------- broken bundles


def errors_of(path: Path) -> tuple[list[str], list[str]]:
    with pytest.raises(PatientError) as info:
        load(path)
    exc = info.value
    assert str(path) in str(exc)  # the message names the file
    errors = [str(i) for i in exc.issues if i.severity == "error"]
    warnings = [str(i) for i in exc.issues if i.severity == "warning"]
    return errors, warnings


def test_broken_empty_cgv() -> None:
    errors, _ = errors_of(
        BROKEN / "BROKEN__clinical-trial-matching-service__patient_data_empty-cgv.json"
    )
    assert "Bundle.entry[0]: entry has no resource" in errors
    assert (
        "Observation/6556b6b3-678c-4fd6-9309-8df77xxxxxxx: component[0].code: "
        "required field is missing"
    ) in errors


def test_broken_invalid_ecog_and_karnofsky_and_missing_birth_date() -> None:
    errors, warnings = errors_of(
        BROKEN
        / (
            "BROKEN__clinical-trial-matching-service__patient_data_missing_birthdate_"
            "invalid_ecog_karnofsky.json"
        )
    )
    assert sorted(errors) == [
        "Observation/mCODEECOGPerformanceStatusExample: valueInteger -1 is not an ECOG grade (0-5)",
        "Observation/mCODEKarnofskyPerformanceStatusExample: valueInteger -1 is not a "
        "Karnofsky score (0-100 in steps of 10)",
    ]
    assert "Patient/1e208b6b-77f1-4808-a32b-9f9caf1ec334: no birthDate: age is unknown" in warnings


def test_broken_histology_and_interpretation() -> None:
    errors, warnings = errors_of(
        BROKEN
        / "BROKEN__clinical-trial-matching-service__patient_data_missing_histology_morph.json"
    )
    assert any(
        e.startswith(
            "Observation/6556b6b3-678c-4fd6-9309-8df77xxxxxxx: interpretation: "
            "Input should be a valid list"
        )
        for e in errors
    )
    assert any("'http://hl7.org/fhir/us/mcode/ValueSet' is not the mCODE" in w for w in warnings)


# --------------------------------------------------------------------------- small bundles


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1970-05-05"}


def observation(code: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"o-{code}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        **value,
    }


def test_future_effective_date_names_the_resource() -> None:
    data = bundle(PATIENT, observation("89247-1", valueInteger=1, effectiveDateTime="2030-01-01"))
    with pytest.raises(PatientError) as info:
        parse_patient(data, as_of=AS_OF, source="b.json")
    assert str(info.value) == (
        "b.json: Observation/o-89247-1: effective date 2030-01-01 is in the future "
        "(after 2026-01-15)"
    )


def test_percentages_medication_request_and_radiotherapy_course_summary() -> None:
    rt_course = {
        "resourceType": "Procedure",
        "id": "rt1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1217123003"}]},
        "performedPeriod": {"start": "2025-03-03", "end": "2025-03-07"},
        "bodySite": [{"coding": [{"system": "http://snomed.info/sct", "code": "122496007"}]}],
        "extension": [
            {
                "url": "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume",
                "extension": [
                    {"url": "totalDoseDelivered", "valueQuantity": {"value": 2000, "unit": "cGy"}},
                    {"url": "fractionsDelivered", "valueUnsignedInt": 5},
                ],
            }
        ],
    }
    request = {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "active",
        "intent": "order",
        "subject": {"reference": "Patient/p1"},
        "medicationCodeableConcept": {"text": "Kisqali 200 mg tablets"},
        "authoredOn": "2025-04-01",
    }
    data = bundle(
        PATIENT,
        observation("85337-4", valueQuantity={"value": 95, "unit": "%"}),
        observation("85339-0", valueQuantity={"value": 5, "unit": "%"}),
        observation("89243-0", valueInteger=70),
        rt_course,
        request,
    )
    loaded = parse_patient(data, as_of=AS_OF)
    p = loaded.patient
    assert (p.receptors.er_percent, p.receptors.pr_percent) == (95, 5)
    assert derive(p, as_of=AS_OF).ecog == 1  # from Karnofsky 70
    (course,) = p.radiotherapy or []
    assert (course.dose_gy, course.fractions, course.site_category) == (20.0, 5, "bone")
    assert course.site == "lumbar vertebral column"
    (reg,) = p.regimens or []
    assert (reg.drugs, reg.ongoing, reg.start_date) == (["ribociclib"], True, date(2025, 4, 1))


def test_unknown_drug_in_a_bundle_is_a_warning() -> None:
    statement = {
        "resourceType": "MedicationStatement",
        "id": "ms1",
        "status": "completed",
        "medicationCodeableConcept": {"text": "Experimental compound QQ-17"},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-01-01",
    }
    loaded = parse_patient(bundle(PATIENT, statement), as_of=AS_OF)
    warnings = warnings_of(loaded)
    assert (
        "MedicationStatement/ms1: drug 'Experimental compound QQ-17' is not in the drug "
        "vocabulary; kept as written"
    ) in warnings
    assert any("unknown drug name 'Experimental compound QQ-17'" in w for w in warnings)


def test_not_a_bundle_and_empty_bundle() -> None:
    with pytest.raises(PatientError, match="expected a FHIR Bundle"):
        parse_patient({"resourceType": "Patient", "id": "x"}, as_of=AS_OF)
    with pytest.raises(PatientError, match="the bundle has no entries"):
        parse_patient({"resourceType": "Bundle", "type": "collection"}, as_of=AS_OF)


def test_two_patients_in_one_bundle_is_an_error() -> None:
    other = copy.deepcopy(PATIENT) | {"id": "p2"}
    with pytest.raises(PatientError, match="2 Patient resources"):
        parse_patient(bundle(PATIENT, other), as_of=AS_OF)


def test_medication_administration_with_reference_and_stop_reason() -> None:
    medication = {
        "resourceType": "Medication",
        "id": "med-capecitabine",
        "code": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "200328",
                    "display": "Xeloda",
                }
            ]
        },
    }
    administration = {
        "resourceType": "MedicationAdministration",
        "id": "ma1",
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": "Medication/med-capecitabine"},
        "effectivePeriod": {"start": "2024-02-01", "end": "2024-09-30"},
        "statusReason": [{"text": "disease progression on CT"}],
    }
    secondary = {
        "resourceType": "Condition",
        "id": "c2",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]},
        "onsetDateTime": "2024-01-10",
    }
    loaded = parse_patient(bundle(PATIENT, medication, administration, secondary), as_of=AS_OF)
    (reg,) = loaded.patient.regimens or []
    assert (reg.drugs, reg.setting) == (["capecitabine"], "metastatic")
    assert (reg.stop_date, reg.stop_reason, reg.ongoing) == (
        date(2024, 9, 30),
        "progression",
        False,
    )
    assert loaded.patient.diagnosis.metastatic_diagnosis_date == date(2024, 1, 10)
    f = derive(loaded.patient, as_of=AS_OF)
    assert f.lines.chemotherapy.count == 1


def test_labs_from_observations_with_reference_ranges() -> None:
    def lab(
        oid: str, display: str, value: float, unit: str, loinc: str = "0", **extra: Any
    ) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": oid,
            "status": "final",
            "subject": {"reference": "Patient/p1"},
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc, "display": display}]},
            "effectiveDateTime": "2025-12-01",
            "valueQuantity": {"value": value, "unit": unit},
            **extra,
        }

    data = bundle(
        PATIENT,
        lab(
            "l1",
            "Creatinine [Mass/volume] in Serum or Plasma",
            1.1,
            "mg/dL",
            referenceRange=[{"high": {"value": 1.0, "unit": "mg/dL"}}],
        ),
        lab("l2", "Neutrophils [#/volume] in Blood", 2.5, "10*3/uL"),
        lab("l3", "Platelets [#/volume] in Blood", 150, "furlongs"),
        lab("l4", "Hgb (lab's own name)", 10.2, "g/dL", loinc="718-7"),
    )
    loaded = parse_patient(data, as_of=AS_OF)
    f = derive(loaded.patient, as_of=AS_OF)
    creatinine = f.lab("creatinine")
    assert creatinine is not None
    assert creatinine.value == pytest.approx(97.24)
    assert creatinine.uln == pytest.approx(88.4)
    anc = f.lab("ANC")
    assert anc is not None and anc.value == pytest.approx(2.5)
    assert f.lab("platelets") is None
    hemoglobin = f.lab("hemoglobin")  # by LOINC 718-7, whatever the display says
    assert hemoglobin is not None and hemoglobin.value == pytest.approx(102)
    assert (
        "Observation/l3: unit 'furlongs' is not a known unit for Platelets [#/volume] in Blood; "
        "not used"
    ) in warnings_of(loaded)
