"""Cardiac: LVEF and QTc thresholds, heart conditions (from the comorbidity list), NYHA."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from osteotrials.match._core import OP_WORDS, Context, Truth, compare, fmt, unknown
from osteotrials.match._data import load
from osteotrials.match.families._conditions import matches
from osteotrials.model.criteria import Constraint


def _measure(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    measure = p.get("measure")
    op, value = p.get("op"), p.get("value")
    if measure == "lvef":
        have, fields, key = ctx.facts.lvef_percent, ("cardiac.lvef_percent",), "lvef"
    else:
        have, fields, key = ctx.facts.qtc_ms, ("cardiac.qtc_ms",), "qtc"
    if have is None:
        return unknown(
            f"{measure.upper() if measure else 'measure'} not on file", key, fields=fields
        )
    reference = None
    if p.get("unit") == "LLN" or value is None:
        if measure != "lvef":
            return unknown(f"QTc {fmt(have)} ms; limit not understood", "criterion_unclear")
        lln = float(load("defaults.yaml")["lvef_lln_percent"])
        value = lln * float(value or 1) if p.get("unit") == "LLN" and value else lln
        op = op or ">="
        reference = f"default LVEF LLN {fmt(lln)} % (match/data/defaults.yaml)"
    if op is None:
        op = ">=" if measure == "lvef" else "<="
    ok = compare(have, str(op), float(value))
    unit = "%" if measure == "lvef" else "ms"
    limit = f"{OP_WORDS.get(str(op), op)} {fmt(float(value))}"
    fact = f"{str(measure).upper()} {fmt(have)} {unit}; limit {limit}"
    if ok is None:
        return unknown(fact, "criterion_unclear")
    return Truth(ok, fact, fields=fields, reference=reference)


@cache
def _uncontrolled(text: str) -> bool:
    lowered = text.lower()
    return "uncontrolled" in lowered or "poorly controlled" in lowered


def _conditions(c: Constraint, ctx: Context) -> Truth:
    conditions = [x for x in c.params.get("condition", []) if x not in ("nyha", "ecg")]
    if not conditions:
        return unknown("cardiac assessment (ECG / NYHA class) not recorded", "cardiac_history")
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return unknown("heart conditions not recorded", "comorbidities", fields=("comorbidities",))
    uncontrolled = _uncontrolled(c.text)
    window = c.time_window
    unsettled = False
    for m in comorbidities:
        for cond in conditions:
            hit = matches(m.name, cond)
            if hit is None:
                unsettled = True
                continue
            if not hit or (uncontrolled and m.controlled is True):
                continue
            if uncontrolled and m.controlled is None:
                unsettled = True
                continue
            if window is not None and window.relation in ("within", "less_than"):
                if m.since is None:
                    unsettled = True
                    continue
                if m.since < ctx.as_of - timedelta(days=window.days):
                    continue
            return Truth(True, f"comorbidity: {m.name}", fields=("comorbidities",))
    if unsettled or any(matches("x", cond) is None for cond in conditions):
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
