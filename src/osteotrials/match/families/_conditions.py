"""Comorbidity keyword categories (``match/data/conditions.yaml``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context
from osteotrials.match._data import load
from osteotrials.model.patient import Comorbidity

#: a condition query of the bulk codes: (category, uncontrolled only, recency window days)
Query = tuple[str, bool, float | None]


@cache
def categories() -> dict[str, tuple[str, ...]]:
    raw = load("conditions.yaml")["categories"]
    return {str(k): tuple(str(w).lower() for w in v) for k, v in raw.items()}


@cache
def matches(name: str, category: str) -> bool | None:
    """Whether a comorbidity name falls in ``category``; None if the category has no keywords.
    (Cached: comorbidity and cardiac rules ask it for every name and category pair.)"""
    words = categories().get(category)
    if words is None:
        return None
    lowered = name.lower()
    return any(w in lowered for w in words)


def any_condition(
    queries: Sequence[tuple[Query, ...]],
    ctx: Context,
    state: Callable[[Query, Sequence[Comorbidity], date], int],
    empty: int,
) -> list[int | None]:
    """Truth codes of constraints that ask for any of their conditions (comorbidity and
    heart-condition bulk codes; unknown without a comorbidity list): each distinct query
    answered once by ``state``; a condition that holds decides, else an unknown one makes
    the constraint unknown, else it does not hold; ``empty`` for no conditions."""
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return [TRUTH_UNKNOWN] * len(queries)
    states: dict[Query, int] = {}
    out: list[int | None] = []
    for qs in queries:
        code = TRUTH_FAILS if qs else empty
        for q in qs:
            st = states.get(q)
            if st is None:
                st = states[q] = state(q, comorbidities, ctx.as_of)
            if st == TRUTH_HOLDS:
                code = TRUTH_HOLDS
                break
            if st == TRUTH_UNKNOWN:
                code = TRUTH_UNKNOWN
        out.append(code)
    return out
