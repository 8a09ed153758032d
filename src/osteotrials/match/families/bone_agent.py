"""Bone-modifying agents (zoledronic acid, denosumab, pamidronate ...): prior or current use,
with recency / washout windows."""

from __future__ import annotations

from datetime import date, timedelta

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    recent_days,
    unknown,
)
from osteotrials.match.families._therapy import exposure_matches, last_day, specific_classes
from osteotrials.model.criteria import Constraint
from osteotrials.patient.derive import DrugExposure

_FIELDS = ("bone_modifying_agents",)


def _query(c: Constraint) -> tuple[frozenset[str], frozenset[str]]:
    """The drugs and classes a constraint asks about."""
    wanted = frozenset(str(d).lower() for d in c.params.get("drugs", []))
    classes = specific_classes(c.params.get("classes", []))
    if not wanted and not classes:
        classes = frozenset({"bone_modifying_agent"})
    route = c.params.get("route")
    if route == "oral":
        classes = frozenset({"oral_bisphosphonate"})
    return wanted, classes


def _matched(wanted: frozenset[str], classes: frozenset[str], ctx: Context) -> list[DrugExposure]:
    return [
        e for e in ctx.bone_agent_exposures if exposure_matches(e, wanted, classes, frozenset())
    ]


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if ctx.patient.bone_modifying_agents is None:
        return unknown(
            "bone-modifying agents not recorded", "bone_modifying_agents", fields=_FIELDS
        )
    wanted, classes = _query(c)
    matched = _matched(wanted, classes, ctx)
    what = ", ".join(sorted(wanted | classes))
    days = recent_days(c.time_window)
    if days is not None:
        since = ctx.as_of - timedelta(days=days)
        hits = [e for e in matched if (last_day(e, ctx.as_of) or since) >= since]
        if hits:
            names = ", ".join(sorted({e.canonical or e.name for e in hits}))
            return Truth(True, f"{names} within the last {days:g} days", fields=_FIELDS)
        return Truth(False, f"no {what} in the last {days:g} days", fields=_FIELDS)
    if matched:
        names = ", ".join(sorted({e.canonical or e.name for e in matched}))
        current = any(e.ongoing or e.stop_date is None for e in matched)
        return Truth(True, f"{names}{' (current)' if current else ''}", fields=_FIELDS)
    return Truth(False, f"no {what} recorded", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: each constraint read once per index (``_query``); per patient
# the exposures of each distinct (drugs, classes) are matched once.

Prepared = tuple[frozenset[str], frozenset[str], float | None]


def prepare(c: Constraint) -> Prepared | None:
    try:
        wanted, classes = _query(c)
    except TypeError:
        return None
    return wanted, classes, recent_days(c.time_window)


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared bone-agent constraints."""
    if ctx.patient.bone_modifying_agents is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    as_of = ctx.as_of
    #: per (drugs, classes): the last day of each matching exposure (None: not known)
    last: dict[tuple[frozenset[str], frozenset[str]], list[date | None]] = {}
    out: list[int | None] = []
    for wanted, classes, days in prepared:
        key = (wanted, classes)
        if key not in last:
            last[key] = [last_day(e, as_of) for e in _matched(wanted, classes, ctx)]
        days_last = last[key]
        if days is None:
            out.append(TRUTH_HOLDS if days_last else TRUTH_FAILS)
            continue
        since = as_of - timedelta(days=days)
        hit = any((d or since) >= since for d in days_last)
        out.append(TRUTH_HOLDS if hit else TRUTH_FAILS)
    return out
