"""Participation in other trials / investigational agents: not in the patient file."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    return unknown(
        "participation in other studies is not recorded in the patient file",
        "other_trial_participation",
    )


def prepare(c: Constraint) -> int:
    """The truth code, read once: it never depends on the patient."""
    return TRUTH_UNKNOWN
