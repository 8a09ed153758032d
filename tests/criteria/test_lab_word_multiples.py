# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0, lab limits: a multiple written as a word ("twice", "three times") is a
limit; a parenthesised figure takes its operator and its condition from the limit it
qualifies; a figure in a parenthesis that exempts is no limit of its own; "X (ALT)/Y (AST)"
and "transaminases (ALT, AST)" name both analytes. Every text is real snapshot text."""

from __future__ import annotations

from typing import Any

from tests.criteria.conftest import fam

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


def _limits(text: str, kind: str = "inclusion") -> list[tuple[Any, ...]]:
    return sorted(
        (
            c.params["analyte"],
            c.params["op"],
            c.params.get("uln_multiple", c.params.get("value")),
            tuple(c.logic.conditions),
            c.polarity,
        )
        for c in fam(text, "lab", kind)
    )


def test_twice_and_three_times_the_upper_limit() -> None:
    assert _limits(
        "Aspartate amino transferase (AST) or alanine amino transferase (ALT) greater than three times the upper limit of normal.",
        "exclusion",
    ) == [("alt", ">", 3.0, (), "exclude"), ("ast", ">", 3.0, (), "exclude")]
    assert _limits(
        "Serum alanine aminotransferase (ALT)/aspartate aminotransferase (AST) less than two times the upper limit of normal."
    ) == [("alt", "<", 2.0, (), "require"), ("ast", "<", 2.0, (), "require")]


def test_an_exempting_parenthesis_is_no_limit() -> None:
    # read as a limit, "< 2 x ULN" in an exclusion excluded every patient with normal values
    text = "Fasting SGOT, SGPT, GGT, or bilirubin greater than twice the upper limit of normal (a subject will not be excluded if a second measurement is less than twice the upper limit of normal)"
    limits = _limits(text, "exclusion")
    assert {a for a, *_ in limits} == {"ast", "alt", "ggt", "bilirubin"}
    assert all(op == ">" and value == 2.0 for _a, op, value, _c, _p in limits)
    (bilirubin,) = [c for c in fam(text, "lab", "exclusion") if c.params["analyte"] == "bilirubin"]
    assert bilirubin.logic.exceptions and "second measurement" in bilirubin.logic.exceptions[0]


def test_a_parenthesised_figure_takes_the_operator_and_its_own_condition() -> None:
    # "(three times ... for patients with hereditary benign hyperbilirubinaemia)": Gilbert
    # syndrome by another name, not the liver metastases named later in the sentence
    limits = _limits(
        "The patient must have adequate liver function defined as serum bilirubin less than or equal to 1.5 times the upper limit of normal (three times the upper limit of normal for patients with hereditary benign hyperbilirubinaemia), transaminases (ALT, AST) less than or equal to 2.5 times the upper limit of normal in patients without liver metastasis or less than or equal to 5 times the upper limit of normal in patients with liver metastasis."
    )
    assert ("bilirubin", "<=", 3.0, ("gilbert_syndrome",), "require") in limits
    assert ("bilirubin", "<=", 1.5, (), "require") in limits
    assert ("alt", "<=", 2.5, (), "require") in limits  # "transaminases (ALT, AST)"
    assert ("ast", "<=", 5.0, ("liver_metastases",), "require") in limits
    # no operator written in the parenthesis: that of the limit, not a lost symbol
    (gilbert,) = [
        c
        for c in fam(
            "Bilirubin =< 1.5 mg/dL (3 mg/dL in the presence of Gilbert's disease provided direct bilirubin is normal)",
            "lab",
        )
        if c.params.get("value") == 3.0
    ]
    assert gilbert.params["op"] == "<=" and "symbol_lost" not in gilbert.params


def test_a_range_keeps_its_reading() -> None:
    # "greater than ULN to 1.5 x ULN" is a range, not a parenthesised alternative: the
    # operator of the first figure is not carried over
    limits = _limits(
        "total bilirubin must be less than or equal to ULN for the lab unless the patient has a grade 1 bilirubin elevation (greater than ULN to 1.5 x ULN) due to Gilbert's disease or similar syndrome due to slow conjugation of bilirubin"
    )
    assert all(not (value == 1.5 and op == ">") for _a, op, value, _c, _p in limits), limits


def test_names_in_a_parenthesis_and_after_a_slash() -> None:
    # "liver enzymes (AST, ALT, or alkaline phosphatase) < 2 x ULN": all three, AST too
    limits = _limits(
        "Must have adequate renal and hepatic function documented by a serum creatinine < 1.5 x the institutional upper limit of normal (ULN), serum bilirubin <1.5 x ULN and liver enzymes (AST, ALT, or alkaline phosphatase) < 2 x ULN (< 5 x ULN if hepatic metastasis) within 21 days prior to registration."
    )
    for analyte in ("ast", "alt", "alp"):
        assert (analyte, "<", 2.0, (), "require") in limits
        assert (analyte, "<", 5.0, ("liver_metastases",), "require") in limits
    assert _limits("AST(SGOT)/ALT(SGPT) ≤ 3.0 x IULN") == [
        ("alt", "<=", 3.0, (), "require"),
        ("ast", "<=", 3.0, (), "require"),
    ]


def test_a_grade_range_gives_only_its_upper_end() -> None:
    # "(greater than ULN to 1.5 x ULN)": read as a requirement of > ULN it failed every
    # patient with a normal bilirubin
    limits = _limits(
        "total bilirubin must be less than or equal to ULN for the lab unless the patient has a grade 1 bilirubin elevation (greater than ULN to 1.5 x ULN) due to Gilbert's disease or similar syndrome due to slow conjugation of bilirubin; and"
    )
    assert limits == [
        ("bilirubin", "<=", 1.0, (), "require"),
        ("bilirubin", "<=", 1.5, ("gilbert_syndrome",), "require"),
    ]


def test_whom_a_rule_is_for_is_no_limit() -> None:
    # "for individuals with total bilirubin levels > 1.5 x IULN" says whom the direct
    # bilirubin rule is for; read as a limit it failed every patient with a normal value
    limits = _limits(
        "Total bilirubin ≤ 1.5 x IULN OR direct bilirubin ≤ IULN for individuals with total bilirubin levels \\> 1.5 x IULN (assessed at primary \\[post pre-screening\\] screening, or by the time that study intervention commences)"
    )
    assert limits == [
        ("bilirubin", "<=", 1.5, (), "require"),
        ("direct_bilirubin", "<=", 1.0, (), "require"),
    ]
    creatinine = _limits(
        "Creatinine is ≤ 1.5 x upper limit of normal (ULN) or if creatinine is \\> 1.5 x ULN, then creatinine clearance must be ≥50 milliliters/minute based on the Cockcroft-Gault formula. Note: C-G formula:"
    )
    assert all(op != ">" for _a, op, *_ in creatinine), creatinine


def test_the_limit_of_a_subgroup_stays() -> None:
    # "who may be included if the total serum bilirubin is <= 3.0 x ULN": Gilbert's limit
    limits = _limits(
        "Total serum bilirubin \\<1.5 × ULN except for participants with Gilbert's syndrome who may be included if the total serum bilirubin is ≤3.0 × ULN or direct bilirubin ≤ 1.5 × ULN."
    )
    assert ("bilirubin", "<=", 3.0, ("gilbert_syndrome",), "require") in limits


def test_an_alternative_whose_limit_is_lost_keeps_a_failure_open() -> None:
    # "OR creatinine clearance >= mL/min" (the figure lost): a patient with a high
    # creatinine may meet the alternative, so the creatinine limit is checked by hand
    (c,) = fam(
        "Creatinine within normal institutional limits OR creatinine clearance >= mL/min/1.73 m^2 for patients with creatinine levels above institutional normal",
        "lab",
    )
    assert c.params["analyte"] == "creatinine" and c.confidence < MIN_CONFIDENCE_FOR_NOT_MET
