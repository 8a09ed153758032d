"""Brain / leptomeningeal metastases in the ASCO-Friends categories (domain.md §1.9)."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import (
    TRUTH_FAILS,
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

_FIELDS = ("cns.status",)


def _treated_stable(c: Constraint, ctx: Context) -> Truth:
    cns = ctx.patient.cns
    weeks = c.params.get("stable_weeks")
    if weeks is not None:
        if cns.stable_since is None:
            return unknown(
                "date brain metastases were first stable not recorded",
                "cns_stable_since",
                fields=("cns.stable_since",),
            )
        if cns.stable_since > ctx.as_of - timedelta(weeks=float(weeks)):
            return Truth(
                False,
                f"stable since {cns.stable_since.isoformat()} (< {weeks:g} weeks)",
                fields=("cns.stable_since",),
            )
    steroids = c.params.get("steroids")
    if steroids is not None:
        if cns.on_steroids is None:
            return unknown(
                "steroid use for brain metastases not recorded",
                "cns_steroids",
                fields=("cns.on_steroids",),
            )
        if cns.on_steroids:
            if steroids == "off":
                return Truth(False, "still on steroids", fields=("cns.on_steroids",))
            return unknown(
                "on steroids; whether the dose is stable is not recorded",
                "cns_steroids",
                fields=("cns.on_steroids",),
            )
    if c.params.get("symptomatic") is False and cns.symptomatic:
        return Truth(False, "brain metastases symptomatic", fields=("cns.symptomatic",))
    if c.params.get("symptomatic") is False and cns.symptomatic is None:
        return unknown(
            "whether brain metastases cause symptoms not recorded",
            "cns_symptomatic",
            fields=("cns.symptomatic",),
        )
    return Truth(True, "treated, stable brain metastases", fields=_FIELDS)


def evaluate(c: Constraint, ctx: Context) -> Truth:
    status = c.params.get("status", "any")
    patient = ctx.facts.cns_status
    if patient is None:
        return unknown("brain metastases not known", "cns_status", fields=_FIELDS)
    if status == "any":
        return Truth(patient != "none", f"brain metastases: {patient}", fields=_FIELDS)
    if patient == "none":
        if status == "treated_stable" and c.polarity == "require":
            return not_applicable(
                "no brain metastases (rule for treated metastases does not apply)", fields=_FIELDS
            )
        return Truth(False, "no brain metastases", fields=_FIELDS)
    if patient == "present":
        return unknown(
            "brain metastases present; treated/stable or active not recorded",
            "cns_status",
            fields=_FIELDS,
        )
    if status == "leptomeningeal":
        return Truth(patient == "leptomeningeal", f"brain metastases: {patient}", fields=_FIELDS)
    if status == "active":
        if patient in ("active", "leptomeningeal"):
            return Truth(True, f"brain metastases: {patient}", fields=_FIELDS)
        if c.params.get("symptomatic") is True:
            sym = ctx.patient.cns.symptomatic
            if sym is None:
                return unknown(
                    "whether brain metastases cause symptoms not recorded",
                    "cns_symptomatic",
                    fields=("cns.symptomatic",),
                )
            return Truth(sym, f"treated brain metastases, symptomatic: {sym}", fields=_FIELDS)
        return Truth(False, f"brain metastases: {patient}", fields=_FIELDS)
    if status == "treated_stable":
        if patient != "treated_stable":
            return Truth(False, f"brain metastases: {patient}", fields=_FIELDS)
        return _treated_stable(c, ctx)
    return unknown(f"CNS status {status!r} not understood", "cns_status")


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: what ``evaluate`` reads of a constraint, read once per index
# (the predicates exactly as ``evaluate`` tests them), then one code per constraint
# following ``evaluate`` branch by branch.

#: (status, polarity is require, stable weeks, steroids, symptomatic is False,
#: symptomatic is True)
Prepared = tuple[object, bool, float | None, object, bool, bool]


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    weeks = p.get("stable_weeks")
    if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int | float)):
        return None
    symptomatic = p.get("symptomatic")
    return (
        p.get("status", "any"),
        c.polarity == "require",
        None if weeks is None else float(weeks),
        p.get("steroids"),
        symptomatic is False,
        symptomatic is True,
    )


def _code(prep: Prepared, patient: str, ctx: Context) -> int:
    status, require, weeks, steroids, sym_false, sym_true = prep
    if status == "any":
        return TRUTH_HOLDS if patient != "none" else TRUTH_FAILS
    if patient == "none":
        return TRUTH_NOT_APPLICABLE if status == "treated_stable" and require else TRUTH_FAILS
    if patient == "present":
        return TRUTH_UNKNOWN
    if status == "leptomeningeal":
        return TRUTH_HOLDS if patient == "leptomeningeal" else TRUTH_FAILS
    cns = ctx.patient.cns
    if status == "active":
        if patient in ("active", "leptomeningeal"):
            return TRUTH_HOLDS
        if sym_true:
            return holds_code(cns.symptomatic)
        return TRUTH_FAILS
    if status != "treated_stable":
        return TRUTH_UNKNOWN
    if patient != "treated_stable":
        return TRUTH_FAILS
    # as ``_treated_stable``
    if weeks is not None:
        if cns.stable_since is None:
            return TRUTH_UNKNOWN
        if cns.stable_since > ctx.as_of - timedelta(weeks=weeks):
            return TRUTH_FAILS
    if steroids is not None:
        if cns.on_steroids is None:
            return TRUTH_UNKNOWN
        if cns.on_steroids:
            return TRUTH_FAILS if steroids == "off" else TRUTH_UNKNOWN
    if sym_false and cns.symptomatic:
        return TRUTH_FAILS
    if sym_false and cns.symptomatic is None:
        return TRUTH_UNKNOWN
    return TRUTH_HOLDS


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared CNS constraints for one patient."""
    patient = ctx.facts.cns_status
    if patient is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    out: list[int | None] = []
    for prep in prepared:
        try:
            out.append(_code(prep, patient, ctx))
        except (ValueError, TypeError, KeyError, OverflowError):
            out.append(None)  # left to the evaluator
    return out
