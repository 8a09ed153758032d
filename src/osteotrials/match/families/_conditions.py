"""Comorbidity keyword categories (``match/data/conditions.yaml``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
from numpy.typing import NDArray

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


@dataclass(slots=True)
class QueryTable:
    """Condition constraints as a table, built once per index: the distinct queries, and
    per constraint with queries its query ids (flat, constraint after constraint) and
    where they start."""

    queries: list[Query]
    flat: NDArray[np.intp]
    start: NDArray[np.intp]
    #: positions of the constraints with at least one query
    with_queries: NDArray[np.intp]
    n: int


def query_table(lists: Sequence[tuple[Query, ...]]) -> QueryTable:
    ids: dict[Query, int] = {}
    flat: list[int] = []
    start: list[int] = []
    with_queries: list[int] = []
    for k, qs in enumerate(lists):
        if qs:
            with_queries.append(k)
            start.append(len(flat))
            flat.extend(ids.setdefault(q, len(ids)) for q in qs)
    return QueryTable(
        list(ids),
        np.array(flat, dtype=np.intp),
        np.array(start, dtype=np.intp),
        np.array(with_queries, dtype=np.intp),
        len(lists),
    )


#: a query's state -> its precedence in ``any_condition`` (holds 0, unknown 1, else 2)
_PRECEDENCE = {TRUTH_HOLDS: 0, TRUTH_UNKNOWN: 1}
_FROM_PRECEDENCE = np.array([TRUTH_HOLDS, TRUTH_UNKNOWN, TRUTH_FAILS], dtype=np.intp)


def any_condition_table(
    table: QueryTable,
    ctx: Context,
    state: Callable[[Query, Sequence[Comorbidity], date], int],
    empty: int,
) -> NDArray[np.intp]:
    """``any_condition`` on a ``QueryTable``: each distinct query answered once by
    ``state``, then per constraint the minimum precedence over its queries (a query that
    holds decides, else an unknown one makes it unknown, else it does not hold)."""
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return np.full(table.n, TRUTH_UNKNOWN, dtype=np.intp)
    precedence = np.array(
        [_PRECEDENCE.get(state(q, comorbidities, ctx.as_of), 2) for q in table.queries],
        dtype=np.intp,
    )
    out = np.full(table.n, empty, dtype=np.intp)
    if len(table.flat):
        worst = np.minimum.reduceat(precedence[table.flat], table.start)
        out[table.with_queries] = _FROM_PRECEDENCE[worst]
    return out
