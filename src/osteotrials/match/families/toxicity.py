"""Unresolved toxicity of prior therapy (grade > N), peripheral neuropathy."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
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


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: (asks about neuropathy, without a grade limit), read once per
# index; per patient the comorbidity list is searched for neuropathy once.


def prepare(c: Constraint) -> tuple[bool, bool]:
    return c.params.get("aspect") == "neuropathy", c.params.get("max_grade") is None


def codes(prepared: list[tuple[bool, bool]], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared toxicity constraints for one patient."""
    names = ctx.comorbidity_names
    neuropathy = None if names is None else any("neuropath" in n for n in names)
    out: list[int | None] = []
    for asks_neuropathy, no_grade in prepared:
        if not asks_neuropathy or neuropathy is None:
            out.append(TRUTH_UNKNOWN)
        elif not neuropathy:
            out.append(TRUTH_FAILS)
        else:
            out.append(TRUTH_HOLDS if no_grade else TRUTH_UNKNOWN)
    return out
