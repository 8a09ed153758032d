"""Radiotherapy: prior courses by site, recency / washout windows, non-irradiated lesions."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, unknown
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
    wanted = set().union(*(_SITE.get(s, {s}) for s in sites))
    if course.site_category is None:
        return None
    return course.site_category in wanted


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
    matched: list[RadiotherapyCourse] = []
    site_unknown = False
    for course in courses:
        ok = _site_ok(course, sites)
        if ok is None:
            site_unknown = True
        elif ok:
            matched.append(course)
    where = f" to {'/'.join(sites)}" if sites else ""
    window = c.time_window
    if window is not None:
        since = ctx.as_of - timedelta(days=window.days)
        ends = [x.end_date or x.start_date for x in matched]
        if any(e is None for e in ends):
            return unknown(
                f"radiotherapy{where}: dates not recorded", "radiotherapy_history", fields=_FIELDS
            )
        recent = [e for e in ends if e is not None and e > since]
        if window.relation in ("within", "less_than"):
            if recent:
                return Truth(
                    True, f"radiotherapy{where} on {max(recent).isoformat()}", fields=_FIELDS
                )
        elif recent:  # washout not complete
            return Truth(
                False,
                f"radiotherapy{where} on {max(recent).isoformat()}, "
                f"less than {window.days:g} days ago",
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
    if site_unknown:
        return unknown("radiotherapy site not recorded", "radiotherapy_history")
    return Truth(False, f"no prior radiotherapy{where}", fields=_FIELDS)
