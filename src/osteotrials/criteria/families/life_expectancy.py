# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Life expectancy: at least N weeks/months/years."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import (
    NUM_ANY,
    OP_RE,
    TIME_UNIT,
    ItemText,
    to_number,
    to_op,
    unit_name,
)
from osteotrials.model.criteria import Constraint

FAMILY = "life_expectancy"
_TRIGGER = re.compile(
    r"\b(?:life expectancy|expected survival|expected to live|estimated survival|expected life span|prognosis|survival expectancy)\b"
)
_VALUE = re.compile(
    rf"(?P<op>{OP_RE})?\s*(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*(?P<u>{TIME_UNIT})\b(?P<post>\s*or (?:more|longer|greater)|\s*and (?:more|above))?"
)
_MONTHS = {"days": 1 / 30.4375, "weeks": 7 / 30.4375, "months": 1.0, "years": 12.0}


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    label = item.context.lower().rsplit(" | ", 1)[-1].strip()
    trig = _TRIGGER.search(norm)
    if not trig and label != "life expectancy":
        return []
    start = trig.end() if trig else 0
    v = _VALUE.search(norm, start, start + 80)
    if not v:
        if trig and re.search(r"not specified", norm):
            return [
                make(
                    item, FAMILY, trig.start(), trig.end(), {"no_restriction": True}, confidence=0.8
                )
            ]
        return []
    n = to_number(v.group("n"))
    if n is None:
        return []
    op = to_op(v.group("op")) if v.group("op") else None
    if op is None:
        op = ">="  # "life expectancy of 12 weeks" / "12 weeks or more": a minimum
    unit = unit_name(v.group("u"))
    a = trig.start() if trig else v.start()
    params = {"op": op, "value": n, "unit": unit, "months": round(n * _MONTHS[unit], 2)}
    return [make(item, FAMILY, a, v.end(), params, confidence=0.9, time_window=None)]
