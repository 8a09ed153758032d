"""Measurable disease by RECIST 1.1, measurable-or-evaluable, bone-only allowed."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
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
