"""Hypersensitivity to study drugs: allergies are not in the patient model, so unknown
unless the comorbidity list names an allergy to one of the drugs."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    names = ctx.comorbidity_names or []
    wanted = [str(d).lower() for d in c.params.get("drugs", [])]
    for name in names:
        if ("allerg" in name or "hypersensitiv" in name) and any(w in name for w in wanted):
            return Truth(True, f"comorbidity list: {name}", fields=("comorbidities",))
    return unknown("drug allergies are not recorded in the patient file", "drug_allergies")
