"""Surgery: prior (major) surgery, with recency windows; planned surgery is unknown."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint

_FIELDS = ("surgeries",)


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
                return Truth(True, f"surgery on {max(recent).isoformat()}", fields=_FIELDS)
            if undated:
                return unknown("surgery dates not recorded", "surgery_history", fields=_FIELDS)
            return Truth(False, f"no surgery in the last {window.days:g} days", fields=_FIELDS)
        if recent:
            return Truth(False, f"surgery on {max(recent).isoformat()}", fields=_FIELDS)
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
    return Truth(True, f"prior surgery: {surgeries[0].procedure or 'yes'}", fields=_FIELDS)
