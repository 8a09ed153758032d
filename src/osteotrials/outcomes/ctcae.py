"""CTCAE v5.0 grading of laboratory values and recorded adverse events.

Thresholds live in ``data/ctcae_v5.yaml`` (NCI CTCAE v5.0, 27 Nov 2017;
domain.md §4.1). Rules, with ULN/LLN the laboratory's reference limits:

* **increase** terms (hypercalcaemia, corrected Ca): G0 if <= ULN; G1 > ULN,
  G2 > 11.5, G3 > 12.5, G4 > 13.5 mg/dL (2.9 / 3.1 / 3.4 mmol/L) [U].
* **decrease** terms (neutrophils, platelets, haemoglobin, hypocalcaemia):
  G0 if value >= LLN; G1 if < LLN and >= t1; G2 if < t1 and >= t2;
  G3 if < t2 and >= t3; G4 if < t3. E.g. neutrophils (10^9/L):
  t = 1.5, 1.0, 0.5, so 1.0 is G2 and 0.99 is G3. Anaemia stops at G3
  (G4 is a clinical judgement).
* **ULN-ratio** terms (ALT, AST, bilirubin, creatinine): G0 if value <= ULN;
  then G1, G2, G3, G4 for value > ULN, > f1 x ULN, > f2 x ULN, > f3 x ULN.
  ALT/AST: f = 3, 5, 20; bilirubin: 1.5, 3, 10; creatinine: 1.5, 3, 6.
* **ALT/AST with abnormal baseline** (baseline > ULN): relative to the
  baseline value: G1 1.5-3.0 x baseline, G2 > 3.0-5.0, G3 > 5.0-20.0, G4 > 20.
* **creatinine** also: G2 if > 1.5 x baseline, G3 if > 3.0 x baseline (the
  higher of the ULN and baseline grades counts).
* **QTc**: G1 450-480 ms, G2 481-500 ms, G3 >= 501 ms or > 60 ms change from
  baseline; G4 needs clinical signs and is not graded from a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError, UnknownUnitError

_DATA = "ctcae_v5.yaml"

#: Aliases accepted for test names (lower-case).
TEST_ALIASES: dict[str, str] = {
    "anc": "neutrophils",
    "neutrophil": "neutrophils",
    "plt": "platelets",
    "platelet": "platelets",
    "hb": "hemoglobin",
    "hgb": "hemoglobin",
    "haemoglobin": "hemoglobin",
    "corrected_calcium": "calcium_corrected",
    "hypocalcemia": "calcium_corrected_low",
    "hypercalcemia": "calcium_corrected_high",
    "bili": "bilirubin",
    "total_bilirubin": "bilirubin",
    "qtcf": "qtc",
}

_UNIT_ALIASES: dict[str, str] = {
    "x10^9/l": "10^9/L",
    "10e9/l": "10^9/L",
    "10^9/l": "10^9/L",
    "g/l": "g/L",
    "/ul": "/uL",
    "/µl": "/uL",
    "cells/ul": "/uL",
    "/mm3": "/mm3",
    "/mm^3": "/mm3",
    "g/dl": "g/dL",
    "mg/dl": "mg/dL",
    "mmol/l": "mmol/L",
    "umol/l": "umol/L",
    "µmol/l": "umol/L",
    "u/l": "U/L",
    "iu/l": "IU/L",
    "ms": "ms",
}


def tests() -> dict[str, dict[str, Any]]:
    """All lab tests in the CTCAE data file, keyed by canonical name."""
    table: dict[str, dict[str, Any]] = ref.load(_DATA)["tests"]
    return table


#: ``calcium_corrected`` is graded both ways (hypo- and hypercalcaemia).
BOTH_WAYS = {"calcium_corrected": ("calcium_corrected_low", "calcium_corrected_high")}


def canonical_test(name: str) -> str:
    """Canonical test key for a name or alias (``ANC`` -> ``neutrophils``)."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    key = TEST_ALIASES.get(key, key)
    if key not in tests() and key not in BOTH_WAYS:
        known = sorted([*tests(), *BOTH_WAYS])
        raise OutcomesError("test", f"unknown lab test {name!r}; known: {known}")
    return key


def canonical_unit(test: str, unit: str) -> str:
    """Canonical unit string accepted for ``test`` (raises :class:`UnknownUnitError`)."""
    key = canonical_test(test)
    spec = tests()[BOTH_WAYS[key][0] if key in BOTH_WAYS else key]
    u = _UNIT_ALIASES.get(unit.strip().lower(), unit.strip())
    if u not in spec["units"]:
        raise UnknownUnitError(
            "unit", f"{unit!r} is not accepted for {test}; use one of {sorted(spec['units'])}"
        )
    return u


@dataclass(frozen=True)
class LabGrade:
    """The CTCAE v5.0 grade of one laboratory value, with what it was compared to."""

    test: str
    term: str
    value: float
    unit: str
    grade: int
    lln: float | None
    uln: float | None
    baseline: float | None
    rule: str
    notes: tuple[str, ...] = ()
    ctcae_version: str = "5.0"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = list(self.notes)
        return out


def grade_lab(
    test: str,
    value: float,
    unit: str,
    *,
    lln: float | None = None,
    uln: float | None = None,
    baseline: float | None = None,
) -> LabGrade:
    """CTCAE v5.0 grade of a lab value (rules in the module docstring).

    ``lln``/``uln`` are the laboratory's limits in the same unit; when absent
    the typical adult default from the data file is used and a note says so.
    ``baseline`` (same unit) switches on the ALT/AST abnormal-baseline rule
    when it is above ULN, the creatinine x-baseline rule and the QTc change
    rule.

    ``calcium_corrected`` is graded as hypocalcaemia below LLN and as
    hypercalcaemia above ULN (``lln`` and ``uln`` both apply).

    >>> grade_lab("neutrophils", 0.8, "10^9/L").grade
    3
    """
    key = canonical_test(test)
    if key in BOTH_WAYS:
        low_key, high_key = BOTH_WAYS[key]
        high = grade_lab(high_key, value, unit, lln=lln, uln=uln, baseline=baseline)
        if high.grade > 0:
            return high
        return grade_lab(low_key, value, unit, lln=lln, uln=uln, baseline=baseline)
    spec = tests()[key]
    u = canonical_unit(key, unit)
    uspec = spec["units"][u]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OutcomesError("value", f"must be a number, got {value!r}")
    if value < 0:
        raise OutcomesError("value", f"must be >= 0, got {value!r}")
    for name, lim in (("lln", lln), ("uln", uln), ("baseline", baseline)):
        if lim is not None and not lim >= 0:
            raise OutcomesError(name, f"must be >= 0, got {lim!r}")
    notes: list[str] = []
    kind = spec["kind"]
    term = str(spec["term"])

    def out(grade: int, rule: str, lln_: float | None, uln_: float | None) -> LabGrade:
        return LabGrade(key, term, float(value), u, grade, lln_, uln_, baseline, rule, tuple(notes))

    if kind == "decrease":
        if lln is None:
            lln = float(uspec["default_lln"])
            notes.append(f"no LLN given: typical adult LLN {lln:g} {u} used")
        thresholds = [float(t) for t in uspec["thresholds"]]
        if ref.ge(value, lln):
            return out(0, f">= LLN ({lln:g} {u})", lln, None)
        grade = 1
        for t in thresholds:
            if ref.lt(value, t):
                grade += 1
        grade = min(grade, int(spec.get("max_lab_grade", 4)))
        bounds = ", ".join(f"{t:g}" for t in thresholds)
        return out(grade, f"< LLN; grade steps below {bounds} {u}", lln, None)

    if kind == "increase":
        if uln is None:
            uln = float(uspec["default_uln"])
            notes.append(f"no ULN given: typical adult ULN {uln:g} {u} used")
        if ref.le(value, uln):
            return out(0, f"<= ULN ({uln:g} {u})", None, uln)
        grade = 1
        for t in (float(x) for x in uspec["thresholds"]):
            if ref.gt(value, t):
                grade += 1
        bounds = ", ".join(f">{float(t):g}" for t in uspec["thresholds"])
        return out(grade, f"> ULN; grade steps at {bounds} {u}", None, uln)

    if kind == "uln_ratio":
        if uln is None:
            uln = float(uspec["default_uln"])
            notes.append(f"no ULN given: typical adult ULN {uln:g} {u} used")
        if uln <= 0:
            raise OutcomesError("uln", f"must be > 0, got {uln!r}")
        if baseline is not None and "abnormal_baseline_factors" in spec and ref.gt(baseline, uln):
            if baseline <= 0:
                raise OutcomesError("baseline", "must be > 0")
            f = [float(x) for x in spec["abnormal_baseline_factors"]]
            grade = 0
            if ref.ge(value, f[0] * baseline):
                grade = 1
            for g, factor in enumerate(f[1:], start=2):
                if ref.gt(value, factor * baseline):
                    grade = g
            notes.append("baseline abnormal (> ULN): graded against baseline")
            return out(grade, "x baseline: G1 1.5-3.0, G2 >3-5, G3 >5-20, G4 >20", None, uln)
        grade = 1 if ref.gt(value, uln) else 0
        for g, factor in enumerate(spec["factors"], start=2):
            if ref.gt(value, float(factor) * uln):
                grade = g
        rule = "x ULN: G1 >ULN, then >" + ", >".join(f"{float(x):g}" for x in spec["factors"])
        if baseline is not None and "baseline_factors" in spec and baseline > 0:
            bgrade = 0
            for g, factor in enumerate(spec["baseline_factors"], start=2):
                if ref.gt(value, float(factor) * baseline):
                    bgrade = g
            if bgrade > grade:
                notes.append(f"grade {bgrade} from the x-baseline rule")
                grade = bgrade
        return out(grade, rule, None, uln)

    if kind == "qtc":
        grade = 0
        if ref.ge(value, float(spec["g1_min"])):
            grade = 1
        if ref.gt(value, float(spec["g2_above"])):
            grade = 2
        if ref.gt(value, float(spec["g3_above"])):
            grade = 3
        if baseline is not None and ref.gt(value - baseline, float(spec["g3_change_above"])):
            grade = 3
            notes.append("> 60 ms change from baseline")
        return out(grade, "QTc: G1 450-480, G2 481-500, G3 >=501 ms or >60 ms change", None, None)

    raise AssertionError(f"unknown CTCAE kind {kind!r}")  # pragma: no cover


def corrected_calcium_mg_dl(total_calcium_mg_dl: float, albumin_g_dl: float) -> float:
    """Albumin-corrected calcium (Payne 1973): ``Ca + 0.8 x (4.0 - albumin)``
    in mg/dL with albumin in g/dL. [U: standard formula, not re-read]"""
    if not total_calcium_mg_dl > 0:
        raise OutcomesError("total_calcium_mg_dl", "must be > 0")
    if not albumin_g_dl > 0:
        raise OutcomesError("albumin_g_dl", "must be > 0")
    return total_calcium_mg_dl + 0.8 * (4.0 - albumin_g_dl)


@dataclass(frozen=True)
class GradedEvent:
    """One graded adverse event (recorded, or derived from a lab value)."""

    patient_id: str
    term: str
    grade: int
    date: dt.date
    attribution: str = "unknown"
    source: str = "recorded"  # "recorded" or "lab"


def max_grades(
    events: Iterable[GradedEvent],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    attributions: frozenset[str] | None = None,
) -> dict[tuple[str, str], int]:
    """Maximum grade per (patient, term) within ``[start, end]`` (inclusive).

    ``attributions`` keeps only events whose attribution is in the set
    (``None`` keeps all). Grade 0 events are ignored. This is the "maximum
    grade per patient per term within the window" used by the net clinical
    benefit (domain.md §4.1 notes, §8).
    """
    out: dict[tuple[str, str], int] = {}
    for e in events:
        if e.grade < 1:
            continue
        if start is not None and e.date < start:
            continue
        if end is not None and e.date > end:
            continue
        if attributions is not None and e.attribution not in attributions:
            continue
        key = (e.patient_id, e.term)
        out[key] = max(out.get(key, 0), e.grade)
    return out


def max_grade_per_patient(per_term: dict[tuple[str, str], int]) -> dict[str, int]:
    """Collapse :func:`max_grades` to the worst grade of any term per patient."""
    out: dict[str, int] = {}
    for (pid, _term), g in per_term.items():
        out[pid] = max(out.get(pid, 0), g)
    return out
