"""Comorbidities by category. The patient's comorbidity list is taken as complete
(``[]`` = none): a category with keywords (``match/data/conditions.yaml``) that
matches nothing on the list does not hold. Categories that a list of diagnoses
cannot settle (pain, wounds, "any condition that would interfere") stay unknown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    recent_days,
    unknown,
)
from osteotrials.match.families._conditions import (
    Query,
    QueryTable,
    any_condition,
    any_condition_table,
    matches,
    query_table,
)
from osteotrials.model.criteria import Constraint
from osteotrials.model.patient import Comorbidity

_FIELDS = ("comorbidities",)


def condition_state(
    cond: str,
    comorbidities: Sequence[Comorbidity],
    uncontrolled_only: bool,
    within_days: float | None,
    as_of: date,
) -> tuple[str | None, int]:
    """One condition category against the comorbidity list: the first comorbidity that
    counts for it (or None), and how many times the list leaves it unsettled (the
    evaluator and the bulk codes both read conditions through this)."""
    if cond == "uncontrolled_illness":
        bad = [m for m in comorbidities if m.controlled is False]
        if bad:
            return bad[0].name, 0
        return None, int(any(m.controlled is None for m in comorbidities))
    unsettled = 0
    decided = False
    for m in comorbidities:
        hit = matches(m.name, cond)
        if hit is None:
            break
        decided = True
        if not hit:
            continue
        if uncontrolled_only and m.controlled is True:
            continue
        if within_days is not None:
            if m.since is None:
                unsettled += 1
                continue
            if m.since < as_of - timedelta(days=within_days):
                continue
        return m.name, unsettled
    if (not decided and (not comorbidities and matches("", cond) is None)) or (
        not decided and comorbidities
    ):
        unsettled += 1
    return None, unsettled


def _uncontrolled_only(c: Constraint, conditions: Sequence[str], cond: str) -> bool:
    """Whether only an uncontrolled ``cond`` counts: the parser's ``uncontrolled`` list
    ("uncontrolled diabetes"), the word inside the constraint's own text, or an
    uncontrolled-illness rule."""
    return (
        cond in (c.params.get("uncontrolled") or ())
        or "uncontrolled" in c.text.lower()
        or "uncontrolled_illness" in conditions
    )


def evaluate(c: Constraint, ctx: Context) -> Truth:
    conditions = [str(x) for x in c.params.get("condition", [])]
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return unknown("comorbidities not recorded", "comorbidities", fields=_FIELDS)
    unsettled: list[str] = []
    days = recent_days(c.time_window)
    for cond in conditions:
        name, n_unsettled = condition_state(
            cond, comorbidities, _uncontrolled_only(c, conditions, cond), days, ctx.as_of
        )
        if name is not None:
            label = "uncontrolled" if cond == "uncontrolled_illness" else "comorbidity"
            return Truth(True, f"{label}: {name}", fields=_FIELDS)
        unsettled.extend([cond] * n_unsettled)
    if unsettled:
        return unknown(
            f"{', '.join(unsettled)}: not settled by the comorbidity list",
            *(f"condition:{u}" for u in unsettled),
            fields=_FIELDS,
        )
    listed = ", ".join(m.name for m in comorbidities) or "none"
    return Truth(
        False, f"none of {', '.join(conditions)} (comorbidities: {listed})", fields=_FIELDS
    )


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path needs only the truth code. Constraints are read once per index
# (``prepare``); per patient, each distinct (condition, uncontrolled only, window) is put
# to ``condition_state`` once and the constraints combine those answers: a condition that
# holds decides, else an unsettled one makes it unknown, else it does not hold.


@dataclass(frozen=True, slots=True)
class Prepared:
    #: (condition, uncontrolled only, recency window days) per condition
    queries: tuple[Query, ...]


def prepare(c: Constraint) -> Prepared | None:
    raw = c.params.get("condition", [])
    if not isinstance(raw, list | tuple):
        return None
    conditions = [str(x) for x in raw]
    days = recent_days(c.time_window)
    return Prepared(
        tuple((cond, _uncontrolled_only(c, conditions, cond), days) for cond in conditions)
    )


def _state(q: Query, comorbidities: Sequence[Comorbidity], as_of: date) -> int:
    name, n_unsettled = condition_state(q[0], comorbidities, q[1], q[2], as_of)
    if name is not None:
        return TRUTH_HOLDS
    return TRUTH_UNKNOWN if n_unsettled else TRUTH_FAILS


def codes_one_by_one(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared comorbidity constraints for one patient,
    constraint after constraint (``codes`` gives the same from a query table)."""
    return any_condition([p.queries for p in prepared], ctx, _state, TRUTH_FAILS)


@dataclass(slots=True)
class Batch:
    prepared: list[Prepared]
    table: QueryTable


def batch(prepared: list[Prepared]) -> Batch:
    return Batch(prepared, query_table([p.queries for p in prepared]))


def codes(b: Batch, ctx: Context) -> NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared comorbidity constraints for one patient
    (each distinct condition query answered once)."""
    return any_condition_table(b.table, ctx, _state, TRUTH_FAILS)
