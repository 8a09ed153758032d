"""Diagnosis: cancer type, setting (metastatic / early / in situ ...), stage, histology.

osteotrials patients have breast cancer (the patient file describes a person with
breast cancer); whether it is metastatic is read from the file, never assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.model.criteria import Constraint

_HISTOLOGY = {
    "ductal": {"invasive_ductal", "mixed_ductal_lobular"},
    "lobular": {"invasive_lobular", "mixed_ductal_lobular"},
    "adenocarcinoma": {
        "invasive_ductal",
        "invasive_lobular",
        "mixed_ductal_lobular",
        "mucinous",
        "inflammatory",
    },
    "carcinoma": {
        "invasive_ductal",
        "invasive_lobular",
        "mixed_ductal_lobular",
        "mucinous",
        "inflammatory",
        "metaplastic",
    },
    "metaplastic": {"metaplastic"},
    "inflammatory": {"inflammatory"},
    "mucinous": {"mucinous"},
}


def metastatic(ctx: Context) -> bool | None:
    d = ctx.patient.diagnosis
    if d.metastatic_diagnosis_date is not None or d.presentation == "de_novo":
        return True
    if d.stage_at_diagnosis == "IV" or ctx.facts.bone_metastases or ctx.facts.visceral_metastases:
        return True
    return None


def _setting(settings: list[str], ctx: Context) -> Truth:
    meta = metastatic(ctx)
    if meta is None:
        return unknown("whether the cancer is metastatic is not recorded", "metastatic")
    recurrent = ctx.patient.diagnosis.presentation
    for s in settings:
        if s in ("metastatic", "locally_advanced", "advanced"):
            return Truth(True, "metastatic breast cancer", fields=("diagnosis",))
        if s == "recurrent":
            if recurrent == "recurrent":
                return Truth(
                    True, "recurrent (metastatic relapse)", fields=("diagnosis.presentation",)
                )
            if recurrent is None and len(settings) == 1:
                return unknown("de novo or recurrent not recorded", "presentation")
    return Truth(
        False,
        f"metastatic breast cancer, not {'/'.join(settings)}",
        fields=("diagnosis",),
    )


def _stage(stage: str, ctx: Context) -> Truth:
    meta = metastatic(ctx)
    if meta is None:
        return unknown("current stage not recorded", "metastatic")
    iv = bool(re.search(r"\biv\b|\b4\b|iv$", stage.lower()))
    return Truth(iv, f"stage IV (metastatic) against {stage!r}", fields=("diagnosis",))


def _histology(wanted: list[str], ctx: Context) -> Truth:
    h = ctx.patient.diagnosis.histology
    if h is None:
        return unknown("histology not recorded", "histology", fields=("diagnosis.histology",))
    known = [w for w in wanted if w in _HISTOLOGY]
    if not known:
        return unknown(f"histology {h} against {wanted}", "histology")
    ok = any(h in _HISTOLOGY[w] for w in known)
    return Truth(ok, f"histology {h}", fields=("diagnosis.histology",))


def evaluate(c: Constraint, ctx: Context) -> Truth:
    p = c.params
    parts: list[Truth] = []
    cancer = p.get("cancer")
    if cancer is not None:
        parts.append(Truth(cancer == "breast", "breast cancer (osteotrials patient)"))
    tumour_types = p.get("tumour_types")
    if tumour_types and cancer is None:
        solid = any("solid" in t or "breast" in t for t in tumour_types)
        parts.append(Truth(solid, f"breast cancer against {', '.join(tumour_types)}"))
    if p.get("setting"):
        parts.append(_setting(list(p["setting"]), ctx))
    if p.get("stage") and not p.get("setting"):
        parts.append(_stage(str(p["stage"]), ctx))
    if p.get("histology"):
        parts.append(_histology(list(p["histology"]), ctx))
    if p.get("confirmation") and not parts:
        h = ctx.patient.diagnosis.histology
        r = ctx.facts.er_category or ctx.facts.her2_category
        if h is not None or r is not None:
            parts.append(Truth(True, "histology / receptor results on file"))
        else:
            parts.append(unknown("histological confirmation not recorded", "histology"))
    if not parts:
        return unknown("diagnosis criterion without a checkable detail", "criterion_unclear")
    if any(t.holds is False for t in parts) and any(t.holds is True for t in parts):
        facts = "; ".join(t.fact for t in parts)
        return unknown(f"parts of the diagnosis rule disagree: {facts}", "criterion_unclear")
    if any(t.holds is False for t in parts):
        return next(t for t in parts if t.holds is False)
    if any(t.holds is None for t in parts):
        return next(t for t in parts if t.holds is None)
    return Truth(True, "; ".join(t.fact for t in parts), fields=("diagnosis",))


# --------------------------------------------------------------------------- bulk codes
#
# For the fast ranking path (``match/fast.py``): the parts that do not depend on the
# patient (cancer type, tumour types) are read once per index; the patient-dependent
# parts (setting, stage, histology) are answered by the same helpers once per distinct
# argument; the parts combine as in ``evaluate``. ``tests/match/test_fast.py`` checks
# both agree on every snapshot constraint.


@dataclass(frozen=True, slots=True)
class Prepared:
    #: holds-values of the patient-independent parts, in ``evaluate``'s order
    fixed: tuple[bool, ...]
    setting: tuple[object, ...] | None
    stage: str | None
    histology: tuple[object, ...] | None
    #: "histologically confirmed" with no other part
    confirmation: bool


def prepare(c: Constraint) -> Prepared | None:
    p = c.params
    try:
        fixed: list[bool] = []
        cancer = p.get("cancer")
        if cancer is not None:
            fixed.append(cancer == "breast")
        tumour_types = p.get("tumour_types")
        if tumour_types and cancer is None:
            fixed.append(any("solid" in t or "breast" in t for t in tumour_types))
        setting = tuple(p["setting"]) if p.get("setting") else None
        stage = str(p["stage"]) if p.get("stage") and not p.get("setting") else None
        histology = tuple(p["histology"]) if p.get("histology") else None
    except (TypeError, ValueError, KeyError):
        return None
    has_parts = bool(fixed) or setting is not None or stage is not None or histology is not None
    return Prepared(
        tuple(fixed),
        setting,
        stage,
        histology,
        bool(p.get("confirmation")) and not has_parts,
    )


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared diagnosis constraints for one patient;
    None where the answer needs ``evaluate``."""
    memo: dict[tuple[str, object], bool | Exception | None] = {}

    def part(kind: str, arg: object) -> bool | Exception | None:
        key = (kind, arg)
        if key not in memo:
            try:
                if kind == "setting":
                    t = _setting(list(arg), ctx)  # type: ignore[call-overload]
                elif kind == "stage":
                    t = _stage(str(arg), ctx)
                else:
                    t = _histology(list(arg), ctx)  # type: ignore[call-overload]
                memo[key] = t.holds
            except (ValueError, TypeError, KeyError) as exc:
                memo[key] = exc
        return memo[key]

    confirmed = (
        ctx.patient.diagnosis.histology is not None
        or (ctx.facts.er_category or ctx.facts.her2_category) is not None
    )
    out: list[int | None] = []
    for prep in prepared:
        holds: list[bool | Exception | None] = list(prep.fixed)
        if prep.setting is not None:
            holds.append(part("setting", prep.setting))
        if prep.stage is not None:
            holds.append(part("stage", prep.stage))
        if prep.histology is not None:
            holds.append(part("histology", prep.histology))
        if prep.confirmation:
            holds.append(True if confirmed else None)
        if any(isinstance(h, Exception) for h in holds):
            out.append(None)
        elif not holds or (False in holds and True in holds):
            out.append(TRUTH_UNKNOWN)
        elif False in holds:
            out.append(TRUTH_FAILS)
        elif None in holds:
            out.append(TRUTH_UNKNOWN)
        else:
            out.append(TRUTH_HOLDS)
    return out
