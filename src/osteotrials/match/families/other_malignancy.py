"""Other cancers: any / active / within N years, minus the exceptions the trial names
(non-melanoma skin cancer, carcinoma in situ of the cervix ...)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from osteotrials.match._core import Context, Truth, unknown
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
