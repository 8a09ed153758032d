# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: "normal" inside a limit is no "within normal limits" rule. "greater than
three times the upper limit of normal", "above normal", "outside normal reference range"
had each added a rule excluding patients whose value is at most the upper limit, i.e.
every patient with normal values. Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.model.criteria import Constraint


def uln_at_most_one(cs: list[Constraint]) -> list[Constraint]:
    return [
        c
        for c in cs
        if c.params.get("relative_to") == "ULN"
        and c.params.get("op") in ("<", "<=")
        and c.params.get("uln_multiple") == 1.0
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Aspartate amino transferase (AST) or alanine amino transferase (ALT) greater than three times the upper limit of normal.",
        "Serum creatinine greater than 1.5 times of the upper normal limit.",
        "Sodium or potassium outside normal reference range for site",
        "Liver disease (bilirubin greater than 2.0mg/dL; AST/ALT greater than 2 times the upper limit or normal)",
    ],
)
def test_normal_inside_a_limit_excludes_no_normal_value(text: str) -> None:
    assert not uln_at_most_one(fam(text, "lab", "exclusion"))


def test_times_normal_values_is_a_multiple_of_the_upper_limit() -> None:
    cs = fam(
        "Patients with abnormal liver: ALT/AST > 2 times normal values; bilirubin > 1.5 time normal values.",
        "lab",
        "exclusion",
    )
    got = {(c.params["analyte"], c.params.get("op"), c.params.get("uln_multiple")) for c in cs}
    assert got == {("ast", ">", 2.0), ("alt", ">", 2.0), ("bilirubin", ">", 1.5)}


def test_above_normal_is_above_the_upper_limit() -> None:
    (c,) = fam(
        "Patients with systemic lupus erythematosis, scleroderma, or dermatomyositis with a CPK level above normal or with an active skin rash.",
        "lab",
        "exclusion",
    )
    assert (c.params["analyte"], c.params["op"], c.params["uln_multiple"]) == ("ck", ">", 1.0)


@pytest.mark.parametrize(
    ("text", "analyte"),
    [
        (
            "L. Total bilirubin within the institution limits of normal OR patients with Gilbert's syndrome, a total bilirubin less than or equal to 3.0",
            "bilirubin",
        ),
        ("Potassium (K) levels normal limits", "potassium"),
        (
            "Hepatic: aspartate aminotransferase (AST) <2.5 x upper limit of normal; alanine aminotransferase (ALT) <2.5 x upper limit of normal; Bilirubin within the normal limit.",
            "bilirubin",
        ),
    ],
)
def test_within_normal_limits_stays(text: str, analyte: str) -> None:
    cs = [c for c in fam(text, "lab") if c.params.get("analyte") == analyte]
    assert uln_at_most_one(cs) and all(c.polarity == "require" for c in uln_at_most_one(cs))
