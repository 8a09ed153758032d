"""Lab vocabulary: analyte synonyms, unit conversion (domain.md 1.6), reference ranges."""

from __future__ import annotations

import math

import pytest

from osteotrials.vocab import labs


@pytest.mark.parametrize(
    ("name", "analyte"),
    [
        ("absolute neutrophil count", "anc"),
        ("ANC", "anc"),
        ("Absolute granulocyte count", "anc"),
        ("SGOT", "ast"),
        ("serum glutamic oxaloacetic transaminase", "ast"),
        ("serum glutamic-pyruvic transaminase", "alt"),
        ("AST (SGOT)", "ast"),
        ("Hgb", "hemoglobin"),
        ("haemoglobin", "hemoglobin"),
        ("platelet count", "platelets"),
        ("total bilirubin", "bilirubin"),
        ("serum creatinine", "creatinine"),
        ("creatinine clearance", "crcl"),
        ("alkaline phosphatase", "alp"),
        ("corrected serum calcium", "calcium"),
        ("QTcF", "qtc"),
        ("left ventricular ejection fraction", "lvef"),
        ("HbA1c", "hba1c"),
        ("fasting plasma glucose", "glucose"),
        ("INR", "inr"),
        ("aPTT", "ptt"),
        ("serum albumin", "albumin"),
        ("WBC", "wbc"),
    ],
)
def test_normalise_analyte(name: str, analyte: str) -> None:
    assert labs.normalise_analyte(name) == analyte


@pytest.mark.parametrize("name", ["tumour size", "ECOG", "", "pregnancy test"])
def test_unknown_analytes(name: str) -> None:
    assert labs.normalise_analyte(name) is None


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "expected"),
    [
        ("anc", 1500, "/uL", 1.5),
        ("anc", 1500, "/µL", 1.5),
        ("anc", 1500, "cells/mm³", 1.5),
        ("anc", 1.5, "x 10^9/L", 1.5),
        ("anc", 1.5, "× 10⁹/L".replace("⁹", "9"), 1.5),
        ("platelets", 100000, "/mm^3", 100.0),
        ("platelets", 100, "x10^3/uL", 100.0),
        ("platelets", 10, "x 10^4/µL", 100.0),
        ("hemoglobin", 9, "g/dL", 90.0),
        ("hemoglobin", 90, "g/L", 90.0),
        ("creatinine", 1.5, "mg/dL", 132.6),
        ("creatinine", 133, "µmol/L", 133.0),
        ("bilirubin", 1.5, "mg/dL", 25.65),
        ("calcium", 10, "mg/dL", 2.495),
        ("albumin", 3.0, "g/dL", 30.0),
        ("crcl", 60, "mL/min", 60.0),
        ("qtc", 470, "msec", 470.0),
        ("lvef", 50, "%", 50.0),
    ],
)
def test_to_canonical(analyte: str, value: float, unit: str, expected: float) -> None:
    assert math.isclose(labs.to_canonical(analyte, value, unit), expected, rel_tol=1e-9)


def test_canonical_units() -> None:
    assert labs.canonical_unit("anc") == "10^9/L"
    assert labs.canonical_unit("creatinine") == "umol/L"
    assert labs.canonical_unit("hemoglobin") == "g/L"
    with pytest.raises(labs.UnitError):
        labs.canonical_unit("nonsense")


@pytest.mark.parametrize(
    ("analyte", "unit"),
    [("creatinine", "xULN"), ("hemoglobin", "/uL"), ("anc", "g/dL"), ("bilirubin", "furlongs")],
)
def test_incompatible_units_raise_unit_error_naming_both(analyte: str, unit: str) -> None:
    with pytest.raises(labs.UnitError) as err:
        labs.to_canonical(analyte, 1.0, unit)
    assert analyte in str(err.value) and unit in str(err.value)
    assert isinstance(err.value, ValueError)


def test_unknown_analyte_raises() -> None:
    with pytest.raises(labs.UnitError, match="zzz"):
        labs.to_canonical("zzz", 1.0, "mg/dL")


def test_reference_ranges_are_in_canonical_units_and_documented() -> None:
    for analyte in labs.analyte_ids():
        ref = labs.reference_range(analyte)
        assert ref.source, analyte
        if ref.lln is not None and ref.uln is not None:
            assert ref.lln <= ref.uln, analyte
    # ULN of AST/ALT ~ 40 U/L, bilirubin ~ 21 umol/L (1.2 mg/dL)
    assert labs.reference_range("ast").uln == 40.0
    assert math.isclose(labs.reference_range("bilirubin").uln or 0, 1.2 * 17.1, rel_tol=0.05)


def test_required_analytes_present() -> None:
    required = {
        "anc",
        "wbc",
        "platelets",
        "hemoglobin",
        "bilirubin",
        "direct_bilirubin",
        "ast",
        "alt",
        "alp",
        "creatinine",
        "crcl",
        "egfr",
        "albumin",
        "calcium",
        "inr",
        "ptt",
        "glucose",
        "hba1c",
        "potassium",
        "magnesium",
        "lvef",
        "qtc",
    }
    assert required <= labs.analyte_ids()
    assert labs.version()
