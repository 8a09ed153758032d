"""Surgery: prior (major) surgery, with recency windows; planned surgery is unknown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    Wait,
    unknown,
    wait_for,
)
from osteotrials.model.criteria import Constraint

_FIELDS = ("surgeries",)


def _wait(recent: list[date], days: float, ctx: Context) -> Wait | None:
    """Recovery from surgery is waited out from the latest operation (``d > since``)."""
    return wait_for([("surgery", d) for d in recent], days, ctx.as_of, inclusive=False)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    aspects = set(c.params.get("aspect", []))
    if aspects <= {"mentioned"} and c.time_window is None:
        return unknown(
            "the criterion only mentions it; what it asks is not read", "criterion_unclear"
        )
    if aspects == {"planned"}:
        return unknown("planned surgery is not recorded", "planned_surgery")
    surgeries = ctx.patient.surgeries
    if surgeries is None:
        return unknown("surgical history not recorded", "surgery_history", fields=_FIELDS)
    window = c.time_window
    if window is not None:
        since = ctx.as_of - timedelta(days=window.days)
        dates = [s.date for s in surgeries]
        recent = [d for d in dates if d is not None and d > since]
        undated = any(d is None for d in dates)
        if window.relation in ("within", "less_than"):
            if recent:
                if "major_surgery" in aspects:
                    return unknown(
                        f"surgery on {max(recent).isoformat()}: major or not is not recorded",
                        "surgery_history",
                        fields=_FIELDS,
                    )
                return Truth(
                    True,
                    f"surgery on {max(recent).isoformat()}",
                    fields=_FIELDS,
                    wait=None if undated else _wait(recent, window.days, ctx),
                )
            if undated:
                return unknown("surgery dates not recorded", "surgery_history", fields=_FIELDS)
            return Truth(False, f"no surgery in the last {window.days:g} days", fields=_FIELDS)
        if recent:
            return Truth(
                False,
                f"surgery on {max(recent).isoformat()}",
                fields=_FIELDS,
                wait=None if undated else _wait(recent, window.days, ctx),
            )
        if undated:
            return unknown("surgery dates not recorded", "surgery_history", fields=_FIELDS)
        return Truth(True, f"no surgery in the last {window.days:g} days", fields=_FIELDS)
    if not surgeries:
        return Truth(False, "no surgery recorded", fields=_FIELDS)
    if "major_surgery" in aspects:
        return unknown(
            "whether earlier surgery counts as major is not recorded",
            "surgery_history",
            fields=_FIELDS,
        )
    if c.polarity == "exclude":
        # "prior surgical procedures affecting absorption", "delayed secondary flap surgery",
        # "History of surgery at the lumbosacral spine": an exclusion of prior surgery names
        # a kind of surgery the rule does not read; any surgery on file would fail it
        return unknown(
            "which surgery the rule means is not read (on file: "
            f"{surgeries[0].procedure or 'a surgery'}); check by hand",
            "criterion_unclear",
            fields=_FIELDS,
        )
    return Truth(True, f"prior surgery: {surgeries[0].procedure or 'yes'}", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: each constraint read once per index (aspects, window); per
# patient the most recent dated surgery and whether any is undated are found once, and
# each constraint is decided as ``evaluate`` decides it.


@dataclass(frozen=True, slots=True)
class Prepared:
    #: a constant code ("mentioned" only, planned surgery), else None
    fixed: int | None
    major: bool
    #: (recency window, days) or None
    window: tuple[bool, float] | None
    #: an exclusion (a prior surgery on file leaves it unknown: its kind is not read)
    exclude: bool = False


def prepare(c: Constraint) -> Prepared | None:
    try:
        aspects = set(c.params.get("aspect", []))
    except TypeError:
        return None
    window = c.time_window
    fixed = (
        TRUTH_UNKNOWN
        if (aspects <= {"mentioned"} and window is None) or aspects == {"planned"}
        else None
    )
    return Prepared(
        fixed,
        "major_surgery" in aspects,
        None if window is None else (window.relation in ("within", "less_than"), window.days),
        c.polarity == "exclude",
    )


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared surgery constraints for one patient."""
    surgeries = ctx.patient.surgeries
    dates = [] if surgeries is None else [s.date for s in surgeries]
    dated = [d for d in dates if d is not None]
    latest = max(dated) if dated else None
    undated = len(dated) < len(dates)
    out: list[int | None] = []
    for prep in prepared:
        if prep.fixed is not None:
            out.append(prep.fixed)
        elif surgeries is None:
            out.append(TRUTH_UNKNOWN)
        elif prep.window is not None:
            recent_relation, days = prep.window
            recent = latest is not None and latest > ctx.as_of - timedelta(days=days)
            if recent:
                out.append(
                    (TRUTH_UNKNOWN if prep.major else TRUTH_HOLDS)
                    if recent_relation
                    else TRUTH_FAILS
                )
            elif undated:
                out.append(TRUTH_UNKNOWN)
            else:
                out.append(TRUTH_FAILS if recent_relation else TRUTH_HOLDS)
        elif not surgeries:
            out.append(TRUTH_FAILS)
        else:
            out.append(TRUTH_UNKNOWN if prep.major or prep.exclude else TRUTH_HOLDS)
    return out
