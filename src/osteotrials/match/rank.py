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


def subtype_sets(ctx: Context) -> tuple[set[str], set[str]]:
    """``subtype_families``, computed once per patient."""
    return ctx.memo("subtype_families", lambda: subtype_families(ctx))


def subtype_value(good: set[str], bad: set[str], tags: tuple[str, ...]) -> float:
    """The subtype part's value: a family tag that suits the patient, else one for another
    subtype, else neither."""
    if not good.isdisjoint(tags):
        return 1.0
    if not bad.isdisjoint(tags):
        return 0.0
    return 0.5


def subtype_part(ctx: Context, tags: tuple[str, ...]) -> tuple[float, str]:
    """Whether the trial's drug families suit this patient's subtype: (value, why)."""
    good, bad = subtype_sets(ctx)
    value = subtype_value(good, bad, tags)
    if value == 1.0:
        fits = sorted(good.intersection(tags))
        return value, f"drug family suits this patient ({', '.join(fits)})"
    if value == 0.0:
        misfits = sorted(bad.intersection(tags))
        return value, f"drug family for another subtype ({', '.join(misfits)})"
    return value, "no subtype-specific drug family"


def bone_value(tags: tuple[str, ...], measurable_disease: bool | None) -> float:
    """The bone part's value: 0 when the trial needs measurable disease and the patient's
    is not measurable, else 1 for a bone-relevant trial, 0.3 for others."""
    if measurable_disease is False and not _BONE_BAD_IF_NOT_MEASURABLE.isdisjoint(tags):
        return 0.0
    return 0.3 if _BONE_GOOD.isdisjoint(tags) else 1.0


def bone_part(ctx: Context, tags: tuple[str, ...]) -> tuple[float, str]:
    """Bone relevance of the trial for this patient: (value, why)."""
    value = bone_value(tags, ctx.facts.measurable_disease)
    if value == 0.0:
        return value, "needs measurable disease; this patient's is bone-only / not measurable"
    bone_tags = sorted(_BONE_GOOD.intersection(tags))
    if bone_tags:
        return value, f"bone-relevant ({', '.join(bone_tags)})"
    return value, "no bone-specific focus"


#: line-of-therapy state of a trial ("none": no line limit) -> relevance value, explanation
LINE_VALUE = {"met": 1.0, "none": 0.5, "unknown": 0.4, "not_met": 0.0}
LINE_WHY = {
    "met": "line-of-therapy limits fit",
    "none": "no line-of-therapy limit",
    "unknown": "line-of-therapy limit not settled",
    "not_met": "line-of-therapy limit fails",
}


def phase_part(phases: tuple[str, ...]) -> float:
    phase_values = config()["phase"]
    assert isinstance(phase_values, dict)
    return max((float(phase_values.get(p, 0.3)) for p in phases), default=0.3)


def recruiting_part(overall_status: str | None, site_open: bool | None) -> tuple[float, str]:
    status_values = config()["status"]
    assert isinstance(status_values, dict)
    st = float(str(status_values.get(overall_status or "UNKNOWN", status_values["UNKNOWN"])))
    st_why = (overall_status or "status not in the record").lower().replace("_", " ")
    if site_open is True:
        st, st_why = max(st, 0.9), st_why + "; a site is recruiting"
    return st, st_why


def distance_part(distance_km: float | None) -> tuple[float, str]:
    if distance_km is None:
        return 0.0, "distance not computable (no ZIP or no located open site)"
    scale = float(str(config()["distance_scale_km"]))
    return 1.0 / (1.0 + distance_km / scale), f"nearest open site {distance_km:.0f} km away"


def clip(value: float) -> float:
    return max(0.0, min(1.0, value))


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
    """The explained score. The fast ranking path (``match/fast.py``) computes the same
    total from the same part functions with array operations, in the same order."""
    w = _weights()
    parts: list[tuple[str, float, float, str]] = []

    def add(name: str, value: float, explanation: str) -> None:
        parts.append((name, clip(value), w[name], explanation))

    add("resolved", resolved, f"{resolved:.0%} of {n_criteria} criteria settled from the file")
    subtype, why = subtype_part(ctx, tags)
    bone, bone_why = bone_part(ctx, tags)
    line_value, line_why = LINE_VALUE[lines], LINE_WHY[lines]
    add("relevance", (subtype + bone + line_value) / 3, f"{why}; {bone_why}; {line_why}")
    add("phase", phase_part(phases), ", ".join(phases) or "phase not given")
    add("recruiting", *recruiting_part(overall_status, site_open))
    add("distance", *distance_part(distance_km))
    return ScoreCalc(round(sum(v * wt for _, v, wt, _ in parts), 2), tuple(parts))


#: the order of the score's parts (weights in ``data/ranking.yaml``)
PARTS = ("resolved", "relevance", "phase", "recruiting", "distance")


def weights() -> dict[str, float]:
    return _weights()
