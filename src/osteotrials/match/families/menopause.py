"""Menopausal status (NCCN rules as derived, domain.md §1.4); ovarian suppression."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_HOLDS,
    TRUTH_NOT_APPLICABLE,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    holds_code,
    not_applicable,
    unknown,
)
from osteotrials.model.criteria import Constraint

_FIELDS = ("menopause",)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    if c.params.get("no_restriction"):
        return Truth(True, "any menopausal status")
    wanted = {str(s) for s in c.params.get("status", [])}
    status = ctx.facts.menopausal_status
    basis = f" ({ctx.facts.menopausal_basis})" if ctx.facts.menopausal_basis else ""
    if status == "not_applicable":
        return not_applicable("menopausal status does not apply (male)", fields=("sex",))
    if status is None:
        return unknown("menopausal status not known", "menopausal_status", fields=_FIELDS)
    if not wanted:
        if c.params.get("ovarian_suppression"):
            ofs = ctx.facts.on_ovarian_suppression
            if ofs is None:
                return unknown(
                    "ovarian suppression not recorded",
                    "ovarian_suppression",
                    fields=("menopause.on_ovarian_suppression",),
                )
            return Truth(ofs, f"on ovarian suppression: {ofs}", fields=_FIELDS)
        return unknown("menopause criterion without a status", "criterion_unclear")
    if status == "indeterminate_ofs":
        if wanted & {"pre", "peri"}:
            return Truth(True, f"premenopausal on ovarian suppression{basis}", fields=_FIELDS)
        return unknown(
            f"status cannot be assigned on ovarian suppression{basis}",
            "menopausal_status",
            fields=_FIELDS,
        )
    return Truth(status in wanted, f"{status}menopausal{basis}", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the wanted statuses read once per index, then one code per
# constraint following ``evaluate`` branch by branch.

#: (wanted statuses, ovarian suppression asked)
Prepared = tuple[frozenset[str], bool]


def prepare(c: Constraint) -> Prepared | None:
    try:
        wanted = frozenset(str(s) for s in c.params.get("status", []))
    except TypeError:
        return None
    return wanted, bool(c.params.get("ovarian_suppression"))


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared menopause constraints for one patient."""
    status = ctx.facts.menopausal_status
    if status == "not_applicable":
        return [TRUTH_NOT_APPLICABLE] * len(prepared)
    if status is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    out: list[int | None] = []
    for wanted, ofs_asked in prepared:
        if not wanted:
            out.append(holds_code(ctx.facts.on_ovarian_suppression) if ofs_asked else TRUTH_UNKNOWN)
        elif status == "indeterminate_ofs":
            out.append(TRUTH_HOLDS if wanted & {"pre", "peri"} else TRUTH_UNKNOWN)
        else:
            out.append(holds_code(status in wanted))
    return out
