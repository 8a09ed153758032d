"""The score that orders trials within a verdict, with an explanation of its parts.

Parts (weights in ``match/data/ranking.yaml``): share of criteria resolved,
relevance to this patient (subtype fit of the trial's drug families, bone
relevance, line of therapy), phase, recruiting status, distance to the nearest
open site.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from osteotrials.match._core import Context
from osteotrials.match._data import load
from osteotrials.model.verdict import Score, ScorePart


@cache
def config() -> dict[str, object]:
    return load("ranking.yaml")


@cache
def _weights() -> dict[str, float]:
    raw = config()["weights"]
    assert isinstance(raw, dict)
    return {str(k): float(v) for k, v in raw.items()}


def subtype_families(ctx: Context) -> tuple[set[str], set[str]]:
    """(trial family tags that suit this patient, those that do not), from the receptors."""
    f = ctx.facts
    good: set[str] = set()
    bad: set[str] = set()
    if f.hr_positive:
        good |= {"endocrine_serd", "cdk46", "pi3k_akt_mtor"}
    elif f.hr_positive is False:
        bad |= {"endocrine_serd", "cdk46"}
    if f.her2_positive:
        good |= {"her2_directed", "adc"}
    elif f.her2_positive is False:
        bad |= {"her2_directed"}
        if f.her2_category in ("low", "ultralow"):
            good.add("adc")
    if f.triple_negative:
        good |= {"immunotherapy", "adc", "chemotherapy", "parp"}
    brca = [ctx.facts.biomarkers.get(g) for g in ("BRCA1", "BRCA2", "PALB2")]
    if any(b is not None and b.germline_detected for b in brca):
        good.add("parp")
    if f.bone_metastases:
        good |= {
            "bone_modifying_agent",
            "bone_modifying_agent_schedule",
            "radiopharmaceutical",
            "radiotherapy_sbrt",
        }
    return good, bad - good


_BONE_GOOD = {
    "bone_only_cohort",
    "bone_dominant",
    "bone_metastasis_population",
    "bone_endpoints",
    "requires_bone_metastases",
    "allows_nonmeasurable_bone_only",
    "bone_modifying_agent_rule",
    "allows_bone_only",
}
_BONE_BAD_IF_NOT_MEASURABLE = {"requires_measurable_disease", "excludes_bone_only"}


@dataclass(frozen=True, slots=True)
class ScoreCalc:
    """A computed score; ``to_model`` builds the explained pydantic ``Score`` on demand."""

    total: float
    parts: tuple[tuple[str, float, float, str], ...]

    def to_model(self) -> Score:
        return Score(
            total=self.total,
            parts=[
                ScorePart(
                    name=n, value=round(v, 3), weight=w, points=round(v * w, 2), explanation=e
                )
                for n, v, w, e in self.parts
            ],
        )


def score(
    *,
    ctx: Context,
    resolved: float,
    n_criteria: int,
    tags: tuple[str, ...],
    lines: str,
    phases: tuple[str, ...],
    overall_status: str | None,
    site_open: bool | None,
    distance_km: float | None,
) -> ScoreCalc:
    w = _weights()
    cfg = config()
    parts: list[tuple[str, float, float, str]] = []

    def add(name: str, value: float, explanation: str) -> None:
        parts.append((name, max(0.0, min(1.0, value)), w[name], explanation))

    add("resolved", resolved, f"{resolved:.0%} of {n_criteria} criteria settled from the file")
    good, bad = ctx.memo("subtype_families", lambda: subtype_families(ctx))
    fam = {t for t in tags if t in good or t in bad or t in _FAMILY_TAGS}
    fits = sorted(fam & good)
    misfits = sorted(fam & bad)
    if fits:
        subtype, why = 1.0, f"drug family suits this patient ({', '.join(fits)})"
    elif misfits:
        subtype, why = 0.0, f"drug family for another subtype ({', '.join(misfits)})"
    else:
        subtype, why = 0.5, "no subtype-specific drug family"
    bone_tags = sorted(set(tags) & _BONE_GOOD)
    bone = 1.0 if bone_tags else 0.3
    bone_why = f"bone-relevant ({', '.join(bone_tags)})" if bone_tags else "no bone-specific focus"
    if ctx.facts.measurable_disease is False and set(tags) & _BONE_BAD_IF_NOT_MEASURABLE:
        bone, bone_why = (
            0.0,
            "needs measurable disease; this patient's is bone-only / not measurable",
        )
    line_value = {"met": 1.0, "none": 0.5, "unknown": 0.4, "not_met": 0.0}[lines]
    line_why = {
        "met": "line-of-therapy limits fit",
        "none": "no line-of-therapy limit",
        "unknown": "line-of-therapy limit not settled",
        "not_met": "line-of-therapy limit fails",
    }[lines]
    add("relevance", (subtype + bone + line_value) / 3, f"{why}; {bone_why}; {line_why}")
    phase_values = cfg["phase"]
    assert isinstance(phase_values, dict)
    phase = max((float(phase_values.get(p, 0.3)) for p in phases), default=0.3)
    add("phase", phase, ", ".join(phases) or "phase not given")
    status_values = cfg["status"]
    assert isinstance(status_values, dict)
    st = float(str(status_values.get(overall_status or "UNKNOWN", status_values["UNKNOWN"])))
    st_why = (overall_status or "status not in the record").lower().replace("_", " ")
    if site_open is True:
        st, st_why = max(st, 0.9), st_why + "; a site is recruiting"
    add("recruiting", st, st_why)
    scale = float(str(cfg["distance_scale_km"]))
    if distance_km is None:
        add("distance", 0.0, "distance not computable (no ZIP or no located open site)")
    else:
        add(
            "distance",
            1.0 / (1.0 + distance_km / scale),
            f"nearest open site {distance_km:.0f} km away",
        )
    return ScoreCalc(round(sum(v * wt for _, v, wt, _ in parts), 2), tuple(parts))


_FAMILY_TAGS = {
    "adc",
    "cdk46",
    "pi3k_akt_mtor",
    "endocrine_serd",
    "her2_directed",
    "parp",
    "immunotherapy",
    "chemotherapy",
    "bone_modifying_agent",
    "radiopharmaceutical",
    "radiotherapy_sbrt",
    "supportive_care",
    "imaging_diagnostic",
    "nanomedicine",
    "bone_modifying_agent_schedule",
}
