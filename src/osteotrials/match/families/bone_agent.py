"""Bone-modifying agents (zoledronic acid, denosumab, pamidronate ...): prior or current use,
with recency / washout windows."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.match.families._therapy import exposure_matches, last_day, specific_classes
from osteotrials.model.criteria import Constraint

_FIELDS = ("bone_modifying_agents",)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if ctx.patient.bone_modifying_agents is None:
        return unknown(
            "bone-modifying agents not recorded", "bone_modifying_agents", fields=_FIELDS
        )
    wanted = frozenset(str(d).lower() for d in c.params.get("drugs", []))
    classes = specific_classes(c.params.get("classes", []))
    if not wanted and not classes:
        classes = frozenset({"bone_modifying_agent"})
    route = c.params.get("route")
    if route == "oral":
        classes = frozenset({"oral_bisphosphonate"})
    matched = [
        e for e in ctx.bone_agent_exposures if exposure_matches(e, wanted, classes, frozenset())
    ]
    what = ", ".join(sorted(wanted | classes))
    window = c.time_window
    if window is not None and window.relation in ("within", "less_than"):
        since = ctx.as_of - timedelta(days=window.days)
        hits = [e for e in matched if (last_day(e, ctx.as_of) or since) >= since]
        if hits:
            names = ", ".join(sorted({e.canonical or e.name for e in hits}))
            return Truth(True, f"{names} within the last {window.days:g} days", fields=_FIELDS)
        return Truth(False, f"no {what} in the last {window.days:g} days", fields=_FIELDS)
    if matched:
        names = ", ".join(sorted({e.canonical or e.name for e in matched}))
        current = any(e.ongoing or e.stop_date is None for e in matched)
        return Truth(True, f"{names}{' (current)' if current else ''}", fields=_FIELDS)
    return Truth(False, f"no {what} recorded", fields=_FIELDS)
