"""Life expectancy: a clinician's estimate that no patient file holds; always unknown."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if c.params.get("no_restriction"):
        return Truth(True, "no life-expectancy limit")
    return unknown("life expectancy is the treating oncologist's estimate", "life_expectancy")
