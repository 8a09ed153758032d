"""Sex: female / male only, or either."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
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


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the wanted sex read once per index.


def prepare(c: Constraint) -> object:
    wanted = c.params.get("sex")
    return wanted if wanted in ("female", "male") else None


def codes(prepared: list[object], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared sex constraints for one patient."""
    sex = ctx.facts.sex
    if sex not in ("female", "male"):
        return [TRUTH_UNKNOWN] * len(prepared)
    return [TRUTH_HOLDS if sex == wanted else TRUTH_FAILS for wanted in prepared]
