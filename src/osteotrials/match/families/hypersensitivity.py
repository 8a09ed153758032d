"""Hypersensitivity to study drugs: allergies are not in the patient model, so unknown
unless the comorbidity list names an allergy to one of the drugs."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def allergies(ctx: Context) -> list[str]:
    """The comorbidity-list entries (lower case) that name an allergy or hypersensitivity."""
    return [
        name for name in ctx.comorbidity_names or [] if "allerg" in name or "hypersensitiv" in name
    ]


def _wanted(c: Constraint) -> list[str]:
    return [str(d).lower() for d in c.params.get("drugs", [])]


def evaluate(c: Constraint, ctx: Context) -> Truth:
    wanted = _wanted(c)
    for name in allergies(ctx):
        if any(w in name for w in wanted):
            return Truth(True, f"comorbidity list: {name}", fields=("comorbidities",))
    return unknown("drug allergies are not recorded in the patient file", "drug_allergies")


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the drug names read once per index; per patient the allergy
# entries are found once (none: every constraint is unknown).


def prepare(c: Constraint) -> tuple[str, ...] | None:
    try:
        return tuple(_wanted(c))
    except TypeError:
        return None


def codes(prepared: list[tuple[str, ...]], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared hypersensitivity constraints."""
    names = allergies(ctx)
    return [
        TRUTH_HOLDS if any(w in name for name in names for w in wanted) else TRUTH_UNKNOWN
        for wanted in prepared
    ]
