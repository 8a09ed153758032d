# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.0: lab limits whose symbol was lost or written in words the parser did not
know. "Platelet count = 100,000/µl" and "greater than/equal to 1200/mm3" had been read as
equalities, which no patient meets; a figure far beyond any real value ("Platelets ≥
100,000 x 10^9/L": the unit written wrong) had been compared as it stands. Real snapshot
text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("Absolute neutrophil count (ANC) must be greater than/equal to 1200/mm3.", ">="),
        ("Hemoglobin must be greater than/equal to 10 g/dL.", ">="),
        ("Serum creatinine less than/equal to ULN for the lab.", "<="),
        (
            "Absolute neutrophil count (ANC) > than or equal to 1500/µL and platelet count > than or equal to 100,000/µL",
            ">=",
        ),
    ],
)
def test_operators_in_words(text: str, op: str) -> None:
    rules = fam(text, "lab")
    assert rules and all(c.params["op"] == op for c in rules)
    assert all(c.confidence >= MIN_CONFIDENCE_FOR_NOT_MET for c in rules)


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("Platelet count = 100,000/µl", ">="),
        ("Total bilirubin =1.5 x the upper limit of normal.", "<="),
        ("platelets >or = 75,000/microliter", ">="),
    ],
)
def test_an_equality_is_a_lost_symbol(text: str, op: str) -> None:
    (c,) = fam(text, "lab")
    assert c.params["op"] == op and c.params["symbol_lost"] is True
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Platelets ≥ 100,000 x 10\\^9/L", "inclusion"),
        ("Neutrophil count < 555 x 109/l", "exclusion"),
        (
            "Renal function: creatinine <= 175 mmol/l (2 mg/dl); creatinine clearance >= 60 ml/min.",
            "inclusion",
        ),
    ],
)
def test_an_implausible_figure_is_checked_by_hand(text: str, kind: str) -> None:
    rules = [
        c
        for c in fam(text, "lab", kind)
        if c.params.get("analyte") in ("platelets", "anc", "creatinine")
    ]
    assert rules and all(c.confidence < MIN_CONFIDENCE_FOR_NOT_MET for c in rules)


def test_a_figure_for_whom_the_rule_is_makes_no_rule() -> None:
    # "for participant with creatinine levels >= 1.5 X institutional ULN" (singular) names
    # whom the clearance limit is for; read as a limit it had required a high creatinine
    rules = fam(
        "---\\>= 45 mL/min/1.73 m\\^2 for participant with creatinine levels \\>= 1.5 X institutional ULN",
        "lab",
    )
    assert not any(c.params.get("analyte") == "creatinine" for c in rules)
