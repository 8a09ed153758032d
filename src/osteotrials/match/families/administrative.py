"""Administrative items (consent, contraception, compliance ...): never block a verdict."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, not_applicable
from osteotrials.model.criteria import Constraint


def evaluate(c: Constraint, ctx: Context) -> Truth:
    aspects = ", ".join(c.params.get("aspect", [])) or "administrative"
    return not_applicable(f"administrative ({aspects}): settled at screening, never blocks")
