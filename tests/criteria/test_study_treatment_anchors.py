# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0: the study treatment named as the time or setting of another rule is no
therapy rule. Each of these had required the study drug of every patient (or excluded
every patient who had chemotherapy), found by listing the criteria that fail all six
example patients. Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one


@pytest.mark.parametrize(
    ("text", "kind", "kept"),
    [
        (
            "Pregnant or lactating women. Adequate contraceptive methods must be used during chemotherapy and hormone therapy treatments.",
            "exclusion",
            "pregnancy",
        ),
        (
            "Life expectancy of 16 weeks from the start of lapatinib therapy;",
            "inclusion",
            "life_expectancy",
        ),
        (
            "Ability to take oral medication (dasatinib must be swallowed whole)",
            "inclusion",
            "comorbidity",
        ),
        (
            "Patient agrees to discontinue St. Johns Wort while receiving dasatinib therapy",
            "inclusion",
            "medication",
        ),
        (
            "Patient agrees that IV bisphosphonates will be withheld for the first 8 weeks of dasatinib therapy due to risk of hypocalcemia.",
            "inclusion",
            "bone_agent",
        ),
    ],
)
def test_the_study_treatment_as_an_anchor(text: str, kind: str, kept: str) -> None:
    assert fam(text, "prior_therapy", kind) == []
    assert kept in {c.family for c in one(text, kind)}


def test_a_recurrence_timed_from_a_prior_therapy_keeps_it() -> None:
    # "from the initiation of adjuvant ET" dates a recurrence after a therapy received
    (c,) = fam(
        "Has recurrent disease \\<2 years from the initiation of adjuvant ET OR", "prior_therapy"
    )
    assert "endocrine" in c.params["classes"]
