"""Unresolved toxicity of prior therapy (grade > N), peripheral neuropathy."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    aspect = c.params.get("aspect")
    if aspect == "neuropathy":
        names = ctx.comorbidity_names
        if names is not None:
            found = [n for n in names if "neuropath" in n]
            if not found:
                return Truth(
                    False, "no neuropathy in the comorbidity list", fields=("comorbidities",)
                )
            if c.params.get("max_grade") is None:
                return Truth(True, f"comorbidity list: {found[0]}", fields=("comorbidities",))
        return unknown("peripheral neuropathy grade not recorded", "neuropathy_grade")
    return unknown("residual toxicity of earlier treatment is not recorded", "unresolved_toxicity")
