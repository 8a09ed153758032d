"""Age: minimum / maximum in years against the patient's age on ``as_of``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    fmt,
    unknown,
)
from osteotrials.model.criteria import Constraint

FIELDS = ("birth_date", "age_years")


def check(age: int, lo: float | None, hi: float | None, lo_inc: bool, hi_inc: bool) -> bool:
    if lo is not None and (age < lo or (age == lo and not lo_inc)):
        return False
    return not (hi is not None and (age > hi or (age == hi and not hi_inc)))


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    if p.get("no_restriction"):
        return Truth(True, "no age restriction", fields=FIELDS)
    age = ctx.facts.age_years
    if age is None:
        return unknown("age not known", "age", fields=FIELDS)
    lo, hi = p.get("min"), p.get("max")
    holds = check(
        age,
        None if lo is None else float(lo),
        None if hi is None else float(hi),
        bool(p.get("min_inclusive", True)),
        bool(p.get("max_inclusive", True)),
    )
    bounds = " ".join(
        x
        for x in (
            f"min {fmt(float(lo))}" if lo is not None else "",
            f"max {fmt(float(hi))}" if hi is not None else "",
        )
        if x
    )
    return Truth(holds, f"age {age} ({ctx.facts.age_basis}); limit {bounds}", fields=FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the limits read once per index, then ``check`` per constraint.

Prepared = tuple[float | None, float | None, bool, bool]


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    lo, hi = p.get("min"), p.get("max")
    for x in (lo, hi):
        if x is not None and (isinstance(x, bool) or not isinstance(x, int | float)):
            return None
    return (
        None if lo is None else float(lo),
        None if hi is None else float(hi),
        bool(p.get("min_inclusive", True)),
        bool(p.get("max_inclusive", True)),
    )


def codes_one_by_one(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared age limits for one patient, one limit at
    a time (``codes`` gives the same with arrays)."""
    age = ctx.facts.age_years
    if age is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    return [TRUTH_HOLDS if check(age, *prep) else TRUTH_FAILS for prep in prepared]


@dataclass(slots=True)
class Batch:
    """The limits as arrays (no limit: -inf / +inf, which every age passes as ``check``)."""

    prepared: list[Prepared]
    lo: NDArray[np.float64]
    hi: NDArray[np.float64]
    lo_inclusive: NDArray[np.bool_]
    hi_inclusive: NDArray[np.bool_]


def batch(prepared: list[Prepared]) -> Batch:
    return Batch(
        prepared,
        np.array([-np.inf if p[0] is None else p[0] for p in prepared], dtype=np.float64),
        np.array([np.inf if p[1] is None else p[1] for p in prepared], dtype=np.float64),
        np.array([p[2] for p in prepared], dtype=np.bool_),
        np.array([p[3] for p in prepared], dtype=np.bool_),
    )


def codes(b: Batch, ctx: Context) -> list[int | None] | NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared age limits for one patient (``check``
    on every limit at once)."""
    age = ctx.facts.age_years
    if age is None:
        return [TRUTH_UNKNOWN] * len(b.prepared)
    too_young = (age < b.lo) | ((age == b.lo) & ~b.lo_inclusive)
    too_old = (age > b.hi) | ((age == b.hi) & ~b.hi_inclusive)
    out: NDArray[np.intp] = np.where(too_young | too_old, TRUTH_FAILS, TRUTH_HOLDS)
    return out
