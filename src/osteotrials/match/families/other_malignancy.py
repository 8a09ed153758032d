"""Other cancers: any / active / within N years, minus the exceptions the trial names
(non-melanoma skin cancer, carcinoma in situ of the cervix ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    unknown,
)
from osteotrials.model.criteria import Constraint
from osteotrials.model.patient import OtherCancer

_FIELDS = ("other_cancers",)
_EXCEPTION_WORDS = re.compile(
    r"basal|squamous|skin|in situ|in-situ|cervi|thyroid|dcis|lcis|prostate"
)


def _excepted(cancer: OtherCancer, exceptions: list[str]) -> bool:
    return _excepted_name(cancer.type, tuple(exceptions))


@cache
def _excepted_name(cancer_type: str, exceptions: tuple[str, ...]) -> bool:
    text = " ".join(exceptions).lower()
    name = cancer_type.lower()
    return any(word in text for word in _EXCEPTION_WORDS.findall(name))


def evaluate(c: Constraint, ctx: Context) -> Truth:
    cancers = ctx.patient.other_cancers
    if cancers is None:
        return unknown("other cancers not recorded", "other_cancers", fields=_FIELDS)
    exceptions = [str(e) for e in c.params.get("exceptions", [])] + list(c.logic.exceptions)
    relevant = [x for x in cancers if not _excepted(x, exceptions)]
    if not relevant:
        return Truth(False, "no other cancer (besides allowed exceptions)", fields=_FIELDS)
    years = c.params.get("years")
    if c.params.get("active_only"):
        statuses = [x.status for x in relevant]
        if "active" in statuses:
            return Truth(True, "another cancer is active", fields=_FIELDS)
        if None in statuses:
            return unknown(
                "status of the other cancer not recorded", "other_cancers", fields=_FIELDS
            )
        if years is None:
            return Truth(False, "other cancers not active", fields=_FIELDS)
    if years is None:
        return Truth(True, f"other cancer: {relevant[0].type}", fields=_FIELDS)
    since = ctx.as_of - timedelta(days=365.25 * float(years))
    for x in relevant:
        last = x.last_treatment_date or x.diagnosis_date
        if x.status == "active":
            return Truth(True, f"{x.type} active", fields=_FIELDS)
        if last is None:
            return unknown(f"{x.type}: dates not recorded", "other_cancers", fields=_FIELDS)
        if last >= since:
            return Truth(
                True, f"{x.type} on {last.isoformat()} (within {years:g} years)", fields=_FIELDS
            )
    return Truth(False, f"other cancers more than {years:g} years ago", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
#
# For the fast ranking path (``match/fast.py``): the exceptions and limits are read once
# per index; the cancers that are not excepted are found once per distinct exception
# list; the rest follows ``evaluate`` (checked constraint by constraint in
# ``tests/match/test_fast.py``).


@dataclass(frozen=True, slots=True)
class Prepared:
    exceptions: tuple[str, ...]
    years: float | None
    active_only: bool


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    try:
        exceptions = tuple([str(e) for e in p.get("exceptions", [])] + list(c.logic.exceptions))
    except TypeError:
        return None
    years = p.get("years")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int | float)):
        return None
    return Prepared(exceptions, None if years is None else float(years), bool(p.get("active_only")))


def codes_one_by_one(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared constraints for one patient, one
    constraint at a time (``codes`` gives the same once per distinct question)."""
    cancers = ctx.patient.other_cancers
    if cancers is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    if not cancers:
        return [TRUTH_FAILS] * len(prepared)
    relevant_by: dict[tuple[str, ...], list[OtherCancer]] = {}
    out: list[int | None] = []
    for prep in prepared:
        relevant = relevant_by.get(prep.exceptions)
        if relevant is None:
            relevant = [x for x in cancers if not _excepted(x, list(prep.exceptions))]
            relevant_by[prep.exceptions] = relevant
        out.append(_code(prep, relevant, ctx.as_of))
    return out


def _code(prep: Prepared, relevant: list[OtherCancer], as_of: date) -> int:
    if not relevant:
        return TRUTH_FAILS
    years = prep.years
    if prep.active_only:
        statuses = [x.status for x in relevant]
        if "active" in statuses:
            return TRUTH_HOLDS
        if None in statuses:
            return TRUTH_UNKNOWN
        if years is None:
            return TRUTH_FAILS
    if years is None:
        return TRUTH_HOLDS
    since = as_of - timedelta(days=365.25 * years)
    for x in relevant:
        last = x.last_treatment_date or x.diagnosis_date
        if x.status == "active":
            return TRUTH_HOLDS
        if last is None:
            return TRUTH_UNKNOWN
        if last >= since:
            return TRUTH_HOLDS
    return TRUTH_FAILS


#: other cancers told apart by a bit pattern (pattern x limits stays well inside int64)
_MAX_CANCERS = 20


@dataclass(slots=True)
class Batch:
    """Prepared constraints with their exception lists and (years, active only) limits
    interned once per index."""

    prepared: list[Prepared]
    exceptions: list[tuple[str, ...]]
    exc_id: NDArray[np.intp]
    limits: list[tuple[float | None, bool]]
    limit_id: NDArray[np.intp]
    #: cancer type -> whether each exception list excepts it (``_excepted_name``, which
    #: is cached per (type, list) too; here per type over the index's lists at once)
    excepted: dict[str, NDArray[np.bool_]]

    def excepted_by(self, cancer_type: str) -> NDArray[np.bool_]:
        got = self.excepted.get(cancer_type)
        if got is None:
            got = np.array([_excepted_name(cancer_type, e) for e in self.exceptions], dtype=bool)
            self.excepted[cancer_type] = got
        return got


def batch(prepared: list[Prepared]) -> Batch:
    exc: dict[tuple[str, ...], int] = {}
    limits: dict[tuple[float | None, bool], int] = {}
    exc_id = [exc.setdefault(p.exceptions, len(exc)) for p in prepared]
    limit_id = [limits.setdefault((p.years, p.active_only), len(limits)) for p in prepared]
    return Batch(
        prepared,
        list(exc),
        np.array(exc_id, dtype=np.intp),
        list(limits),
        np.array(limit_id, dtype=np.intp),
        {},
    )


def codes(b: Batch, ctx: Context) -> list[int | None] | NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared constraints for one patient: the cancers
    that are not excepted found once per distinct exception list, then ``_code`` once per
    distinct (those cancers, years, active only)."""
    cancers = ctx.patient.other_cancers
    if cancers is None:
        return [TRUTH_UNKNOWN] * len(b.prepared)
    if not cancers:
        return [TRUTH_FAILS] * len(b.prepared)
    if len(cancers) > _MAX_CANCERS:  # more cancers than bits: one at a time
        return codes_one_by_one(b.prepared, ctx)
    # which cancers each exception list leaves, as a bit pattern per list
    pattern = np.zeros(len(b.exceptions), dtype=np.int64)
    for k, x in enumerate(cancers):
        pattern |= np.where(b.excepted_by(x.type), 0, 1 << k)
    question = pattern[b.exc_id] * len(b.limits) + b.limit_id
    distinct, inverse = np.unique(question, return_inverse=True)
    answers = []
    for q in distinct.tolist():
        bits = q // len(b.limits)
        relevant = [x for k, x in enumerate(cancers) if bits >> k & 1]
        years, active_only = b.limits[q % len(b.limits)]
        answers.append(_code(Prepared((), years, active_only), relevant, ctx.as_of))
    out: NDArray[np.intp] = np.array(answers, dtype=np.intp)[inverse]
    return out
