"""Cardiac: LVEF and QTc thresholds, heart conditions (from the comorbidity list), NYHA."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    OP_WORDS,
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    compare,
    fmt,
    recent_days,
    unknown,
)
from osteotrials.match._data import load
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

#: a measure's limit as read from the criterion: (op, value, reference note); None when
#: the limit is not understood (a QTc limit against an LLN)
Limit = tuple[str, float, str | None] | None


def _limit(p: Mapping[str, Any]) -> Limit:
    """The LVEF / QTc limit of a constraint (patient-independent; the evaluator and the
    bulk codes both read limits through this)."""
    measure = p.get("measure")
    op, value = p.get("op"), p.get("value")
    reference = None
    if p.get("unit") == "LLN" or value is None:
        if measure != "lvef":
            return None
        lln = float(load("defaults.yaml")["lvef_lln_percent"])
        value = lln * float(value or 1) if p.get("unit") == "LLN" and value else lln
        op = op or ">="
        reference = f"default LVEF LLN {fmt(lln)} % (match/data/defaults.yaml)"
    if op is None:
        op = ">=" if measure == "lvef" else "<="
    return str(op), float(value), reference


def _measure(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    measure = p.get("measure")
    if measure == "lvef":
        have, fields, key = ctx.facts.lvef_percent, ("cardiac.lvef_percent",), "lvef"
    else:
        have, fields, key = ctx.facts.qtc_ms, ("cardiac.qtc_ms",), "qtc"
    if have is None:
        return unknown(
            f"{measure.upper() if measure else 'measure'} not on file", key, fields=fields
        )
    limit_of = _limit(p)
    if limit_of is None:
        return unknown(f"QTc {fmt(have)} ms; limit not understood", "criterion_unclear")
    op, value, reference = limit_of
    ok = compare(have, op, value)
    unit = "%" if measure == "lvef" else "ms"
    limit = f"{OP_WORDS.get(op, op)} {fmt(value)}"
    fact = f"{str(measure).upper()} {fmt(have)} {unit}; limit {limit}"
    if ok is None:
        return unknown(fact, "criterion_unclear")
    return Truth(ok, fact, fields=fields, reference=reference)


@cache
def _uncontrolled(text: str) -> bool:
    lowered = text.lower()
    return "uncontrolled" in lowered or "poorly controlled" in lowered


def _uncontrolled_for(c: Constraint, cond: str) -> bool:
    """Whether only an uncontrolled ``cond`` counts: the parser's ``uncontrolled`` list
    ("Uncontrolled hypertension"), or the word inside the constraint's own text."""
    return cond in (c.params.get("uncontrolled") or ()) or _uncontrolled(c.text)


def condition_hit(
    cond: str,
    comorbidities: Sequence[Comorbidity],
    uncontrolled: bool,
    within_days: float | None,
    as_of: date,
) -> tuple[int | None, bool]:
    """One heart-condition category against the comorbidity list: the position of the
    first comorbidity that counts for it (or None), and whether the list leaves it
    unsettled (the evaluator and the bulk codes both read conditions through this)."""
    unsettled = False
    for i, m in enumerate(comorbidities):
        hit = matches(m.name, cond)
        if hit is None:
            unsettled = True
            continue
        if not hit or (uncontrolled and m.controlled is True):
            continue
        if uncontrolled and m.controlled is None:
            unsettled = True
            continue
        if within_days is not None:
            if m.since is None:
                unsettled = True
                continue
            if m.since < as_of - timedelta(days=within_days):
                continue
        return i, unsettled
    return None, unsettled


def _condition_list(c: Constraint) -> list[str]:
    return [x for x in c.params.get("condition", []) if x not in ("nyha", "ecg")]


def _conditions(c: Constraint, ctx: Context) -> Truth:
    conditions = _condition_list(c)
    if not conditions:
        return unknown("cardiac assessment (ECG / NYHA class) not recorded", "cardiac_history")
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return unknown("heart conditions not recorded", "comorbidities", fields=("comorbidities",))
    days = recent_days(c.time_window)
    found = [
        condition_hit(cond, comorbidities, _uncontrolled_for(c, cond), days, ctx.as_of)
        for cond in conditions
    ]
    first = min((i for i, _ in found if i is not None), default=None)
    if first is not None:
        return Truth(True, f"comorbidity: {comorbidities[first].name}", fields=("comorbidities",))
    if any(u for _, u in found) or any(matches("x", cond) is None for cond in conditions):
        return unknown(
            f"{', '.join(conditions)}: not settled by the comorbidity list",
            "cardiac_history",
            fields=("comorbidities",),
        )
    listed = ", ".join(m.name for m in comorbidities) or "none"
    return Truth(
        False, f"no {', '.join(conditions)} (comorbidities: {listed})", fields=("comorbidities",)
    )


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if c.params.get("measure") in ("lvef", "qtc"):
        return _measure(c, ctx)
    return _conditions(c, ctx)


# --------------------------------------------------------------------------- bulk codes
# Heart-condition constraints as truth codes (the fast ranking path): read once per index
# (``prepare``); per patient, each distinct (condition, uncontrolled, window) is put to
# ``condition_hit`` once, and each LVEF / QTc limit (read by ``_limit``, shared with the
# evaluator) is one ``compare``.


@dataclass(frozen=True, slots=True)
class Prepared:
    #: (condition, uncontrolled, recency window days) per condition
    queries: tuple[Query, ...]


@dataclass(frozen=True, slots=True)
class Measure:
    """A prepared LVEF / QTc limit: the measure and its ``_limit`` (None: not understood)."""

    lvef: bool
    limit: tuple[str, float] | None


def prepare(c: Constraint) -> Prepared | Measure | None:
    if c.params.get("measure") in ("lvef", "qtc"):
        try:
            lim = _limit(c.params)
        except (ValueError, TypeError, KeyError):
            return None  # a malformed limit: left to the evaluator
        return Measure(c.params["measure"] == "lvef", None if lim is None else lim[:2])
    try:
        conditions = _condition_list(c)
    except TypeError:
        return None
    days = recent_days(c.time_window)
    return Prepared(
        tuple((str(cond), _uncontrolled_for(c, str(cond)), days) for cond in conditions)
    )


def _state(q: Query, comorbidities: Sequence[Comorbidity], as_of: date) -> int:
    first, unsettled = condition_hit(q[0], comorbidities, q[1], q[2], as_of)
    if first is not None:
        return TRUTH_HOLDS
    return TRUTH_UNKNOWN if unsettled or matches("x", q[0]) is None else TRUTH_FAILS


def _measure_code(m: Measure, ctx: Context) -> int:
    have = ctx.facts.lvef_percent if m.lvef else ctx.facts.qtc_ms
    if have is None or m.limit is None:
        return TRUTH_UNKNOWN
    ok = compare(have, *m.limit)
    return TRUTH_UNKNOWN if ok is None else TRUTH_HOLDS if ok else TRUTH_FAILS


def codes_one_by_one(prepared: list[Prepared | Measure], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared heart-condition constraints and LVEF /
    QTc limits, constraint after constraint (``codes`` gives the same from a query table)."""
    conditions = [p for p in prepared if isinstance(p, Prepared)]
    answered = iter(any_condition([p.queries for p in conditions], ctx, _state, TRUTH_UNKNOWN))
    return [next(answered) if isinstance(p, Prepared) else _measure_code(p, ctx) for p in prepared]


@dataclass(slots=True)
class Batch:
    prepared: list[Prepared | Measure]
    #: the heart-condition constraints' query table, and where the constraints sit
    conditions: QueryTable
    condition_at: list[int]
    measures: list[tuple[int, Measure]]


def batch(prepared: list[Prepared | Measure]) -> Batch:
    at = [k for k, p in enumerate(prepared) if isinstance(p, Prepared)]
    table = query_table([p.queries for p in prepared if isinstance(p, Prepared)])
    measures = [(k, p) for k, p in enumerate(prepared) if isinstance(p, Measure)]
    return Batch(prepared, table, at, measures)


def codes(b: Batch, ctx: Context) -> NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared heart-condition constraints and LVEF /
    QTc limits."""
    out = np.empty(len(b.prepared), dtype=np.intp)
    out[b.condition_at] = any_condition_table(b.conditions, ctx, _state, TRUTH_UNKNOWN)
    for k, m in b.measures:
        out[k] = _measure_code(m, ctx)
    return out
