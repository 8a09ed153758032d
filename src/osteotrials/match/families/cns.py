"""Brain / leptomeningeal metastases in the ASCO-Friends categories (domain.md §1.9)."""

from __future__ import annotations

from datetime import timedelta

from osteotrials.match._core import Context, Truth, not_applicable, unknown
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
