"""Measurable disease by RECIST 1.1, measurable-or-evaluable, bone-only allowed."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    holds_code,
    unknown,
)
from osteotrials.model.criteria import Constraint

_FIELDS = ("disease.measurable_disease", "disease.bone_lesions", "disease.visceral_lesions")


def evaluate(c: Constraint, ctx: Context) -> Truth:
    f = ctx.facts
    req = c.params.get("requirement", "measurable")
    bone_only = c.params.get("bone_only")
    m = f.measurable_disease
    basis = f" ({f.measurable_basis})" if f.measurable_basis else ""
    if req in ("measurable_or_evaluable", "bone_only_allowed") or bone_only == "allowed":
        if m:
            return Truth(True, f"measurable disease{basis}", fields=_FIELDS)
        if f.bone_metastases or f.visceral_metastases or f.nodal_metastases:
            return Truth(
                True, "evaluable (non-measurable) metastatic disease on file", fields=_FIELDS
            )
        return unknown(
            "measurable or evaluable disease not recorded", "measurable_disease", fields=_FIELDS
        )
    if m is None:
        return unknown("RECIST-measurable disease not known", "measurable_disease", fields=_FIELDS)
    if req == "non_measurable":
        return Truth(not m, f"measurable disease {'yes' if m else 'no'}{basis}", fields=_FIELDS)
    return Truth(m, f"measurable disease {'yes' if m else 'no'}{basis}", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: (evaluable disease accepted, asks for non-measurable disease),
# read once per index, then one code per constraint as ``evaluate``.


def prepare(c: Constraint) -> tuple[bool, bool]:
    req = c.params.get("requirement", "measurable")
    evaluable_ok = (
        req in ("measurable_or_evaluable", "bone_only_allowed")
        or c.params.get("bone_only") == "allowed"
    )
    return evaluable_ok, req == "non_measurable"


def codes(prepared: list[tuple[bool, bool]], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared measurable-disease constraints."""
    f = ctx.facts
    m = f.measurable_disease
    evaluable = bool(m) or bool(f.bone_metastases or f.visceral_metastases or f.nodal_metastases)
    out: list[int | None] = []
    for evaluable_ok, non_measurable in prepared:
        if evaluable_ok:
            out.append(TRUTH_HOLDS if evaluable else TRUTH_UNKNOWN)
        elif m is None:
            out.append(TRUTH_UNKNOWN)
        else:
            out.append(holds_code(not m if non_measurable else m))
    return out
