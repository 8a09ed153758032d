"""Administrative items (consent, contraception, compliance ...): never block a verdict."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_NOT_APPLICABLE, Context, Truth, not_applicable
from osteotrials.model.criteria import Constraint


def _aspects(c: Constraint) -> str:
    return ", ".join(c.params.get("aspect", [])) or "administrative"


def evaluate(c: Constraint, ctx: Context) -> Truth:
    return not_applicable(f"administrative ({_aspects(c)}): settled at screening, never blocks")


def prepare(c: Constraint) -> int | None:
    """The truth code, read once: it never depends on the patient (None: the evaluator
    would fail on the parameters and is left to answer)."""
    try:
        _aspects(c)
    except (TypeError, ValueError):
        return None
    return TRUTH_NOT_APPLICABLE
