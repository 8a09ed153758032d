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

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    OP_WORDS,
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_NEEDS_EVALUATOR,
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


def codes_one_by_one(prepared: list[Prepared | Adequate | str], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared lab constraints for one patient, one
    constraint at a time; None where the answer needs ``evaluate``. (``codes`` gives the
    same with array operations; kept as its checked definition.)"""
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
                rule_codes = codes_one_by_one(list(prep.rules), ctx)
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


# Array form of ``codes_one_by_one``: the prepared thresholds become rows of a table once
# per index; per patient the values, ULN / LLN, units and recency are read once per
# analyte (a few dozen) with the same functions, and the rows are compared with numpy.

_OPS = (">=", ">", "<=", "<", "=")
#: whether each operator holds for a value below / equal to / above the threshold
_OP_HOLDS = np.array(
    [
        [False, True, True],
        [False, False, True],
        [True, True, False],
        [True, False, False],
        [False, True, False],
    ]
)
_NONE = TRUTH_NEEDS_EVALUATOR
_ADEQUATE_CODE = np.array([_NONE, TRUTH_UNKNOWN, TRUTH_HOLDS])


@dataclass(slots=True)
class Batch:
    prepared: list[Prepared | Adequate | str]
    #: per prepared constraint: its row (Prepared), -1 (no analyte), -2 (adequate)
    row_of: NDArray[np.intp]
    #: adequate constraints: their positions in ``prepared``, their rules' rows one
    #: constraint after the other, and where each constraint's rules start there
    adequate_at: NDArray[np.intp]
    adequate_rows: NDArray[np.intp]
    adequate_start: NDArray[np.intp]
    analytes: list[str]
    r_analyte: NDArray[np.intp]
    #: index into ``_OPS`` (len(_OPS): an operator ``compare`` does not know)
    r_op: NDArray[np.intp]
    #: 0 no multiple, 1 x ULN, 2 x LLN; the multiple
    r_ref: NDArray[np.intp]
    r_mult: NDArray[np.float64]
    r_canonical: NDArray[np.float64]
    r_has_canonical: NDArray[np.bool_]
    #: an absolute threshold without the criterion's unit: the vocabulary's is looked up
    r_needs_unit: NDArray[np.bool_]
    #: index into ``recents`` ((analyte, days) of a recency window), -1 for none
    r_recent: NDArray[np.intp]
    recents: list[tuple[str, float]]
    #: (analyte id, 1 ULN / 2 LLN) pairs the rows use; analyte ids whose unit is looked up
    limit_pairs: list[tuple[int, int]]
    unit_analytes: list[int]


def batch(prepared: list[Prepared | Adequate | str]) -> Batch:
    rows: dict[Prepared, int] = {}
    row_of: list[int] = []
    adequate_at: list[int] = []
    adequate_rows: list[int] = []
    adequate_start: list[int] = []
    for k, prep in enumerate(prepared):
        if isinstance(prep, Prepared):
            row_of.append(rows.setdefault(prep, len(rows)))
        elif isinstance(prep, Adequate) and prep.rules:
            row_of.append(-2)
            adequate_at.append(k)
            adequate_start.append(len(adequate_rows))
            adequate_rows.extend(rows.setdefault(r, len(rows)) for r in prep.rules)
        elif isinstance(prep, Adequate):  # no thresholds: every one of none holds
            row_of.append(-3)
        else:
            row_of.append(-1)
    table = list(rows)
    analytes: dict[str, int] = {}
    recents: dict[tuple[str, float], int] = {}
    r_analyte = [analytes.setdefault(r.analyte, len(analytes)) for r in table]
    r_ref = [0 if r.multiple is None else 1 if r.multiple[1] == "ULN" else 2 for r in table]
    r_needs_unit = [r.multiple is None and not r.has_unit for r in table]
    r_recent = [
        -1
        if r.recent_days is None
        else recents.setdefault((r.analyte, r.recent_days), len(recents))
        for r in table
    ]
    return Batch(
        prepared,
        np.array(row_of, dtype=np.intp),
        np.array(adequate_at, dtype=np.intp),
        np.array(adequate_rows, dtype=np.intp),
        np.array(adequate_start, dtype=np.intp),
        list(analytes),
        np.array(r_analyte, dtype=np.intp),
        np.array([_OPS.index(r.op) if r.op in _OPS else len(_OPS) for r in table], dtype=np.intp),
        np.array(r_ref, dtype=np.intp),
        np.array([np.nan if r.multiple is None else r.multiple[0] for r in table]),
        np.array([np.nan if r.canonical is None else r.canonical for r in table]),
        np.array([r.canonical is not None for r in table], dtype=np.bool_),
        np.array(r_needs_unit, dtype=np.bool_),
        np.array(r_recent, dtype=np.intp),
        list(recents),
        sorted({(a, ref) for a, ref in zip(r_analyte, r_ref, strict=True) if ref}),
        sorted({a for a, needs in zip(r_analyte, r_needs_unit, strict=True) if needs}),
    )


def _reading(read: object) -> tuple[float, int]:
    """(value, state) of a patient-side reading: state 0 known, 1 not known (unknown),
    2 an error (needs the evaluator)."""
    if read is _MISSING:
        return np.nan, 2
    if read is None:
        return np.nan, 1
    return float(read), 0  # type: ignore[arg-type]


def codes(b: Batch, ctx: Context) -> NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared lab constraints for one patient (as
    ``codes_one_by_one``); ``TRUTH_NEEDS_EVALUATOR`` where the answer needs ``evaluate``."""
    n = len(b.analytes)
    value = np.full(n, np.nan)
    v_state = np.zeros(n, dtype=np.int8)
    for i, analyte in enumerate(b.analytes):
        try:
            got = _value(analyte, ctx)
            read: object = None if got is None else got[0]
        except (ValueError, TypeError, KeyError):
            read = _MISSING
        value[i], v_state[i] = _reading(read)
    limit = np.full((3, n), np.nan)
    l_state = np.zeros((3, n), dtype=np.int8)
    for i, ref_code in b.limit_pairs:
        try:
            read = uln_of(b.analytes[i], ctx, "ULN" if ref_code == 1 else "LLN")[0]
        except (ValueError, TypeError, KeyError):
            read = _MISSING
        limit[ref_code, i], l_state[ref_code, i] = _reading(read)
    unit_bad = np.zeros(n, dtype=np.bool_)
    for i in b.unit_analytes:
        try:
            unit_bad[i] = labs.canonical_unit(b.analytes[i]) is None
        except (ValueError, TypeError, KeyError):
            unit_bad[i] = True
    labs_on_file = ctx.facts.labs
    stale = np.zeros(len(b.recents) + 1, dtype=np.bool_)  # the last one: no window
    for k, (analyte, days) in enumerate(b.recents):
        lab = labs_on_file.get(analyte)
        when = lab.date if lab is not None else None
        stale[k] = when is None or when < ctx.as_of - timedelta(days=days)
    an, ref, op = b.r_analyte, b.r_ref, b.r_op
    v = value[an]
    threshold = np.where(ref > 0, b.r_mult * limit[ref, an], b.r_canonical)
    # value below / equal to / above the threshold, then the operator's answer (rows with
    # a missing value or threshold, or an unknown operator, are overwritten below)
    relation = np.where(v < threshold, 0, np.where(v == threshold, 1, 2))
    holds = _OP_HOLDS[np.minimum(op, len(_OPS) - 1), relation]
    code = np.where(holds, TRUTH_HOLDS, TRUTH_FAILS)
    # the checks of ``codes_one_by_one`` in reverse order, so that its first one decides
    code[op >= len(_OPS)] = TRUTH_UNKNOWN
    absolute = ref == 0
    code[absolute & b.r_needs_unit & unit_bad[an]] = _NONE
    code[absolute & ~b.r_has_canonical] = TRUTH_UNKNOWN
    ls = l_state[ref, an]
    code[~absolute & (ls == 1)] = TRUTH_UNKNOWN
    code[~absolute & (ls == 2)] = _NONE
    code[stale[b.r_recent]] = TRUTH_UNKNOWN
    vs = v_state[an]
    code[vs == 1] = TRUTH_UNKNOWN
    code[vs == 2] = _NONE
    out = np.where(b.row_of >= 0, code[np.maximum(b.row_of, 0)], TRUTH_UNKNOWN)
    out[b.row_of == -3] = TRUTH_HOLDS
    if len(b.adequate_at):
        # adequate: any rule needing the evaluator -> None, else all hold -> holds, else
        # unknown; as the minimum of (None 0, not holding 1, holding 2) over the rules
        rank = np.where(code == _NONE, 0, np.where(code == TRUTH_HOLDS, 2, 1))
        worst = np.minimum.reduceat(rank[b.adequate_rows], b.adequate_start)
        out[b.adequate_at] = _ADEQUATE_CODE[worst]
    return out
