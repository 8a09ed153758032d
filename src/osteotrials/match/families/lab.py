"""Laboratory thresholds: absolute values (converted to canonical units by
``osteotrials.vocab.labs``) and multiples of the ULN / LLN.

The ULN used is the patient's own lab ULN when the report gives one, otherwise the
default reference range of ``vocab/data/labs.yaml`` (the evidence says which).
Creatinine clearance falls back to the Cockcroft-Gault value derived from the
patient file. A lab older than a ``within N days`` window of the criterion is
unknown (it has to be repeated), never assumed normal. Organ exceptions
(AST/ALT with liver metastases, ALP with bone metastases, bilirubin with
Gilbert syndrome) are applied when the item's constraints are combined
(:func:`osteotrials.match.evaluate.combine_item`): a constraint carrying
``logic.conditions`` applies only to patients with that condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from osteotrials.match._core import (
    OP_WORDS,
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    compare,
    fmt,
    unknown,
)
from osteotrials.match._data import load
from osteotrials.model.criteria import Constraint
from osteotrials.vocab import labs

_FIELDS = ("labs",)


@cache
def adequate_defaults() -> dict[str, list[dict[str, object]]]:
    """Typical organ-function thresholds used for "adequate organ function" (domain.md §1.6)."""
    raw = load("defaults.yaml")["adequate_organ_function"]
    return {str(k): list(v) for k, v in raw.items()}


def _value(analyte: str, ctx: Context) -> tuple[float, str, str | None] | None:
    """(value in the canonical unit, description, date) or None."""
    lab = ctx.facts.labs.get(analyte)
    if lab is not None:
        day = lab.date.isoformat() if lab.date else "undated"
        desc = f"{lab.reported_name} {fmt(lab.reported_value)} {lab.reported_unit} ({day})"
        return lab.value, desc, day
    if analyte == "crcl" and ctx.facts.creatinine_clearance_ml_min is not None:
        value = ctx.facts.creatinine_clearance_ml_min
        return value, f"CrCl {fmt(value)} mL/min ({ctx.facts.creatinine_clearance_basis})", None
    return None


def uln_of(analyte: str, ctx: Context, ref: str = "ULN") -> tuple[float | None, str]:
    """The patient's ULN (or LLN) for ``analyte`` in the canonical unit, and which was used."""
    lab = ctx.facts.labs.get(analyte)
    own = None if lab is None else (lab.uln if ref == "ULN" else lab.lln)
    if own is not None:
        return own, f"patient's lab {ref} {fmt(own)} {labs.canonical_unit(analyte)}"
    try:
        rr = labs.reference_range(analyte)
    except labs.UnitError:
        return None, f"no default {ref} for {analyte}"
    value = rr.uln if ref == "ULN" else rr.lln
    if value is None:
        return None, f"no default {ref} for {analyte}"
    unit = labs.canonical_unit(analyte)
    return value, f"default {ref} {fmt(value)} {unit} ({rr.source})"


def check(analyte: str, op: str, c: Constraint, ctx: Context) -> Truth:
    p = c.params
    key = f"lab:{analyte}"
    got = _value(analyte, ctx)
    if got is None:
        return unknown(f"{analyte} not on file", key, fields=_FIELDS)
    value, desc, _day = got
    window = c.time_window
    if window is not None and window.relation in ("within", "less_than"):
        lab = ctx.facts.labs.get(analyte)
        when = lab.date if lab is not None else None
        if when is None or when < ctx.as_of - timedelta(days=window.days):
            return unknown(
                f"{desc} is older than the {window.days:g}-day window",
                key,
                fields=_FIELDS,
                note="needs a recent result",
            )
    mult = p.get("uln_multiple", p.get("lln_multiple"))
    if mult is not None:
        ref = "ULN" if p.get("uln_multiple") is not None else "LLN"
        limit, used = uln_of(analyte, ctx, ref)
        if limit is None:
            return unknown(f"{desc}; {used}", key, fields=_FIELDS)
        threshold = float(mult) * limit
        ok = compare(value, op, threshold)
        ratio = value / limit if limit else float("inf")
        fact = (
            f"{desc} = {ratio:.2f} x {ref}; limit {OP_WORDS.get(op, op)} {fmt(float(mult))} x {ref}"
        )
        if ok is None:
            return unknown(fact, "criterion_unclear")
        return Truth(ok, fact, fields=_FIELDS, reference=used)
    canonical = p.get("canonical_value")
    if canonical is None:
        return unknown(
            f"{desc}; the criterion's unit could not be converted",
            "criterion_unclear",
            fields=_FIELDS,
        )
    unit = p.get("canonical_unit") or labs.canonical_unit(analyte)
    ok = compare(value, op, float(canonical))
    bound = f"{OP_WORDS.get(op, op)} {fmt(canonical)} {unit}"
    fact = f"{desc} = {fmt(round(value, 3))} {unit}; limit {bound}"
    if ok is None:
        return unknown(fact, "criterion_unclear", fields=_FIELDS)
    return Truth(ok, fact, fields=_FIELDS)


@cache
def _probe(
    analyte: str, op: str, uln_multiple: object, value: object, relative: bool
) -> Constraint:
    """A lab constraint for one typical threshold (``check`` reads only its parameters
    and time window, so one probe per threshold serves every item)."""
    return Constraint(
        family="lab",
        polarity="require",
        span=(0, 0),
        text=f"{analyte} {op}",
        confidence=1.0,
        params={
            "analyte": analyte,
            "op": op,
            **(
                {"uln_multiple": uln_multiple, "relative_to": "ULN"}
                if relative
                else {"canonical_value": value}
            ),
        },
    )


def adequate_rules(organs: tuple[object, ...]) -> list[dict[str, object]]:
    """The typical thresholds (``defaults.yaml``) of the organs named."""
    defaults = adequate_defaults()
    return [r for o in organs for r in defaults.get(str(o), defaults["organ"])]


def rule_probe(rule: dict[str, object]) -> Constraint:
    return _probe(
        str(rule["analyte"]),
        str(rule["op"]),
        rule.get("uln_multiple"),
        rule.get("value"),
        "uln_multiple" in rule,
    )


def _adequate(c: Constraint, ctx: Context) -> Truth:
    return adequate(tuple(c.params.get("organ") or ["organ"]), ctx)


def adequate(organs: tuple[object, ...], ctx: Context) -> Truth:
    """ "Adequate <organ> function" against the typical thresholds of ``defaults.yaml``."""
    rules = adequate_rules(organs)
    facts: list[str] = []
    missing: list[str] = []
    for rule in rules:
        analyte, op = str(rule["analyte"]), str(rule["op"])
        t = check(analyte, op, rule_probe(rule), ctx)
        if t.holds is not True:
            missing.append(analyte)
            facts.append(t.fact)
    note = (
        "'adequate function' is not defined by the item; checked against the typical "
        "thresholds of match/data/defaults.yaml"
    )
    if missing:
        return unknown("; ".join(facts), *(f"lab:{a}" for a in missing), fields=_FIELDS, note=note)
    return Truth(
        True,
        f"{', '.join(sorted({str(r['analyte']) for r in rules}))} within the typical limits",
        fields=_FIELDS,
        note=note,
    )


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    if p.get("adequate") and not p.get("analyte"):
        return _adequate(c, ctx)
    analyte = p.get("analyte")
    if not analyte:
        return unknown("laboratory criterion without an analyte", "criterion_unclear")
    op = str(p.get("op", ">="))
    if op == "=":  # "ANC = 1500" in practice means a bound in the usual direction
        op = (
            ">="
            if p.get("lln_multiple") is not None
            else "<="
            if p.get("uln_multiple") is not None
            else op
        )
    return check(str(analyte), op, c, ctx)


# --------------------------------------------------------------------------- bulk codes
#
# For the fast ranking path (``match/fast.py``): ``prepare`` reads a constraint once per
# index, ``codes`` answers all prepared constraints for one patient, following ``check``
# branch by branch (patient values, ULNs and units looked up once per analyte with the
# same functions). ``tests/match/test_fast.py`` checks both agree on every snapshot
# constraint; anything unusual is left to ``evaluate``.


@dataclass(frozen=True, slots=True)
class Prepared:
    analyte: str
    op: str
    #: (multiple, "ULN" / "LLN") or None
    multiple: tuple[float, str] | None
    canonical: float | None
    #: the criterion gives its canonical unit (else the vocabulary's is looked up)
    has_unit: bool
    #: days of a recency window, or None
    recent_days: float | None


@dataclass(frozen=True, slots=True)
class Adequate:
    """An "adequate organ function" constraint: the organs it names and their typical
    thresholds, each prepared as a lab constraint; it holds when every threshold holds,
    else it is unknown (as ``adequate``)."""

    organs: tuple[object, ...]
    rules: tuple[Prepared, ...]


#: a lab constraint without an analyte (and not "adequate function"): always unknown
NO_ANALYTE = "no analyte"


def prepare(c: Constraint) -> Prepared | Adequate | str | None:
    p = c.params
    analyte = p.get("analyte")
    if p.get("adequate") and not analyte:
        organs = p.get("organ") or ["organ"]
        if not isinstance(organs, list | tuple):
            return None
        try:
            rules = [prepare(rule_probe(r)) for r in adequate_rules(tuple(organs))]
            hash(tuple(organs))
        except (TypeError, ValueError, KeyError):
            return None
        if any(r is None or isinstance(r, Adequate) for r in rules):
            return None
        return Adequate(tuple(organs), tuple(r for r in rules if isinstance(r, Prepared)))
    if not analyte:
        return NO_ANALYTE  # "abnormal laboratory values": unknown whatever the patient
    if not isinstance(analyte, str):
        return None  # a malformed constraint: ``evaluate``
    op = str(p.get("op", ">="))
    if op == "=":
        op = (
            ">="
            if p.get("lln_multiple") is not None
            else "<="
            if p.get("uln_multiple") is not None
            else op
        )
    mult = p.get("uln_multiple", p.get("lln_multiple"))
    multiple = None
    if mult is not None:
        if isinstance(mult, bool) or not isinstance(mult, int | float):
            return None
        multiple = (float(mult), "ULN" if p.get("uln_multiple") is not None else "LLN")
    canonical = p.get("canonical_value")
    if canonical is not None and (
        isinstance(canonical, bool) or not isinstance(canonical, int | float)
    ):
        return None
    window = c.time_window
    recent = window is not None and window.relation in ("within", "less_than")
    return Prepared(
        analyte,
        op,
        multiple,
        None if canonical is None else float(canonical),
        bool(p.get("canonical_unit")),
        float(window.days) if recent and window is not None else None,
    )


_MISSING = object()


def codes(prepared: list[Prepared | Adequate | str], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared lab constraints for one patient; None
    where the answer needs ``evaluate``."""
    adequate_codes: dict[tuple[object, ...], int | None] = {}
    values: dict[str, object] = {}
    limits: dict[tuple[str, str], object] = {}
    units: dict[str, object] = {}
    labs_on_file = ctx.facts.labs
    as_of = ctx.as_of
    out: list[int | None] = []
    for prep in prepared:
        if isinstance(prep, str):  # NO_ANALYTE
            out.append(TRUTH_UNKNOWN)
            continue
        if isinstance(prep, Adequate):
            if prep.organs not in adequate_codes:
                rule_codes = codes(list(prep.rules), ctx)
                adequate_codes[prep.organs] = (
                    None
                    if None in rule_codes
                    else TRUTH_HOLDS
                    if all(code == TRUTH_HOLDS for code in rule_codes)
                    else TRUTH_UNKNOWN
                )
            out.append(adequate_codes[prep.organs])
            continue
        analyte = prep.analyte
        got = values.get(analyte, _MISSING)
        if got is _MISSING:
            try:
                got = _value(analyte, ctx)
            except (ValueError, TypeError, KeyError):
                got = _MISSING
            values[analyte] = got
        if got is _MISSING:
            out.append(None)
            continue
        if got is None:
            out.append(TRUTH_UNKNOWN)
            continue
        value = got[0]  # type: ignore[index]
        if prep.recent_days is not None:
            lab = labs_on_file.get(analyte)
            when = lab.date if lab is not None else None
            if when is None or when < as_of - timedelta(days=prep.recent_days):
                out.append(TRUTH_UNKNOWN)
                continue
        if prep.multiple is not None:
            mult, ref = prep.multiple
            limit = limits.get((analyte, ref), _MISSING)
            if limit is _MISSING:
                try:
                    limit = uln_of(analyte, ctx, ref)[0]
                except (ValueError, TypeError, KeyError):
                    limit = _MISSING
                limits[(analyte, ref)] = limit
            if limit is _MISSING:
                out.append(None)
                continue
            if limit is None:
                out.append(TRUTH_UNKNOWN)
                continue
            ok = compare(value, prep.op, mult * limit)  # type: ignore[operator]
        else:
            if prep.canonical is None:
                out.append(TRUTH_UNKNOWN)
                continue
            if not prep.has_unit:
                unit = units.get(analyte, _MISSING)
                if unit is _MISSING:
                    try:
                        unit = labs.canonical_unit(analyte)
                    except (ValueError, TypeError, KeyError):
                        unit = None
                    units[analyte] = unit
                if unit is None:
                    out.append(None)
                    continue
            ok = compare(value, prep.op, prep.canonical)
        out.append(TRUTH_UNKNOWN if ok is None else TRUTH_HOLDS if ok else TRUTH_FAILS)
    return out
