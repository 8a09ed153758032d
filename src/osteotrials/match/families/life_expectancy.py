"""Life expectancy: a clinician's estimate that no patient file holds; always unknown."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def _no_limit(c: Constraint) -> bool:
    return bool(c.params.get("no_restriction"))


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if _no_limit(c):
        return Truth(True, "no life-expectancy limit")
    return unknown("life expectancy is the treating oncologist's estimate", "life_expectancy")


def prepare(c: Constraint) -> int:
    """The truth code, read once: it never depends on the patient."""
    return TRUTH_HOLDS if _no_limit(c) else TRUTH_UNKNOWN
