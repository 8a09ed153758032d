"""Receptor status: ER / PR (with % cut-offs), hormone receptor, HER2 categories,
triple negative (domain.md §1.1-1.3)."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    compare,
    fmt,
    holds_code,
    unknown,
)
from osteotrials.model.criteria import Constraint

_HER2_FIELDS = ("receptors.her2_ihc", "receptors.her2_ish", "receptors.her2_ihc_zero_staining")

#: HER2 category of the patient -> whether it fits a trial's wanted status (None = cannot tell)
_HER2_FIT: dict[str, dict[str, bool | None]] = {
    "positive": {
        "positive": True,
        "low": False,
        "ultralow": False,
        "zero": False,
        "zero_or_ultralow": False,
        "equivocal": None,
        "negative": False,
    },
    "negative": {
        "positive": False,
        "low": True,
        "ultralow": True,
        "zero": True,
        "zero_or_ultralow": True,
        "equivocal": None,
        "negative": True,
    },
    "low": {
        "positive": False,
        "low": True,
        "ultralow": False,
        "zero": False,
        "zero_or_ultralow": False,
        "equivocal": None,
        "negative": None,
    },
    "ultralow": {
        "positive": False,
        "low": False,
        "ultralow": True,
        "zero": False,
        "zero_or_ultralow": None,
        "equivocal": None,
        "negative": None,
    },
    "zero": {
        "positive": False,
        "low": False,
        "ultralow": True,
        "zero": True,
        "zero_or_ultralow": True,
        "equivocal": None,
        "negative": None,
    },
    "equivocal": {
        "positive": False,
        "low": None,
        "ultralow": False,
        "zero": False,
        "zero_or_ultralow": False,
        "equivocal": True,
        "negative": None,
    },
}


def _her2(status: str, ctx: Context) -> Truth:
    cat = ctx.facts.her2_category
    if status in ("any", "known"):
        if status == "any":
            return Truth(True, "any HER2 status")
        if cat is None:
            return unknown("HER2 status not known", "her2", fields=_HER2_FIELDS)
        return Truth(True, f"HER2 {cat}", fields=_HER2_FIELDS)
    if cat is None:
        return unknown("HER2 status not known", "her2", fields=_HER2_FIELDS)
    fit = _HER2_FIT.get(status, {}).get(cat)
    if fit is None:
        return unknown(f"HER2 {cat} against HER2-{status}", "her2", fields=_HER2_FIELDS)
    return Truth(fit, f"HER2 {cat}", fields=_HER2_FIELDS)


def _percent(receptor: str, ctx: Context, c: Constraint) -> Truth:
    rec = ctx.patient.receptors
    pct = rec.er_percent if receptor == "er" else rec.pr_percent
    field = f"receptors.{receptor}_percent"
    op, value = str(c.params.get("op")), float(c.params.get("value", 0))
    label = receptor.upper()
    if pct is not None:
        result = compare(pct, op, value)
        if result is None:
            return unknown(f"{label} {fmt(pct)} %", receptor, fields=(field,))
        return Truth(result, f"{label} {fmt(pct)} % (limit {op} {fmt(value)} %)", fields=(field,))
    status = rec.er_status if receptor == "er" else rec.pr_status
    if status is not None and value == 1:
        positive = status == "positive"
        return Truth(positive == (op in (">=", ">")), f"{label} {status}", fields=(field,))
    return unknown(f"{label} % not known", receptor, fields=(field,))


def _positive(receptor: str, status: str, value: bool | None, ctx: Context) -> Truth:
    label = {"er": "ER", "pr": "PR", "hr": "hormone receptor", "tnbc": "triple negative"}[receptor]
    fields = {
        "er": ("receptors.er_percent",),
        "pr": ("receptors.pr_percent",),
        "hr": ("receptors.er_percent", "receptors.pr_percent"),
        "tnbc": ("receptors.er_percent", "receptors.pr_percent", "receptors.her2_ihc"),
    }[receptor]
    if status == "any":
        return Truth(True, f"any {label} status")
    if value is None:
        key = {"hr": "er", "tnbc": "her2"}.get(receptor, receptor)
        if receptor == "tnbc" and ctx.facts.er_positive is None:
            key = "er"
        return unknown(f"{label} status not known", key, fields=fields)
    if status == "known":
        return Truth(True, f"{label} status known", fields=fields)
    if status == "positive":
        return Truth(value, f"{label} {'positive' if value else 'negative'}", fields=fields)
    if status == "negative":
        return Truth(not value, f"{label} {'positive' if value else 'negative'}", fields=fields)
    if status == "low" and receptor == "er":
        low = ctx.facts.er_low
        if low is None:
            return unknown("ER % not known", "er", fields=fields)
        return Truth(low, f"ER-low {low}", fields=fields)
    return unknown(f"{label} {status!r} not understood", "criterion_unclear")


def evaluate(c: Constraint, ctx: Context) -> Truth:
    receptor = str(c.params.get("receptor"))
    status = str(c.params.get("status", "positive"))
    if receptor == "her2":
        return _her2(status, ctx)
    if receptor in ("er", "pr") and c.params.get("value") is not None and c.params.get("op"):
        return _percent(receptor, ctx, c)
    f = ctx.facts
    value = {
        "er": f.er_positive,
        "pr": f.pr_positive,
        "hr": f.hr_positive,
        "tnbc": f.triple_negative,
    }.get(receptor)
    if receptor not in ("er", "pr", "hr", "tnbc"):
        return unknown(f"receptor {receptor!r} not understood", "criterion_unclear")
    return _positive(receptor, status, value, ctx)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the receptor, wanted status and % cut-off read once per index,
# then one code per constraint following ``evaluate`` branch by branch.

#: (kind, receptor, status or op, % cut-off): kind "her2" (status), "percent" (op and
#: cut-off) or "status" (receptor and status)
Prepared = tuple[str, str, str, float]


def prepare(c: Constraint) -> Prepared | None:
    receptor = str(c.params.get("receptor"))
    status = str(c.params.get("status", "positive"))
    if receptor == "her2":
        return ("her2", receptor, status, 0.0)
    if receptor in ("er", "pr") and c.params.get("value") is not None and c.params.get("op"):
        value = c.params.get("value", 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return ("percent", receptor, str(c.params.get("op")), float(value))
    return ("status", receptor, status, 0.0)


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared receptor constraints for one patient."""
    f = ctx.facts
    rec = ctx.patient.receptors
    cat = f.her2_category
    values = {
        "er": f.er_positive,
        "pr": f.pr_positive,
        "hr": f.hr_positive,
        "tnbc": f.triple_negative,
    }
    out: list[int | None] = []
    for prep in prepared:
        kind = prep[0]
        if kind == "her2":
            status = prep[2]
            if status == "any":
                out.append(TRUTH_HOLDS)
            elif cat is None:
                out.append(TRUTH_UNKNOWN)
            elif status == "known":
                out.append(TRUTH_HOLDS)
            else:
                out.append(holds_code(_HER2_FIT.get(str(status), {}).get(cat)))
        elif kind == "percent":
            _, receptor, op, value = prep
            pct = rec.er_percent if receptor == "er" else rec.pr_percent
            if pct is not None:
                out.append(holds_code(compare(pct, op, value)))
                continue
            given = rec.er_status if receptor == "er" else rec.pr_status
            if given is not None and value == 1:
                out.append(
                    TRUTH_HOLDS if (given == "positive") == (op in (">=", ">")) else TRUTH_FAILS
                )
            else:
                out.append(TRUTH_UNKNOWN)
        else:  # as ``_positive``
            _, receptor, status, _ = prep
            if receptor not in values:
                out.append(TRUTH_UNKNOWN)
                continue
            positive = values[receptor]
            if status == "any":
                out.append(TRUTH_HOLDS)
            elif positive is None:
                out.append(TRUTH_UNKNOWN)
            elif status == "known":
                out.append(TRUTH_HOLDS)
            elif status == "positive":
                out.append(holds_code(positive))
            elif status == "negative":
                out.append(holds_code(not positive))
            elif status == "low" and receptor == "er":
                out.append(holds_code(f.er_low))
            else:
                out.append(TRUTH_UNKNOWN)
    return out
