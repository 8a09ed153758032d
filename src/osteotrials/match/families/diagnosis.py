"""Diagnosis: cancer type, setting (metastatic / early / in situ ...), stage, histology.

osteotrials patients have breast cancer (the patient file describes a person with
breast cancer); whether it is metastatic is read from the file, never assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_NEEDS_EVALUATOR,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    unknown,
)
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


def codes_one_by_one(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared diagnosis constraints for one patient,
    one constraint at a time (``codes`` gives the same with arrays); None where the answer
    needs ``evaluate``."""
    memo: dict[tuple[str, object], bool | Exception | None] = {}

    def part(kind: str, arg: object) -> bool | Exception | None:
        key = (kind, arg)
        if key not in memo:
            try:
                memo[key] = _part_truth(kind, arg, ctx).holds
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


# Array form of ``codes_one_by_one``: per constraint the number of its parts that hold /
# fail / are unknown / raised, from the patient-independent parts (once per index) and
# the setting / stage / histology parts (once per distinct argument per patient).

#: a part's state: holds, fails, unknown, raised; 4: the constraint has no such part
_PART_HOLDS, _PART_FAILS, _PART_UNKNOWN, _PART_ERROR, _NO_PART = 0, 1, 2, 3, 4
_PART_KINDS = ("setting", "stage", "histology")


@dataclass(slots=True)
class Batch:
    prepared: list[Prepared]
    #: per constraint: its fixed parts that hold / fail, "confirmation" asked
    fixed_holds: NDArray[np.int64]
    fixed_fails: NDArray[np.int64]
    confirmation: NDArray[np.bool_]
    #: per part kind: the distinct arguments, and per constraint its argument's id (-1)
    args: tuple[list[object], ...]
    arg_id: tuple[NDArray[np.intp], ...]


def batch(prepared: list[Prepared]) -> Batch:
    args: tuple[dict[object, int], ...] = ({}, {}, {})
    ids: tuple[list[int], ...] = ([], [], [])
    for prep in prepared:
        for k, arg in enumerate((prep.setting, prep.stage, prep.histology)):
            ids[k].append(-1 if arg is None else args[k].setdefault(arg, len(args[k])))
    return Batch(
        prepared,
        np.array([sum(1 for h in p.fixed if h) for p in prepared], dtype=np.int64),
        np.array([sum(1 for h in p.fixed if not h) for p in prepared], dtype=np.int64),
        np.array([p.confirmation for p in prepared], dtype=np.bool_),
        tuple(list(a) for a in args),
        tuple(np.array(i, dtype=np.intp) for i in ids),
    )


def _part_truth(kind: str, arg: object, ctx: Context) -> Truth:
    """The truth of one part of a diagnosis constraint (its setting, stage or histology)."""
    if kind == "setting":
        return _setting(list(arg), ctx)  # type: ignore[call-overload]
    if kind == "stage":
        return _stage(str(arg), ctx)
    return _histology(list(arg), ctx)  # type: ignore[call-overload]


def _part_state(kind: str, arg: object, ctx: Context) -> int:
    try:
        t = _part_truth(kind, arg, ctx)
    except (ValueError, TypeError, KeyError):
        return _PART_ERROR
    return _PART_UNKNOWN if t.holds is None else _PART_HOLDS if t.holds else _PART_FAILS


def codes(b: Batch, ctx: Context) -> NDArray[np.intp]:
    """Truth codes (``_core.TRUTH_*``) of prepared diagnosis constraints for one patient
    (as ``codes_one_by_one``); ``TRUTH_NEEDS_EVALUATOR`` where the answer needs
    ``evaluate``."""
    confirmed = (
        ctx.patient.diagnosis.histology is not None
        or (ctx.facts.er_category or ctx.facts.her2_category) is not None
    )
    n_holds = b.fixed_holds + (b.confirmation & confirmed)
    n_fails = b.fixed_fails.copy()
    n_unknown = (b.confirmation & (not confirmed)).astype(np.int64)
    n_error = np.zeros(len(b.prepared), dtype=np.int64)
    for kind, args, ids in zip(_PART_KINDS, b.args, b.arg_id, strict=True):
        states = np.array([_part_state(kind, a, ctx) for a in args] + [_NO_PART], dtype=np.int8)
        st = states[ids]  # -1 (no such part) reads the last entry
        n_holds += st == _PART_HOLDS
        n_fails += st == _PART_FAILS
        n_unknown += st == _PART_UNKNOWN
        n_error += st == _PART_ERROR
    out = np.select(
        [
            n_error > 0,
            (n_holds + n_fails + n_unknown == 0) | ((n_fails > 0) & (n_holds > 0)),
            n_fails > 0,
            n_unknown > 0,
        ],
        [TRUTH_NEEDS_EVALUATOR, TRUTH_UNKNOWN, TRUTH_FAILS, TRUTH_UNKNOWN],
        TRUTH_HOLDS,
    )
    return out.astype(np.intp)
