"""Drug and class matching shared by prior therapy, bone agents, medications."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any

from osteotrials.match._core import Wait, wait_for
from osteotrials.model.criteria import TimeWindow
from osteotrials.patient.derive import DrugExposure
from osteotrials.vocab import drugs


@cache
def _umbrellas() -> dict[str, frozenset[str]]:
    return drugs.class_groups()


def specific_classes(classes: Iterable[str]) -> frozenset[str]:
    """Drop umbrella classes whose members are also listed ("aromatase_inhibitor, endocrine"
    means aromatase inhibitors)."""
    return _specific(frozenset(classes))


@cache
def _specific(classes: frozenset[str]) -> frozenset[str]:
    wanted = set(classes)
    groups = _umbrellas()
    for umbrella, members in groups.items():
        if umbrella in wanted and wanted & members:
            wanted.discard(umbrella)
    return frozenset(wanted)


def exposure_matches(
    e: DrugExposure,
    wanted_drugs: frozenset[str],
    wanted_classes: frozenset[str],
    payloads: frozenset[str],
) -> bool:
    if e.canonical is not None and e.canonical in wanted_drugs:
        return True
    if e.name.lower() in wanted_drugs:
        return True
    if wanted_classes & set(e.classes):
        return True
    return bool(payloads and e.payload_class in payloads)


def last_day(e: DrugExposure, as_of: date) -> date | None:
    """When the exposure last happened: as_of when ongoing, else its stop date."""
    if e.ongoing:
        return as_of
    return e.stop_date


def exposures_wait(
    exposures: Iterable[DrugExposure],
    days: float,
    as_of: date,
    *,
    inclusive: bool,
    last: Callable[[DrugExposure, date], date | None] = last_day,
) -> Wait | None:
    """When time alone turns a truth about these exposures (``wait_for``): an agent still
    given is waited out from the day it stops. None when an end is not known."""
    ends: list[tuple[str, date | None]] = []
    for e in exposures:
        end = last(e, as_of)
        if end is None:
            return None
        ends.append((e.canonical or e.name, None if end >= as_of and e.stop_date is None else end))
    return wait_for(ends, days, as_of, inclusive=inclusive)


def in_window(e: DrugExposure, window: TimeWindow, as_of: date) -> bool | None:
    """For recency windows: whether the exposure reached into the last N days."""
    return in_window_days(e, window.days, as_of)


def in_window_days(e: DrugExposure, days: float, as_of: date) -> bool | None:
    if e.start_date is None and last_day(e, as_of) is None:
        return None
    return in_window_since(e, as_of - timedelta(days=days), as_of)


def in_window_since(e: DrugExposure, cutoff: date, as_of: date) -> bool | None:
    """Whether the exposure reached on or after ``cutoff`` (None: dates not recorded)."""
    last = last_day(e, as_of)
    if last is None:
        return True if e.start_date is not None and e.start_date >= cutoff else None
    return last >= cutoff


def lasting(
    exposures: Iterable[DrugExposure],
    days: float,
    as_of: date,
    last: Callable[[DrugExposure, date], date | None] = last_day,
) -> tuple[list[DrugExposure], bool]:
    """The exposures that lasted ``days`` or more ("bisphosphonates for more than 3
    months", "endocrine therapy for at least 6 weeks"; to ``as_of`` when ongoing), and
    whether the length of any other one is not known (a start or stop date missing)."""
    long: list[DrugExposure] = []
    undated = False
    for e in exposures:
        end = last(e, as_of)
        if e.start_date is None or end is None:
            undated = True
        elif (end - e.start_date).days >= days:
            long.append(e)
    return long, undated


def min_duration(params: Mapping[str, Any]) -> float | None:
    """The least length of treatment a constraint asks about (``min_duration_days``)."""
    v = params.get("min_duration_days")
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise TypeError(f"min_duration_days must be a number of days, not {v!r}")
    return float(v)


@cache
def lookup(name: str) -> drugs.Drug | None:
    return drugs.lookup(name)
