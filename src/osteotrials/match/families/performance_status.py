"""Performance status: ECOG (stated or from Karnofsky) and Karnofsky (stated or bounded
from ECOG by the conventional table, domain.md §1.5)."""

from __future__ import annotations

from osteotrials.match._core import (
    TRUTH_UNKNOWN,
    Context,
    Truth,
    compare,
    holds_code,
    unknown,
)
from osteotrials.model.criteria import Constraint

_FIELDS = ("performance.ecog", "performance.karnofsky")
#: ECOG grade -> the Karnofsky range it corresponds to (conventional table)
_KPS_RANGE = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}


def _karnofsky(op: str, value: float, ctx: Context) -> Truth:
    kps = ctx.patient.performance.karnofsky
    if kps is not None:
        ok = compare(kps, op, value)
        if ok is None:
            return unknown(f"Karnofsky {kps}", "ecog", fields=_FIELDS)
        return Truth(ok, f"Karnofsky {kps} (stated)", fields=_FIELDS)
    ecog = ctx.facts.ecog
    if ecog is None:
        return unknown("performance status not known", "ecog", fields=_FIELDS)
    lo, hi = _KPS_RANGE[ecog]
    a, b = compare(lo, op, value), compare(hi, op, value)
    if a is None or a != b:
        return unknown(
            f"ECOG {ecog} = Karnofsky {lo}-{hi}, against {op} {value:g}",
            "karnofsky",
            fields=_FIELDS,
        )
    return Truth(a, f"ECOG {ecog} = Karnofsky {lo}-{hi}", fields=_FIELDS)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    if p.get("no_restriction"):
        return Truth(True, "any performance status")
    scale = p.get("scale", "ecog")
    if scale == "karnofsky" or (p.get("karnofsky_min") is not None and p.get("ecog_max") is None):
        if p.get("karnofsky_min") is not None:
            return _karnofsky(">=", float(p["karnofsky_min"]), ctx)
        if p.get("op") and p.get("value") is not None:
            return _karnofsky(str(p["op"]), float(p["value"]), ctx)
        return unknown("Karnofsky limit not understood", "ecog")
    ecog = ctx.facts.ecog
    if ecog is None:
        return unknown("ECOG performance status not known", "ecog", fields=_FIELDS)
    fact = f"ECOG {ecog} ({ctx.facts.ecog_basis})"
    allowed = p.get("allowed")
    if allowed:
        return Truth(
            ecog in {int(a) for a in allowed}, f"{fact}; allowed {allowed}", fields=_FIELDS
        )
    if p.get("ecog_max") is not None:
        return Truth(ecog <= float(p["ecog_max"]), f"{fact}; max {p['ecog_max']:g}", fields=_FIELDS)
    if p.get("op") and p.get("value") is not None:
        ok = compare(ecog, str(p["op"]), float(p["value"]))
        if ok is not None:
            return Truth(ok, f"{fact}; limit {p['op']} {p['value']:g}", fields=_FIELDS)
    return unknown(f"{fact}; limit not understood", "criterion_unclear")


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the scale and limit read once per index, then one code per
# constraint following ``evaluate`` branch by branch.

#: ("karnofsky", op, value) / ("allowed", grades) / ("max", grade) / ("op", op, value) /
#: ("unclear",) (a limit not understood)
Prepared = tuple[object, ...]


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    scale = p.get("scale", "ecog")
    kmin, emax = p.get("karnofsky_min"), p.get("ecog_max")
    op, value = p.get("op"), p.get("value")
    if scale == "karnofsky" or (kmin is not None and emax is None):
        if kmin is not None:
            return ("karnofsky", ">=", float(kmin)) if _number(kmin) else None
        if op and value is not None:
            return ("karnofsky", str(op), float(value)) if _number(value) else None
        return ("unclear",)
    allowed = p.get("allowed")
    if allowed:
        try:
            return ("allowed", frozenset(int(a) for a in allowed))
        except (TypeError, ValueError):
            return None
    if emax is not None:
        return ("max", float(emax)) if _number(emax) else None
    if op and value is not None:
        return ("op", str(op), float(value)) if _number(value) else None
    return ("unclear",)


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared performance-status limits."""
    kps = ctx.patient.performance.karnofsky
    ecog = ctx.facts.ecog
    kps_range = _KPS_RANGE.get(ecog) if ecog is not None else None
    out: list[int | None] = []
    for prep in prepared:
        kind = prep[0]
        if kind == "karnofsky":
            op, value = str(prep[1]), float(prep[2])  # type: ignore[arg-type]
            if kps is not None:
                out.append(holds_code(compare(kps, op, value)))
            elif ecog is None:
                out.append(TRUTH_UNKNOWN)
            elif kps_range is None:
                out.append(None)  # left to the evaluator
            else:
                a, b = compare(kps_range[0], op, value), compare(kps_range[1], op, value)
                out.append(TRUTH_UNKNOWN if a is None or a != b else holds_code(a))
        elif ecog is None or kind == "unclear":
            out.append(TRUTH_UNKNOWN)
        elif kind == "allowed":
            out.append(holds_code(ecog in prep[1]))  # type: ignore[operator]
        elif kind == "max":
            out.append(holds_code(ecog <= prep[1]))  # type: ignore[operator]
        else:
            out.append(holds_code(compare(ecog, str(prep[1]), float(prep[2]))))  # type: ignore[arg-type]
    return out
