"""Bone-modifying agents: Cockcroft-Gault, zoledronic-acid dose, schedule
adherence, skeletal-related events (SRE).

Sources: domain.md §1.6 (Cockcroft-Gault) and §6 (ZA label renal table,
CALGB 70604 / OPTIMIZE-2 / ZOOM schedules, SRE definition).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError

_DATA = "bone_agents.yaml"
WeightBasis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["F", "M"]


def ideal_body_weight_kg(height_cm: float, sex: Sex) -> float:
    """Devine ideal body weight: 50 kg (men) or 45.5 kg (women) + 2.3 kg per
    inch over 5 feet. [U: standard formula, not re-read]"""
    if not height_cm > 0:
        raise OutcomesError("height_cm", f"must be > 0, got {height_cm!r}")
    inches_over_60 = height_cm / 2.54 - 60
    return (50.0 if sex == "M" else 45.5) + 2.3 * inches_over_60


def cockcroft_gault(
    age_years: float,
    weight_kg: float,
    serum_creatinine: float,
    sex: Sex,
    creatinine_unit: Literal["mg/dL", "umol/L"] = "mg/dL",
    weight_basis: WeightBasis = "actual",
    height_cm: float | None = None,
) -> float:
    """Creatinine clearance (mL/min) by Cockcroft-Gault (Nephron 1976;16:31).

    ``CrCl = (140 - age) x weight / (72 x SCr[mg/dL])``, x 0.85 for women.
    SI form: ``(140 - age) x weight x 1.23 (men) or 1.04 (women) / SCr[umol/L]``.
    Weight: ``actual`` (default), ``ideal`` (Devine) or ``adjusted`` =
    IBW + 0.4 (TBW - IBW); the last two need ``height_cm``. Not BSA-indexed.
    Source: domain.md §1.6.

    A 60-year-old woman, 70 kg, creatinine 1.0 mg/dL: (80 x 70)/(72 x 1.0) x 0.85
    = 66.1 mL/min.
    """
    if sex not in ("F", "M"):
        raise OutcomesError("sex", f"must be 'F' or 'M', got {sex!r}")
    if not 0 < age_years < 140:
        raise OutcomesError("age_years", f"must be between 0 and 140, got {age_years!r}")
    if not weight_kg > 0:
        raise OutcomesError("weight_kg", f"must be > 0, got {weight_kg!r}")
    if not serum_creatinine > 0:
        raise OutcomesError("serum_creatinine", f"must be > 0, got {serum_creatinine!r}")
    weight = weight_kg
    if weight_basis != "actual":
        if height_cm is None:
            raise OutcomesError("height_cm", f"is needed for weight_basis={weight_basis!r}")
        ibw = ideal_body_weight_kg(height_cm, sex)
        weight = ibw if weight_basis == "ideal" else ibw + 0.4 * (weight_kg - ibw)
    if creatinine_unit == "mg/dL":
        crcl = (140 - age_years) * weight / (72 * serum_creatinine)
        return crcl * 0.85 if sex == "F" else crcl
    if creatinine_unit == "umol/L":
        return (140 - age_years) * weight * (1.04 if sex == "F" else 1.23) / serum_creatinine
    raise OutcomesError("creatinine_unit", f"must be 'mg/dL' or 'umol/L', got {creatinine_unit!r}")


@dataclass(frozen=True)
class ZADose:
    """Zoledronic-acid dose for a creatinine clearance."""

    crcl_ml_min: float
    dose_mg: float | None
    recommended: bool
    band: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def zoledronic_acid_dose(crcl_ml_min: float) -> ZADose:
    """Label dose of zoledronic acid (mg) for bone metastases by CrCl (mL/min).

    ========== =======
    CrCl        dose
    ========== =======
    > 60        4.0 mg
    50 - 60     3.5 mg
    40 - 49     3.3 mg
    30 - 39     3.0 mg
    < 30        not recommended (``dose_mg = None``)
    ========== =======

    Between the label's integer bands, CrCl 49.5 counts as 40-49 (3.3 mg)
    and 39.5 as 30-39. Source: Zometa label table (domain.md §6).
    """
    if not crcl_ml_min >= 0:
        raise OutcomesError("crcl", f"must be >= 0 mL/min, got {crcl_ml_min!r}")
    cfg = ref.load(_DATA)["zoledronic_acid"]
    for band in cfg["renal_bands"]:
        lo = float(band["min"])
        lo_ok = ref.ge(crcl_ml_min, lo) if band.get("min_inclusive") else ref.gt(crcl_ml_min, lo)
        hi = band.get("max")
        if hi is None:
            hi_ok = True
        elif band.get("max_inclusive"):
            hi_ok = ref.le(crcl_ml_min, float(hi))
        else:
            hi_ok = ref.lt(crcl_ml_min, float(hi))
        if lo_ok and hi_ok:
            return ZADose(
                crcl_ml_min, float(band["dose_mg"]), True, str(band["label"]), cfg["source"]
            )
    below = float(cfg["not_recommended_below"])
    return ZADose(crcl_ml_min, None, False, f"<{below:g} mL/min: not recommended", cfg["source"])


@dataclass(frozen=True)
class Adherence:
    """Schedule adherence of a series of bone-agent administrations.

    ``dose_adherence = received / expected`` (capped at 1), where
    ``expected = floor(follow-up days / interval) + 1`` doses from the first
    dose to the end of follow-up; ``on_time_fraction`` = share of intervals
    between consecutive doses within interval +/- tolerance days.
    """

    schedule: str
    interval_days: int
    tolerance_days: int
    doses_received: int
    doses_expected: int
    dose_adherence: float
    intervals: tuple[int, ...]
    on_time_intervals: int
    on_time_fraction: float | None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["intervals"] = list(self.intervals)
        return out


def schedule_adherence(
    dose_dates: Sequence[dt.date], schedule: str, end_of_followup: dt.date
) -> Adherence:
    """Adherence to a q4w or q12w schedule (intervals in ``bone_agents.yaml``;
    CALGB 70604, OPTIMIZE-2, ZOOM compared q4w with q12w, domain.md §6)."""
    schedules = ref.load(_DATA)["schedules"]
    if schedule not in schedules:
        raise OutcomesError("schedule", f"must be one of {sorted(schedules)}, got {schedule!r}")
    if not dose_dates:
        raise OutcomesError("dose_dates", "needs at least one administration date")
    dates = sorted(dose_dates)
    if end_of_followup < dates[-1]:
        raise OutcomesError("end_of_followup", "is before the last administration")
    interval = int(schedules[schedule]["interval_days"])
    tol = int(schedules[schedule]["tolerance_days"])
    expected = (end_of_followup - dates[0]).days // interval + 1
    gaps = tuple((b - a).days for a, b in itertools.pairwise(dates))
    on_time = sum(1 for g in gaps if abs(g - interval) <= tol)
    return Adherence(
        schedule=schedule,
        interval_days=interval,
        tolerance_days=tol,
        doses_received=len(dates),
        doses_expected=expected,
        dose_adherence=min(1.0, len(dates) / expected),
        intervals=gaps,
        on_time_intervals=on_time,
        on_time_fraction=(on_time / len(gaps)) if gaps else None,
    )


def sre_event_types(include_hypercalcemia: bool = False) -> frozenset[str]:
    """Event types counted as skeletal-related events.

    SRE = pathologic fracture, spinal cord compression, radiation to bone or
    surgery to bone; hypercalcemia of malignancy only when asked
    (domain.md §6: S for the four, U for hypercalcemia).
    """
    cfg = ref.load(_DATA)["sre"]
    types = set(cfg["event_types"])
    if include_hypercalcemia:
        types |= set(cfg["optional_event_types"])
    return frozenset(types)


@dataclass(frozen=True)
class TimeToEvent:
    """Time (days) from an index date to the first event, or censoring."""

    days: int
    event: bool


def time_to_first(
    index_date: dt.date,
    event_dates: Iterable[dt.date],
    censor_date: dt.date,
) -> TimeToEvent:
    """Time to the first event strictly after ``index_date``; censored at
    ``censor_date`` (end of follow-up or death) when no event happened."""
    after = sorted(d for d in event_dates if d > index_date and d <= censor_date)
    if after:
        return TimeToEvent((after[0] - index_date).days, True)
    if censor_date < index_date:
        raise OutcomesError("censor_date", "is before the index date")
    return TimeToEvent((censor_date - index_date).days, False)


def skeletal_morbidity_rate(n_events: int, person_days: float) -> float | None:
    """Skeletal morbidity rate = SREs per patient-year (days / 365.25)."""
    if person_days <= 0:
        return None
    return n_events / (person_days / 365.25)
