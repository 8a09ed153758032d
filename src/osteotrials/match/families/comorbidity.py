"""Comorbidities by category. The patient's comorbidity list is taken as complete
(``[]`` = none): a category with keywords (``match/data/conditions.yaml``) that
matches nothing on the list does not hold. Categories that a list of diagnoses
cannot settle (pain, wounds, "any condition that would interfere") stay unknown."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.match.families._conditions import matches
from osteotrials.model.criteria import Constraint

_FIELDS = ("comorbidities",)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    conditions = [str(x) for x in c.params.get("condition", [])]
    comorbidities = ctx.patient.comorbidities
    if comorbidities is None:
        return unknown("comorbidities not recorded", "comorbidities", fields=_FIELDS)
    unsettled: list[str] = []
    uncontrolled_only = "uncontrolled" in c.text.lower() or "uncontrolled_illness" in conditions
    for cond in conditions:
        if cond == "uncontrolled_illness":
            bad = [m for m in comorbidities if m.controlled is False]
            if bad:
                return Truth(True, f"uncontrolled: {bad[0].name}", fields=_FIELDS)
            if any(m.controlled is None for m in comorbidities):
                unsettled.append(cond)
            continue
        decided = False
        for m in comorbidities:
            hit = matches(m.name, cond)
            if hit is None:
                break
            decided = True
            if not hit:
                continue
            if uncontrolled_only and m.controlled is True:
                continue
            window = c.time_window
            if window is not None and window.relation in ("within", "less_than"):
                if m.since is None:
                    unsettled.append(cond)
                    continue
                if m.since < ctx.as_of - timedelta(days=window.days):
                    continue
            return Truth(True, f"comorbidity: {m.name}", fields=_FIELDS)
        if (not decided and (not comorbidities and matches("", cond) is None)) or (
            not decided and comorbidities
        ):
            unsettled.append(cond)
    if unsettled:
        return unknown(
            f"{', '.join(unsettled)}: not settled by the comorbidity list",
            *(f"condition:{u}" for u in unsettled),
            fields=_FIELDS,
        )
    listed = ", ".join(m.name for m in comorbidities) or "none"
    return Truth(
        False, f"none of {', '.join(conditions)} (comorbidities: {listed})", fields=_FIELDS
    )
