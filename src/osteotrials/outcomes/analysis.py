"""Registry-level analysis: every figure of the outcomes report.

:func:`analyse` turns a validated :class:`~osteotrials.outcomes.registry.Registry`
into a JSON-ready dictionary (cohort, NRS paired test, pain response, toxicity
by CDK4/6 inhibitor, net clinical benefit, PERCIST, bone agents / SRE,
Kaplan-Meier survival) plus the survival curves for plotting. The active
definitions (NCB, OME profile, SBRT, PERCIST boundary handling, SRE) and the
reference-data versions are part of the output.

Conventions (also in docs/outcomes.md):

* index date = first day of the index RT course (``patients.index_date``);
* the pain time point (default ``3m``) is the ``timepoint`` label in
  ``pain_assessments``; a patient without it is missing (ITT non-responder);
* lab values dated after the index date are graded with CTCAE v5.0 and count
  as adverse events; values on or before it are the baseline (ALT/AST
  abnormal-baseline rule, QTc change);
* survival times run from the index date; PFS events = progression or death,
  OS = death, SRE-free = SRE or death; censoring at ``last_followup_date``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from scipy import stats as _st

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes import bone_agents, ctcae, dose, pain, percist, stats, survival
from osteotrials.outcomes.errors import OutcomesError
from osteotrials.outcomes.ncb import NCBDefinition, NCBPatient, evaluate_patient, summarise
from osteotrials.outcomes.registry import PainAssessment, Registry, TherapyEvent
from osteotrials.outcomes.survival import DAYS_PER_MONTH, KMResult

CDK46_ORDER = ("palbociclib", "ribociclib", "abemaciclib", "none")


@dataclass(frozen=True)
class AnalysisConfig:
    """Choices that change the numbers; all are printed with the results."""

    ncb: NCBDefinition = field(default_factory=NCBDefinition)
    ome_profile: str = "cdc_2022"
    sbrt: dose.SBRTDefinition = field(default_factory=dose.SBRTDefinition.default)
    percist_strict: bool | None = None
    include_hypercalcemia_sre: bool = False
    alpha_beta_gy: float = 10.0

    def __post_init__(self) -> None:
        if self.ome_profile not in pain.ome_profiles():
            raise OutcomesError(
                "ome_profile",
                f"unknown OME profile {self.ome_profile!r}; known: {sorted(pain.ome_profiles())}",
            )

    @property
    def timepoint(self) -> str:
        return self.ncb.timepoint

    def definitions(self) -> dict[str, str]:
        prof = pain.ome_profiles()[self.ome_profile]
        strict = (
            bool(ref.load("percist.yaml")["strict_inequalities"])
            if self.percist_strict is None
            else self.percist_strict
        )
        sre = ", ".join(sorted(bone_agents.sre_event_types(self.include_hypercalcemia_sre)))
        return {
            "net_clinical_benefit": self.ncb.describe(),
            "pain_response": (
                "International Consensus (Chow 2012): CR = NRS 0 without OME increase; PR = NRS "
                "-2 or more without OME increase, or OME -25% or more without pain increase; PP = "
                "NRS +2 or more with stable OME, or OME +25% or more with pain stable or +1; "
                "IR = other. Baseline NRS < 2 not evaluable. Responders = CR + PR."
            ),
            "ome_profile": f"{self.ome_profile}: {prof['label']} ({prof['source']})",
            "toxicity": "CTCAE v5.0; maximum grade per patient and term in the window",
            "sbrt": self.sbrt.describe(),
            "bed": f"LQ model, alpha/beta = {self.alpha_beta_gy:g} Gy, no time factor",
            "percist": (
                "PERCIST 1.0: PMR >= 30% and >= 0.8 SUL fall"
                + (" (strict >)" if strict else "")
                + "; PMD > 30% and > 0.8 SUL rise, TLG > 75% rise or new lesion"
            ),
            "sre": f"SRE = {sre}",
            "survival": (
                "Kaplan-Meier from the index RT start; PFS = progression or death, OS = death, "
                "SRE-free = SRE or death; censored at last follow-up; "
                "log-rank across CDK4/6 inhibitors"
            ),
        }


@dataclass
class Analysis:
    """The analysis result: ``data`` (JSON-ready) and curves for plotting."""

    data: dict[str, Any]
    curves: dict[str, list[KMResult]]


# ------------------------------------------------------------------ helpers
T = TypeVar("T")


def by_patient(rows: Iterable[T]) -> dict[str, list[T]]:
    """Group registry rows (anything with ``patient_id``) by patient, keeping order."""
    out: dict[str, list[T]] = defaultdict(list)
    for r in rows:
        out[getattr(r, "patient_id")].append(r)  # noqa: B009 - generic over row types
    return out


def assessment_ome(a: PainAssessment, profile: str) -> float | None:
    """OME (mg/day) of one assessment, ``None`` when opioids were not recorded."""
    if a.opioids is None:
        return None
    return pain.total_ome(a.opioids, profile=profile)


def _pct(k: int, n: int) -> float | None:
    return None if n == 0 else 100.0 * k / n


def pain_by_patient(reg: Registry, cfg: AnalysisConfig) -> dict[str, PainResponse_]:
    """ICE response at the configured time point per patient (``None`` = missing)."""
    by: dict[str, dict[str, PainAssessment]] = defaultdict(dict)
    for a in reg.pain_assessments:
        by[a.patient_id][a.timepoint] = a
    out: dict[str, PainResponse_] = {}
    for pid in reg.patients:
        base = by[pid].get("baseline")
        fu = by[pid].get(cfg.timepoint)
        if base is None or fu is None:
            out[pid] = None
            continue
        out[pid] = pain.pain_response(
            base.worst_nrs,
            fu.worst_nrs,
            assessment_ome(base, cfg.ome_profile),
            assessment_ome(fu, cfg.ome_profile),
        )
    return out


PainResponse_ = pain.PainResponse | None


def graded_events(reg: Registry) -> list[ctcae.GradedEvent]:
    """Recorded AEs plus on-treatment lab values graded by CTCAE v5.0."""
    events = [
        ctcae.GradedEvent(e.patient_id, e.term, e.grade, e.onset_date, e.attribution, "recorded")
        for e in reg.adverse_events
    ]
    baseline: dict[tuple[str, str], tuple[dt.date, float]] = {}
    for lab in reg.labs:
        p = reg.patients[lab.patient_id]
        if lab.date <= p.index_date:
            key = (lab.patient_id, lab.test)
            if key not in baseline or lab.date >= baseline[key][0]:
                baseline[key] = (lab.date, lab.value)
    for lab in reg.labs:
        p = reg.patients[lab.patient_id]
        if lab.date <= p.index_date:
            continue
        b = baseline.get((lab.patient_id, lab.test))
        g = ctcae.grade_lab(
            lab.test,
            lab.value,
            lab.unit,
            lln=lab.lln,
            uln=lab.uln,
            baseline=None if b is None else b[1],
        )
        if g.grade > 0:
            events.append(
                ctcae.GradedEvent(lab.patient_id, g.term, g.grade, lab.date, "lab", "lab")
            )
    return events


def _systemic_change(
    reg: Registry,
    therapy: list[TherapyEvent],
    pid: str,
    start: dt.date,
    end: dt.date,
    min_days: int,
) -> bool:
    drug = reg.patients[pid].cdk46_inhibitor
    for t in therapy:
        if t.drug != drug or t.reason != "toxicity":
            continue
        if not start <= t.date <= end:
            continue
        if t.action in ("dose_reduction", "discontinuation"):
            return True
        if t.action == "interruption" and (t.duration_days is None or t.duration_days >= min_days):
            return True
    return False


def _window_end(
    reg: Registry, assessments: list[PainAssessment], pid: str, cfg: AnalysisConfig
) -> dt.date:
    for a in assessments:
        if a.timepoint == cfg.timepoint:
            return a.date
    months = 0 if cfg.timepoint == "baseline" else int(cfg.timepoint[:-1])
    return reg.patients[pid].index_date + dt.timedelta(days=round(months * DAYS_PER_MONTH))


def _index_course_class(reg: Registry, cfg: AnalysisConfig) -> dict[str, str]:
    index_lesions = {les.lesion_id for les in reg.lesions if les.index_site}
    out: dict[str, str] = {}
    for c in sorted(reg.rt_courses, key=lambda c: c.start_date):
        if c.lesion_id in index_lesions and c.patient_id not in out:
            out[c.patient_id] = dose.regimen_class(
                c.total_dose_gy, c.fractions, c.stereotactic, cfg.sbrt
            )
    return out


# ------------------------------------------------------------------ sections
def _cohort(reg: Registry, cfg: AnalysisConfig) -> dict[str, Any]:
    n = len(reg.patients)
    cdk = Counter(p.cdk46_inhibitor for p in reg.patients.values())
    classes = Counter(
        dose.regimen_class(c.total_dose_gy, c.fractions, c.stereotactic, cfg.sbrt)
        for c in reg.rt_courses
    )
    regimens: dict[str, dict[str, Any]] = {}
    for c in reg.rt_courses:
        key = c.label
        if key not in regimens:
            r = dose.calculate(
                c.total_dose_gy, c.fractions, cfg.alpha_beta_gy, c.stereotactic, cfg.sbrt
            )
            regimens[key] = {
                "regimen": key,
                "total_dose_gy": c.total_dose_gy,
                "fractions": c.fractions,
                "regimen_class": r.regimen_class,
                "bed": r.bed,
                "eqd2": r.eqd2,
                "lq_extrapolated": r.lq_extrapolated,
                "courses": 0,
            }
        regimens[key]["courses"] += 1
    ages = sorted(p.age for p in reg.patients.values())
    fu_months = sorted(
        (p.last_followup_date - p.index_date).days / DAYS_PER_MONTH for p in reg.patients.values()
    )
    sbrt_courses = classes.get("sbrt", 0)
    return {
        "patients": n,
        "lesions": len(reg.lesions),
        "rt_courses": len(reg.rt_courses),
        "lesions_sbrt": sbrt_courses,
        "lesions_non_sbrt": len(reg.rt_courses) - sbrt_courses,
        "courses_by_class": dict(sorted(classes.items())),
        "regimens": sorted(regimens.values(), key=lambda r: (-r["courses"], r["regimen"])),
        "cdk46_inhibitor": {
            d: {"n": cdk[d], "percent": _pct(cdk[d], n)} for d in CDK46_ORDER if cdk.get(d)
        },
        "bone_agent": dict(
            sorted(Counter(p.bone_agent or "none" for p in reg.patients.values()).items())
        ),
        "age_mean": sum(ages) / n if n else None,
        "age_median": float(_st.scoreatpercentile(ages, 50)) if ages else None,
        "followup_median_months": float(_st.scoreatpercentile(fu_months, 50))
        if fu_months
        else None,
    }


def _nrs(reg: Registry, cfg: AnalysisConfig) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = defaultdict(dict)
    for a in reg.pain_assessments:
        by[a.patient_id][a.timepoint] = a.worst_nrs
    pairs = [
        (v["baseline"], v[cfg.timepoint])
        for v in by.values()
        if "baseline" in v and cfg.timepoint in v
    ]
    timepoints = sorted(
        {a.timepoint for a in reg.pain_assessments},
        key=lambda t: -1 if t == "baseline" else int(t[:-1]),
    )
    means = {}
    for tp in timepoints:
        vals = [v[tp] for v in by.values() if tp in v]
        means[tp] = {"n": len(vals), "mean": sum(vals) / len(vals)}
    bands = {
        tp: dict(Counter(pain.nrs_band(v[tp]) for v in by.values() if tp in v))
        for tp in ("baseline", cfg.timepoint)
    }
    out: dict[str, Any] = {"timepoint": cfg.timepoint, "means": means, "bands": bands}
    if len(pairs) >= 2:
        out["paired"] = stats.paired_t([p[0] for p in pairs], [p[1] for p in pairs]).as_dict()
    else:
        out["paired"] = None
    return out


def _toxicity(reg: Registry, events: list[ctcae.GradedEvent]) -> dict[str, Any]:
    per: dict[tuple[str, str], int] = {}
    events_by = by_patient(events)
    for pid, p in reg.patients.items():
        per.update(ctcae.max_grades(events_by[pid], start=p.index_date, end=p.last_followup_date))
    drugs = [d for d in CDK46_ORDER if any(p.cdk46_inhibitor == d for p in reg.patients.values())]
    n_by = {d: sum(1 for p in reg.patients.values() if p.cdk46_inhibitor == d) for d in drugs}
    terms = sorted({t for (_, t) in per})
    worst = ctcae.max_grade_per_patient(per)
    rows = []
    for term in [*terms, "Any adverse event"]:
        row: dict[str, Any] = {"term": term}
        for d in drugs:
            pids = [pid for pid, p in reg.patients.items() if p.cdk46_inhibitor == d]
            if term == "Any adverse event":
                grades = [worst.get(pid, 0) for pid in pids]
            else:
                grades = [per.get((pid, term), 0) for pid in pids]
            row[d] = {
                "any_grade": sum(1 for g in grades if g >= 1),
                "grade_ge3": sum(1 for g in grades if g >= 3),
                "n": n_by[d],
            }
        rows.append(row)
    any_row = rows[-1]
    table = [[any_row[d]["grade_ge3"], n_by[d] - any_row[d]["grade_ge3"]] for d in drugs]
    chi: dict[str, Any] | None = None
    if len(drugs) >= 2 and all(sum(col) > 0 for col in zip(*table, strict=True)):
        c2, p, dof, _ = _st.chi2_contingency(table, correction=False)
        chi = {
            "statistic": float(c2),
            "df": int(dof),
            "p_value": float(p),
            "method": (
                "chi-square test of any grade >= 3 by CDK4/6 inhibitor (no continuity correction)"
            ),
        }
    return {
        "window": "index RT start to last follow-up; recorded AEs + on-treatment labs (CTCAE v5.0)",
        "drugs": drugs,
        "n_by_drug": n_by,
        "rows": rows,
        "grade_ge3_by_drug_test": chi,
    }


def _ncb(
    reg: Registry,
    cfg: AnalysisConfig,
    pains: dict[str, PainResponse_],
    events: list[ctcae.GradedEvent],
) -> tuple[dict[str, Any], dict[str, NCBPatient]]:
    d = cfg.ncb
    pts: dict[str, NCBPatient] = {}
    events_by = by_patient(events)
    pain_by = by_patient(reg.pain_assessments)
    therapy_by = by_patient(reg.systemic_therapy)
    attrs = None if d.attributions is None else d.attributions | {"lab"}
    for pid, p in reg.patients.items():
        end = _window_end(reg, pain_by[pid], pid, cfg)
        own = [e for e in events_by[pid] if e.source == "recorded" or d.include_lab_toxicity]
        mg = ctcae.max_grade_per_patient(
            ctcae.max_grades(own, start=p.index_date, end=end, attributions=attrs)
        )
        change = _systemic_change(
            reg, therapy_by[pid], pid, p.index_date, end, d.min_interruption_days
        )
        pts[pid] = evaluate_patient(pid, pains[pid], mg.get(pid, 0), change, d)
    summary = summarise(pts, d)
    out = summary.as_dict()
    out["patients"] = [
        {
            "patient_id": x.patient_id,
            "pain_category": None if x.pain is None else x.pain.category,
            "max_grade": x.max_grade,
            "systemic_change": x.systemic_change,
            "ncb": x.ncb,
        }
        for x in sorted(pts.values(), key=lambda x: x.patient_id)
    ]
    return out, pts


def _pain_response(
    reg: Registry, cfg: AnalysisConfig, pains: dict[str, PainResponse_]
) -> dict[str, Any]:
    rates = pain.response_rates(pains)
    cls = _index_course_class(reg, cfg)
    by_class: dict[str, Any] = {}
    for c in sorted(set(cls.values())):
        sub = {pid: r for pid, r in pains.items() if cls.get(pid) == c}
        by_class[c] = pain.response_rates(sub).as_dict()
    by_drug: dict[str, Any] = {}
    for dname in CDK46_ORDER:
        sub = {pid: r for pid, r in pains.items() if reg.patients[pid].cdk46_inhibitor == dname}
        if sub:
            by_drug[dname] = pain.response_rates(sub).as_dict()
    return {
        "timepoint": cfg.timepoint,
        "ome_profile": cfg.ome_profile,
        **rates.as_dict(),
        "by_index_regimen_class": by_class,
        "by_cdk46_inhibitor": by_drug,
    }


def _pet(reg: Registry, cfg: AnalysisConfig) -> dict[str, Any]:
    scans: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s in reg.pet_scans:
        scans[s.patient_id][s.timepoint].append(s)
    counts: Counter[str] = Counter()
    per: list[dict[str, Any]] = []
    for pid in sorted(scans):
        if not scans[pid]["baseline"] or not scans[pid]["followup"]:
            continue
        b = max(scans[pid]["baseline"], key=lambda s: s.date)
        f = min(scans[pid]["followup"], key=lambda s: s.date)

        def scan(s: Any) -> percist.PetScan:
            return percist.PetScan(
                sulpeak=s.sulpeak,
                liver_sul_mean=s.liver_sul_mean,
                liver_sul_sd=s.liver_sul_sd,
                tlg=s.tlg,
                uptake_time_min=s.uptake_time_min,
                scanner=s.scanner,
                new_lesions=bool(s.new_lesions),
            )

        r = percist.classify(scan(b), scan(f), strict_inequalities=cfg.percist_strict)
        counts[r.category] += 1
        per.append(
            {
                "patient_id": pid,
                "category": r.category,
                "sul_change_fraction": r.sul_change_fraction,
                "warnings": r.warnings,
            }
        )
    n = sum(counts.values())
    non_pmd = n - counts.get("PMD", 0)
    return {
        "patients_with_pair": n,
        "distribution": {c: counts.get(c, 0) for c in ("CMR", "PMR", "SMD", "PMD", "NE")},
        "binary_non_pmd": stats.wilson_ci(non_pmd, n).as_dict(),
        "patients_with_warnings": sum(1 for x in per if x["warnings"]),
        "patients": per,
    }


def _bone_agents(reg: Registry, cfg: AnalysisConfig) -> dict[str, Any]:
    za_doses: Counter[str] = Counter()
    over = 0
    za_patients = 0
    adherence: dict[str, list[bone_agents.Adherence]] = defaultdict(list)
    therapy_by = by_patient(reg.systemic_therapy)
    for pid, p in reg.patients.items():
        admin = sorted(
            (t for t in therapy_by[pid] if t.action == "administration" and t.drug == p.bone_agent),
            key=lambda t: t.date,
        )
        if p.bone_agent == "zoledronic_acid":
            za_patients += 1
            if p.serum_creatinine_mg_dl and p.weight_kg:
                crcl = bone_agents.cockcroft_gault(
                    p.age, p.weight_kg, p.serum_creatinine_mg_dl, "F" if p.sex == "F" else "M"
                )
                rec = bone_agents.zoledronic_acid_dose(crcl)
                za_doses[rec.band] += 1
                over += sum(
                    1
                    for t in admin
                    if t.dose_mg is not None
                    and (rec.dose_mg is None or ref.gt(t.dose_mg, rec.dose_mg))
                )
        if admin and p.bone_agent_schedule:
            adherence[f"{p.bone_agent} {p.bone_agent_schedule}"].append(
                bone_agents.schedule_adherence(
                    [t.date for t in admin], p.bone_agent_schedule, p.last_followup_date
                )
            )
    adh = {
        k: {
            "patients": len(v),
            "mean_dose_adherence": sum(a.dose_adherence for a in v) / len(v),
            "mean_on_time_fraction": (
                sum(a.on_time_fraction for a in v if a.on_time_fraction is not None)
                / max(1, sum(1 for a in v if a.on_time_fraction is not None))
            ),
        }
        for k, v in sorted(adherence.items())
    }
    sre_types = bone_agents.sre_event_types(cfg.include_hypercalcemia_sre)
    sre_events = [
        e
        for e in reg.events
        if e.event in sre_types and e.date > reg.patients[e.patient_id].index_date
    ]
    person_days = sum((p.last_followup_date - p.index_date).days for p in reg.patients.values())
    return {
        "zoledronic_acid_patients": za_patients,
        "za_recommended_dose_by_crcl": dict(sorted(za_doses.items())),
        "za_administrations_above_renal_dose": over,
        "adherence": adh,
        "sre_definition": sorted(sre_types),
        "patients_with_sre": len({e.patient_id for e in sre_events}),
        "sre_events": len(sre_events),
        "sre_by_type": dict(sorted(Counter(e.event for e in sre_events).items())),
        "skeletal_morbidity_rate_per_patient_year": bone_agents.skeletal_morbidity_rate(
            len(sre_events), person_days
        ),
    }


def _survival(
    reg: Registry, cfg: AnalysisConfig
) -> tuple[dict[str, Any], dict[str, list[KMResult]]]:
    sre_types = bone_agents.sre_event_types(cfg.include_hypercalcemia_sre)
    endpoints = {
        "pfs": ("Progression-free survival", {"progression", "death"}),
        "os": ("Overall survival", {"death"}),
        "sre_free": ("SRE-free survival", set(sre_types) | {"death"}),
        "time_to_first_sre": ("Time to first SRE (death censored)", set(sre_types)),
    }
    data: dict[str, Any] = {}
    curves: dict[str, list[KMResult]] = {}
    events_by = by_patient(reg.events)
    for key, (title, kinds) in endpoints.items():
        rows: list[tuple[str, int, bool]] = []
        for pid, p in reg.patients.items():
            dates = [e.date for e in events_by[pid] if e.event in kinds]
            death = [e.date for e in events_by[pid] if e.event == "death"]
            censor = death[0] if death and "death" not in kinds else p.last_followup_date
            t = bone_agents.time_to_first(p.index_date, dates, censor)
            rows.append((p.cdk46_inhibitor, t.days, t.event))
        overall = survival.kaplan_meier([r[1] for r in rows], [r[2] for r in rows], "All patients")
        groups = {
            d: ([r[1] for r in rows if r[0] == d], [r[2] for r in rows if r[0] == d])
            for d in CDK46_ORDER
            if any(r[0] == d for r in rows)
        }
        by = [survival.kaplan_meier(v[0], v[1], d) for d, v in groups.items()]
        lr = (
            survival.logrank(groups).as_dict()
            if len(groups) >= 2 and sum(r[2] for r in rows)
            else None
        )
        data[key] = {
            "title": title,
            "overall": overall.as_dict(),
            "by_cdk46_inhibitor": [c.as_dict() for c in by],
            "logrank_by_cdk46_inhibitor": lr,
        }
        curves[key] = [overall, *by]
    return data, curves


def analyse(reg: Registry, cfg: AnalysisConfig | None = None) -> Analysis:
    """All report figures for a registry (see the module docstring)."""
    cfg = cfg or AnalysisConfig()
    if not reg.patients:
        raise OutcomesError("patients", "the registry has no patients")
    if cfg.timepoint != "baseline" and not any(
        a.timepoint == cfg.timepoint for a in reg.pain_assessments
    ):
        raise OutcomesError("timepoint", f"no pain assessment is labelled {cfg.timepoint!r}")
    pains = pain_by_patient(reg, cfg)
    events = graded_events(reg)
    ncb_data, _ = _ncb(reg, cfg, pains, events)
    surv, curves = _survival(reg, cfg)
    data: dict[str, Any] = {
        "title": "osteotrials outcomes report",
        "registry": reg.source,
        "definitions": cfg.definitions(),
        "reference_data": {
            name: ref.version(name)
            for name in (
                "ctcae_v5.yaml",
                "ome_profiles.yaml",
                "pain_response.yaml",
                "percist.yaml",
                "radiotherapy.yaml",
                "bone_agents.yaml",
                "cdk46_dose_levels.yaml",
            )
        },
        "cohort": _cohort(reg, cfg),
        "nrs": _nrs(reg, cfg),
        "pain_response": _pain_response(reg, cfg, pains),
        "toxicity": _toxicity(reg, events),
        "net_clinical_benefit": ncb_data,
        "pet": _pet(reg, cfg),
        "bone_agents": _bone_agents(reg, cfg),
        "survival": surv,
    }
    return Analysis(data, curves)
