"""CTCAE v5.0 lab grading exactly at each boundary (domain.md §4.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from osteotrials.outcomes import ctcae
from osteotrials.outcomes.errors import OutcomesError, UnknownUnitError


def g(test: str, value: float, unit: str, **kw: float) -> int:
    return ctcae.grade_lab(test, value, unit, **kw).grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (2.0, 0),
        (1.99, 1),
        (1.5, 1),
        (1.49, 2),
        (1.0, 2),
        (0.99, 3),
        (0.8, 3),
        (0.5, 3),
        (0.49, 4),
        (0.0, 4),
    ],
)
def test_neutrophils_10e9(value: float, grade: int) -> None:
    assert g("neutrophils", value, "10^9/L", lln=2.0) == grade


@pytest.mark.parametrize(
    ("value", "grade"), [(1500, 1), (1499, 2), (1000, 2), (999, 3), (500, 3), (499, 4)]
)
def test_neutrophils_per_mm3(value: float, grade: int) -> None:
    assert g("ANC", value, "/mm3", lln=2000) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(150, 0), (149, 1), (75, 1), (74.9, 2), (50, 2), (49.9, 3), (25, 3), (24.9, 4)],
)
def test_platelets(value: float, grade: int) -> None:
    assert g("platelets", value, "10^9/L", lln=150) == grade


@pytest.mark.parametrize(
    ("value", "unit", "grade"),
    [
        (12.0, "g/dL", 0),
        (11.9, "g/dL", 1),
        (10.0, "g/dL", 1),
        (9.9, "g/dL", 2),
        (8.0, "g/dL", 2),
        (7.9, "g/dL", 3),
        (4.0, "g/dL", 3),  # G4 anaemia is clinical, never from the number
        (100, "g/L", 1),
        (99, "g/L", 2),
        (80, "g/L", 2),
        (79, "g/L", 3),
        (6.2, "mmol/L", 1),
        (6.1, "mmol/L", 2),
        (4.9, "mmol/L", 2),
        (4.8, "mmol/L", 3),
    ],
)
def test_hemoglobin(value: float, unit: str, grade: int) -> None:
    lln = {"g/dL": 12.0, "g/L": 120, "mmol/L": 7.4}[unit]
    assert g("hemoglobin", value, unit, lln=lln) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(8.5, 0), (8.4, 1), (8.0, 1), (7.9, 2), (7.0, 2), (6.9, 3), (6.0, 3), (5.9, 4)],
)
def test_hypocalcemia_mg_dl(value: float, grade: int) -> None:
    assert g("calcium_corrected", value, "mg/dL", lln=8.5) == grade


@pytest.mark.parametrize(
    ("value", "grade"), [(2.0, 1), (1.99, 2), (1.75, 2), (1.74, 3), (1.5, 3), (1.49, 4)]
)
def test_hypocalcemia_mmol(value: float, grade: int) -> None:
    assert g("calcium_corrected", value, "mmol/L", lln=2.12) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(40, 0), (41, 1), (120, 1), (121, 2), (200, 2), (201, 3), (800, 3), (801, 4)],
)
def test_alt_normal_baseline(value: float, grade: int) -> None:
    # ULN 40: G1 >40-120, G2 >120-200, G3 >200-800, G4 >800
    assert g("alt", value, "U/L", uln=40) == grade
    assert g("ast", value, "U/L", uln=40, baseline=30) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(89, 0), (90, 1), (180, 1), (181, 2), (300, 2), (301, 3), (1200, 3), (1201, 4)],
)
def test_alt_abnormal_baseline(value: float, grade: int) -> None:
    # baseline 60 > ULN 40: G1 1.5-3.0 x 60 = 90-180, G2 >180-300, G3 >300-1200, G4 >1200
    r = ctcae.grade_lab("alt", value, "U/L", uln=40, baseline=60)
    assert r.grade == grade
    assert any("baseline abnormal" in n for n in r.notes)


@pytest.mark.parametrize(
    ("value", "grade"),
    [(1.2, 0), (1.21, 1), (1.8, 1), (1.81, 2), (3.6, 2), (3.61, 3), (12.0, 3), (12.01, 4)],
)
def test_bilirubin(value: float, grade: int) -> None:
    assert g("bilirubin", value, "mg/dL", uln=1.2) == grade


@pytest.mark.parametrize(
    ("value", "grade"),
    [(1.0, 0), (1.01, 1), (1.5, 1), (1.51, 2), (3.0, 2), (3.01, 3), (6.0, 3), (6.01, 4)],
)
def test_creatinine_uln(value: float, grade: int) -> None:
    assert g("creatinine", value, "mg/dL", uln=1.0) == grade


def test_creatinine_baseline_rule() -> None:
    # 1.4 is G1 by ULN 1.0 but > 1.5 x baseline 0.9 (1.35): G2
    assert g("creatinine", 1.4, "mg/dL", uln=1.0, baseline=0.9) == 2
    assert g("creatinine", 1.35, "mg/dL", uln=1.0, baseline=0.9) == 1
    # > 3 x baseline 0.6 = 1.8 -> G3
    assert g("creatinine", 1.81, "mg/dL", uln=1.0, baseline=0.6) == 3


@pytest.mark.parametrize(
    ("value", "grade"), [(449, 0), (450, 1), (480, 1), (481, 2), (500, 2), (501, 3), (560, 3)]
)
def test_qtc(value: float, grade: int) -> None:
    assert g("qtc", value, "ms") == grade


def test_qtc_change_from_baseline() -> None:
    assert g("qtc", 470, "ms", baseline=410) == 1  # +60: not > 60
    assert g("qtc", 471, "ms", baseline=410) == 3  # +61


def test_default_limits_are_reported() -> None:
    r = ctcae.grade_lab("neutrophils", 0.8, "10^9/L")
    assert r.grade == 3
    assert r.notes and "LLN" in r.notes[0]
    assert r.term == "Neutrophil count decreased"


def test_errors() -> None:
    with pytest.raises(UnknownUnitError) as e:
        ctcae.grade_lab("neutrophils", 0.8, "mg/dL")
    assert e.value.field == "unit"
    with pytest.raises(OutcomesError) as e2:
        ctcae.grade_lab("sodium", 130, "mmol/L")
    assert e2.value.field == "test"
    with pytest.raises(OutcomesError) as e3:
        ctcae.grade_lab("platelets", -1, "10^9/L")
    assert e3.value.field == "value"


def test_corrected_calcium() -> None:
    # 8.0 + 0.8 * (4.0 - 2.5) = 9.2
    assert ctcae.corrected_calcium_mg_dl(8.0, 2.5) == pytest.approx(9.2)


def test_max_grades_window_and_attribution() -> None:
    d = dt.date
    events = [
        ctcae.GradedEvent("p1", "Diarrhea", 2, d(2024, 1, 10), "cdk46i"),
        ctcae.GradedEvent("p1", "Diarrhea", 3, d(2024, 5, 1), "cdk46i"),  # outside window
        ctcae.GradedEvent("p1", "Fatigue", 1, d(2024, 1, 5), "rt"),
        ctcae.GradedEvent("p2", "Anemia", 3, d(2024, 1, 20), "unrelated"),
        ctcae.GradedEvent("p2", "Anemia", 0, d(2024, 1, 21), "rt"),
    ]
    mg = ctcae.max_grades(events, start=d(2024, 1, 1), end=d(2024, 3, 31))
    assert mg == {("p1", "Diarrhea"): 2, ("p1", "Fatigue"): 1, ("p2", "Anemia"): 3}
    related = ctcae.max_grades(
        events, start=d(2024, 1, 1), end=d(2024, 3, 31), attributions=frozenset({"rt", "cdk46i"})
    )
    assert ("p2", "Anemia") not in related
    assert ctcae.max_grade_per_patient(mg) == {"p1": 2, "p2": 3}


@pytest.mark.parametrize(
    ("value", "grade", "term"),
    [
        (8.4, 1, "Hypocalcemia"),
        (10.5, 0, "Hypocalcemia"),  # in range: graded 0 (reported under the low term)
        (10.6, 1, "Hypercalcemia"),
        (11.5, 1, "Hypercalcemia"),
        (11.6, 2, "Hypercalcemia"),
        (12.5, 2, "Hypercalcemia"),
        (12.6, 3, "Hypercalcemia"),
        (13.5, 3, "Hypercalcemia"),
        (13.6, 4, "Hypercalcemia"),
    ],
)
def test_corrected_calcium_both_ways_mg_dl(value: float, grade: int, term: str) -> None:
    r = ctcae.grade_lab("calcium_corrected", value, "mg/dL", lln=8.5, uln=10.5)
    assert (r.grade, r.term) == (grade, term)


@pytest.mark.parametrize(
    ("value", "grade"), [(2.6, 0), (2.9, 1), (2.91, 2), (3.1, 2), (3.11, 3), (3.4, 3), (3.41, 4)]
)
def test_hypercalcemia_mmol(value: float, grade: int) -> None:
    assert g("hypercalcemia", value, "mmol/L", uln=2.6) == grade
