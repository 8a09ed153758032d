"""Receptor status: ER / PR (with % cut-offs), hormone receptor, HER2 categories,
triple negative (domain.md §1.1-1.3)."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, compare, fmt, unknown
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
