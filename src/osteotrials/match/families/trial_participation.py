"""Participation in other trials / investigational agents: not in the patient file."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    return unknown(
        "participation in other studies is not recorded in the patient file",
        "other_trial_participation",
    )
