"""Radiotherapy: prior courses by site, recency / washout windows, non-irradiated lesions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    unknown,
    wait_for,
)
from osteotrials.model.criteria import Constraint
from osteotrials.model.patient import RadiotherapyCourse

_FIELDS = ("radiotherapy",)
_SITE = {
    "bone": {"bone"},
    "brain": {"brain"},
    "breast": {"breast_chest_wall"},
    "lung": {"visceral"},
}


def _site_ok(course: RadiotherapyCourse, sites: list[str]) -> bool | None:
    if not sites:
        return True
    if "other" in sites:
        # a site the parser has no category for ("to the bladder or kidney", "pelvic"):
        # any course may or may not be to it; none on file is clear
        return None
    wanted = set().union(*(_SITE.get(s, {s}) for s in sites))
    if course.site_category is None:
        return None
    return course.site_category in wanted


def _maybe_recent(ends: Sequence[date | None], since: date) -> bool:
    return any(e is None or e > since for e in ends)


def courses_to(
    courses: Sequence[RadiotherapyCourse], sites: Sequence[str]
) -> tuple[list[RadiotherapyCourse], list[date | None]]:
    """The courses given to ``sites`` (any site when empty), and the end (or start) dates
    of the courses that may or may not be to them (site not recorded, or not read)."""
    matched: list[RadiotherapyCourse] = []
    undecided: list[date | None] = []
    for course in courses:
        ok = _site_ok(course, list(sites))
        if ok is None:
            undecided.append(course.end_date or course.start_date)
        elif ok:
            matched.append(course)
    return matched, undecided


def evaluate(c: Constraint, ctx: Context) -> Truth:
    aspects = set(c.params.get("aspect", []))
    if aspects <= {"mentioned"} and c.time_window is None:
        return unknown(
            "the criterion only mentions it; what it asks is not read", "criterion_unclear"
        )
    if "non_irradiated_lesion" in aspects:
        lesions = ctx.patient.disease.bone_lesions
        if lesions:
            flags = [ls.irradiated for ls in lesions]
            if any(f is False for f in flags):
                return Truth(
                    True,
                    "at least one non-irradiated bone lesion",
                    fields=("disease.bone_lesions",),
                )
            if all(f is True for f in flags):
                return Truth(
                    False, "every bone lesion irradiated", fields=("disease.bone_lesions",)
                )
        return unknown(
            "whether each bone lesion was irradiated is not recorded",
            "lesion_irradiated",
            fields=("disease.bone_lesions",),
        )
    if aspects <= {"planned", "contraindication"} and aspects:
        return unknown("planned radiotherapy is not recorded", "planned_radiotherapy")
    courses = ctx.patient.radiotherapy
    if courses is None:
        return unknown("radiotherapy history not recorded", "radiotherapy_history", fields=_FIELDS)
    sites = [str(s) for s in c.params.get("site", [])]
    matched, undecided = courses_to(courses, sites)
    site_unknown = bool(undecided)
    where = f" to {'/'.join(sites)}" if sites and sites != ["other"] else ""
    window = c.time_window
    if window is not None:
        since = ctx.as_of - timedelta(days=window.days)
        # a course whose site is unknown matters only if it may fall in the window
        site_unknown = _maybe_recent(undecided, since)
        ends = [x.end_date or x.start_date for x in matched]
        if any(e is None for e in ends):
            return unknown(
                f"radiotherapy{where}: dates not recorded", "radiotherapy_history", fields=_FIELDS
            )
        recent = [e for e in ends if e is not None and e > since]
        # a course the site of which is not known may be a recent one: then time does
        # not settle it alone
        wait = (
            None
            if site_unknown
            else wait_for(
                # a course without an end date may still be going on: waited out from its end
                [
                    ("radiotherapy", x.end_date)
                    for x, e in zip(matched, ends, strict=True)
                    if e is not None and e > since
                ],
                window.days,
                ctx.as_of,
                inclusive=False,
            )
        )
        if window.relation in ("within", "less_than"):
            if recent:
                return Truth(
                    True,
                    f"radiotherapy{where} on {max(recent).isoformat()}",
                    fields=_FIELDS,
                    wait=wait,
                )
        elif recent:  # washout not complete
            return Truth(
                False,
                f"radiotherapy{where} on {max(recent).isoformat()}, "
                f"less than {window.days:g} days ago",
                fields=_FIELDS,
                wait=wait,
            )
        elif site_unknown:
            # a course whose site is unknown (or a site not read) may be a recent one
            return unknown(
                "radiotherapy site not recorded or not read; check the washout by hand",
                "radiotherapy_history",
                fields=_FIELDS,
            )
        else:
            return Truth(
                True, f"no radiotherapy{where} in the last {window.days:g} days", fields=_FIELDS
            )
        if site_unknown:
            return unknown("radiotherapy site not recorded", "radiotherapy_history")
        return Truth(
            False, f"no radiotherapy{where} in the last {window.days:g} days", fields=_FIELDS
        )
    if matched:
        return Truth(True, f"prior radiotherapy{where}", fields=_FIELDS)
    if site_unknown and "other" in sites:
        return unknown(
            "which site the rule means is not read (radiotherapy on file); check by hand",
            "criterion_unclear",
            fields=_FIELDS,
        )
    if site_unknown:
        return unknown("radiotherapy site not recorded", "radiotherapy_history")
    return Truth(False, f"no prior radiotherapy{where}", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: each constraint read once per index (aspects, sites, window); per
# patient the courses of each distinct site list (``courses_to``) and their latest end
# are found once, and each constraint is decided as ``evaluate`` decides it.


@dataclass(frozen=True, slots=True)
class Prepared:
    #: a constant code ("mentioned" only, planned radiotherapy), else None
    fixed: int | None
    lesions: bool
    sites: tuple[str, ...]
    #: (recency window, days) or None
    window: tuple[bool, float] | None


def prepare(c: Constraint) -> Prepared | None:
    try:
        aspects = {str(a) for a in c.params.get("aspect", [])}
        sites = tuple(str(s) for s in c.params.get("site", []))
    except TypeError:
        return None
    window = c.time_window
    lesions = "non_irradiated_lesion" in aspects
    fixed = None
    if (aspects <= {"mentioned"} and window is None) or (
        not lesions and aspects <= {"planned", "contraindication"} and aspects
    ):
        fixed = TRUTH_UNKNOWN
    return Prepared(
        fixed,
        lesions,
        sites,
        None if window is None else (window.relation in ("within", "less_than"), window.days),
    )


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared radiotherapy constraints."""
    courses = ctx.patient.radiotherapy
    flags = [ls.irradiated for ls in ctx.patient.disease.bone_lesions or []]
    lesion_code = (
        TRUTH_HOLDS
        if any(f is False for f in flags)
        else TRUTH_FAILS
        if flags and all(f is True for f in flags)
        else TRUTH_UNKNOWN
    )
    #: per site list: (any course, every end known, latest end, the ends of the courses
    #: whose site is unknown)
    by_sites: dict[tuple[str, ...], tuple[bool, bool, date | None, tuple[date | None, ...]]] = {}
    out: list[int | None] = []
    for prep in prepared:
        if prep.fixed is not None:
            out.append(prep.fixed)
            continue
        if prep.lesions:
            out.append(lesion_code)
            continue
        if courses is None:
            out.append(TRUTH_UNKNOWN)
            continue
        got = by_sites.get(prep.sites)
        if got is None:
            matched, undecided = courses_to(courses, prep.sites)
            ends = [x.end_date or x.start_date for x in matched]
            known = [e for e in ends if e is not None]
            latest = max(known) if known else None
            got = (bool(matched), len(known) == len(ends), latest, tuple(undecided))
            by_sites[prep.sites] = got
        any_course, ends_known, latest, unknown_ends = got
        site_unknown = bool(unknown_ends)
        if prep.window is None:
            out.append(
                TRUTH_HOLDS if any_course else TRUTH_UNKNOWN if site_unknown else TRUTH_FAILS
            )
            continue
        if not ends_known:
            out.append(TRUTH_UNKNOWN)
            continue
        recent_relation, days = prep.window
        since = ctx.as_of - timedelta(days=days)
        recent = latest is not None and latest > since
        site_unknown = _maybe_recent(unknown_ends, since)
        if recent_relation:
            out.append(TRUTH_HOLDS if recent else TRUTH_UNKNOWN if site_unknown else TRUTH_FAILS)
        else:
            out.append(TRUTH_FAILS if recent else TRUTH_UNKNOWN if site_unknown else TRUTH_HOLDS)
    return out
