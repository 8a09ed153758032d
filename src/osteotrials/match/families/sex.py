"""Sex: female / male only, or either."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if c.params.get("no_restriction"):
        return Truth(True, "either sex", fields=("sex",))
    wanted = c.params.get("sex")
    sex = ctx.facts.sex
    if sex is None:
        return unknown("sex not known", "sex", fields=("sex",))
    if sex not in ("female", "male") or wanted not in ("female", "male"):
        return unknown(f"sex {sex!r} against {wanted!r}", "sex", fields=("sex",))
    return Truth(sex == wanted, f"sex {sex}", fields=("sex",))
