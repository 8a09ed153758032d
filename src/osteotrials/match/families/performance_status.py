"""Performance status: ECOG (stated or from Karnofsky) and Karnofsky (stated or bounded
from ECOG by the conventional table, domain.md §1.5)."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, compare, unknown
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
