"""Disease sites: bone (only / dominant / lesion type / soft-tissue component),
visceral, liver, lung, nodes, pleura, skin, spinal cord compression, visceral crisis."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    holds_code,
    unknown,
)
from osteotrials.model.criteria import Constraint
from osteotrials.patient.derive import DerivedFacts

_SITE_FIELDS = ("disease.bone_lesions", "disease.visceral_lesions", "disease.nodal_lesions")


def _organs(ctx: Context, organs: set[str]) -> bool | None:
    lesions = ctx.patient.disease.visceral_lesions
    if lesions is None:
        return None
    return any(lesion.organ in organs for lesion in lesions)


#: sites whose "only" the facts can settle in one direction, and the fact of each
_ONLY_SITES = {
    "liver": "liver_metastases",
    "lung": "lung_metastases",
    "visceral": "visceral_metastases",
    "lymph_node": "nodal_metastases",
}


def _confined(present: bool | None, f: DerivedFacts) -> bool | None:
    """Disease confined to a non-bone site: no when the site is free or bone metastases
    are recorded too; otherwise not settled (the file lists no complete set of sites)."""
    if present is False or f.bone_metastases is True:
        return False
    return None


def _bone(c: Constraint, ctx: Context) -> Truth:
    f = ctx.facts
    extent = c.params.get("extent")
    if extent == "only":
        return _fact(f.bone_only, "bone-only disease", "bone_only")
    if extent == "dominant":
        return _fact(f.bone_dominant, "bone-dominant disease", "bone_only")
    types = c.params.get("lesion_type")
    if types:
        lesions = ctx.patient.disease.bone_lesions
        if not lesions:
            return unknown(
                "bone lesion types not recorded",
                "bone_lesion_type",
                fields=("disease.bone_lesions",),
            )
        wanted = {"sclerotic" if t == "blastic" else t for t in types}
        seen = {"sclerotic" if ls.type == "blastic" else ls.type for ls in lesions}
        if wanted & seen:
            return Truth(
                True,
                f"bone lesions {', '.join(sorted(s for s in seen if s))}",
                fields=("disease.bone_lesions",),
            )
        if None in seen:
            return unknown("some bone lesion types not recorded", "bone_lesion_type")
        return Truth(
            False,
            f"bone lesions {', '.join(sorted(s for s in seen if s))}",
            fields=("disease.bone_lesions",),
        )
    if c.params.get("soft_tissue_component"):
        lesions = ctx.patient.disease.bone_lesions
        if not lesions:
            return unknown("bone lesions not recorded", "bone_lesions")
        sizes = [ls.soft_tissue_component_mm for ls in lesions]
        if any(s is not None and s >= 10 for s in sizes):
            return Truth(
                True,
                "bone lesion with a soft-tissue component >= 10 mm",
                fields=("disease.bone_lesions",),
            )
        if all(s is not None for s in sizes) or all(ls.type == "blastic" for ls in lesions):
            return Truth(
                False, "no soft-tissue component >= 10 mm", fields=("disease.bone_lesions",)
            )
        return unknown("soft-tissue components not measured", "bone_soft_tissue")
    return _fact(f.bone_metastases, "bone metastases", "bone_metastases")


def _fact(value: bool | None, label: str, key: str) -> Truth:
    if value is None:
        return unknown(f"{label}: not known", key, fields=_SITE_FIELDS)
    return Truth(value, f"{label}: {'yes' if value else 'no'}", fields=_SITE_FIELDS)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    site = c.params.get("site")
    extent = c.params.get("extent")
    f = ctx.facts
    if extent == "crisis":
        return unknown("visceral crisis is a clinical judgement not in the file", "visceral_crisis")
    if site == "bone":
        return _bone(c, ctx)
    if site == "spinal_cord" or extent == "compression":
        events = ctx.patient.skeletal_events
        if events is None:
            return unknown(
                "history of spinal cord compression not recorded",
                "cord_compression",
                fields=("skeletal_events",),
            )
        hit = any(e.type == "spinal_cord_compression" for e in events)
        return Truth(
            hit,
            f"spinal cord compression: {'yes' if hit else 'none recorded'}",
            fields=("skeletal_events",),
        )
    if extent == "only" and site in _ONLY_SITES:
        # "Patients that have only liver metastases will not be allowed": confined to the
        # site, not merely present there (read as presence, every patient with liver and
        # bone metastases failed)
        value = _confined(getattr(f, _ONLY_SITES[site]), f)
        if value is None:
            return unknown(
                f"{site} metastases only: not settled by the file", "visceral_metastases"
            )
        return Truth(value, f"{site}-only disease: {'yes' if value else 'no'}", fields=_SITE_FIELDS)
    if site == "visceral":
        return _fact(f.visceral_metastases, "visceral metastases", "visceral_metastases")
    if site == "liver":
        return _fact(f.liver_metastases, "liver metastases", "visceral_metastases")
    if site == "lung":
        return _fact(f.lung_metastases, "lung metastases", "visceral_metastases")
    if site == "lymph_node":
        return _fact(f.nodal_metastases, "nodal metastases", "nodal_metastases")
    if site == "pleural":
        return _fact(_organs(ctx, {"pleura"}), "pleural disease", "visceral_metastases")
    if site == "skin_soft_tissue":
        return _fact(
            _organs(ctx, {"skin", "soft_tissue", "chest_wall"}),
            "skin / soft-tissue disease",
            "visceral_metastases",
        )
    return unknown(f"site {site!r} not understood", "criterion_unclear")


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: site, extent, lesion types and the soft-tissue flag read once
# per index, then one code per constraint following ``evaluate`` branch by branch.

#: (site, extent, wanted lesion types or None, soft-tissue component asked)
Prepared = tuple[object, object, frozenset[object] | None, bool]


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    types = p.get("lesion_type")
    try:
        wanted = frozenset("sclerotic" if t == "blastic" else t for t in types) if types else None
    except TypeError:
        return None
    return (p.get("site"), p.get("extent"), wanted, bool(p.get("soft_tissue_component")))


def _bone_code(prep: Prepared, ctx: Context) -> int:
    _, extent, wanted, soft_tissue = prep
    f = ctx.facts
    if extent == "only":
        return holds_code(f.bone_only)
    if extent == "dominant":
        return holds_code(f.bone_dominant)
    if wanted is not None:
        lesions = ctx.patient.disease.bone_lesions
        if not lesions:
            return TRUTH_UNKNOWN
        seen = {"sclerotic" if ls.type == "blastic" else ls.type for ls in lesions}
        if wanted & seen:
            return TRUTH_HOLDS
        return TRUTH_UNKNOWN if None in seen else TRUTH_FAILS
    if soft_tissue:
        lesions = ctx.patient.disease.bone_lesions
        if not lesions:
            return TRUTH_UNKNOWN
        sizes = [ls.soft_tissue_component_mm for ls in lesions]
        if any(s is not None and s >= 10 for s in sizes):
            return TRUTH_HOLDS
        if all(s is not None for s in sizes) or all(ls.type == "blastic" for ls in lesions):
            return TRUTH_FAILS
        return TRUTH_UNKNOWN
    return holds_code(f.bone_metastases)


def _code(prep: Prepared, ctx: Context) -> int:
    site, extent = prep[0], prep[1]
    f = ctx.facts
    if extent == "crisis":
        return TRUTH_UNKNOWN
    if site == "bone":
        return _bone_code(prep, ctx)
    if site == "spinal_cord" or extent == "compression":
        events = ctx.patient.skeletal_events
        if events is None:
            return TRUTH_UNKNOWN
        return holds_code(any(e.type == "spinal_cord_compression" for e in events))
    if extent == "only" and site in _ONLY_SITES:
        return holds_code(_confined(getattr(f, _ONLY_SITES[site]), f))
    if site == "visceral":
        return holds_code(f.visceral_metastases)
    if site == "liver":
        return holds_code(f.liver_metastases)
    if site == "lung":
        return holds_code(f.lung_metastases)
    if site == "lymph_node":
        return holds_code(f.nodal_metastases)
    if site == "pleural":
        return holds_code(_organs(ctx, {"pleura"}))
    if site == "skin_soft_tissue":
        return holds_code(_organs(ctx, {"skin", "soft_tissue", "chest_wall"}))
    return TRUTH_UNKNOWN


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared disease-site constraints for one patient."""
    out: list[int | None] = []
    for prep in prepared:
        try:
            out.append(_code(prep, ctx))
        except (ValueError, TypeError, KeyError):
            out.append(None)  # left to the evaluator
    return out
