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
from osteotrials.match.families._therapy import (
    exposure_matches,
    exposures_wait,
    lasting,
    min_duration,
    specific_classes,
)
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


def _last(e: DrugExposure, as_of: date) -> date:
    """The last day of a bone agent: a patient file records one without a stop date as
    current (shown "(current)"; it has no other way to say so)."""
    return as_of if e.ongoing or e.stop_date is None else e.stop_date


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
    least = min_duration(c.params)
    if least is not None:
        # "receiving bisphosphonates for more than 3 months": only long enough exposures
        matched, undated = lasting(matched, least, ctx.as_of, _last)
        what += f" for {least:g} days or more"
        if not matched and undated:
            return unknown(
                f"{what}: start or stop date not recorded", "treatment_dates", fields=_FIELDS
            )
    window = c.time_window
    days = recent_days(window)
    if days is not None:
        since = ctx.as_of - timedelta(days=days)
        hits = [e for e in matched if _last(e, ctx.as_of) >= since]
        if hits:
            names = ", ".join(sorted({e.canonical or e.name for e in hits}))
            return Truth(
                True,
                f"{names} within the last {days:g} days",
                fields=_FIELDS,
                wait=exposures_wait(hits, days, ctx.as_of, inclusive=True, last=_last),
            )
        return Truth(False, f"no {what} in the last {days:g} days", fields=_FIELDS)
    if window is not None:
        # a washout ("more than 30 days since prior bisphosphonates"): holds when the last
        # dose of every matching agent is at least that long ago
        since = ctx.as_of - timedelta(days=window.days)
        recent_exposures = [e for e in matched if _last(e, ctx.as_of) > since]
        recent = sorted({e.canonical or e.name for e in recent_exposures})
        if recent:
            return Truth(
                False,
                f"{', '.join(recent)} less than {window.days:g} days ago",
                fields=_FIELDS,
                note="washout not complete",
                wait=exposures_wait(
                    recent_exposures, window.days, ctx.as_of, inclusive=False, last=_last
                ),
            )
        return Truth(True, f"washout of {window.days:g} days complete for {what}", fields=_FIELDS)
    if matched:
        names = ", ".join(sorted({e.canonical or e.name for e in matched}))
        current = any(e.ongoing or e.stop_date is None for e in matched)
        return Truth(True, f"{names}{' (current)' if current else ''}", fields=_FIELDS)
    return Truth(False, f"no {what} recorded", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: each constraint read once per index (``_query``); per patient
# the exposures of each distinct (drugs, classes) are matched once.

#: (drugs, classes, recency days, washout days)
Prepared = tuple[frozenset[str], frozenset[str], float | None, float | None]


def prepare(c: Constraint) -> Prepared | None:
    if c.params.get("min_duration_days") is not None:
        return None  # rare: the evaluator reads how long each exposure lasted
    try:
        wanted, classes = _query(c)
    except TypeError:
        return None
    tw = c.time_window
    recent = recent_days(tw)
    washout = None if tw is None or recent is not None else float(tw.days)
    return wanted, classes, recent, washout


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared bone-agent constraints."""
    if ctx.patient.bone_modifying_agents is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    as_of = ctx.as_of
    #: per (drugs, classes): the last day of each matching exposure
    last: dict[tuple[frozenset[str], frozenset[str]], list[date]] = {}
    out: list[int | None] = []
    for wanted, classes, days, washout in prepared:
        key = (wanted, classes)
        if key not in last:
            last[key] = [_last(e, as_of) for e in _matched(wanted, classes, ctx)]
        days_last = last[key]
        if washout is not None:
            since = as_of - timedelta(days=washout)
            out.append(TRUTH_FAILS if any(d > since for d in days_last) else TRUTH_HOLDS)
            continue
        if days is None:
            out.append(TRUTH_HOLDS if days_last else TRUTH_FAILS)
            continue
        since = as_of - timedelta(days=days)
        hit = any(d >= since for d in days_last)
        out.append(TRUTH_HOLDS if hit else TRUTH_FAILS)
    return out
