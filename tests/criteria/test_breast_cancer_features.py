# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: an exclusion that names a feature of the breast cancer ("Inflammatory
breast cancer", "Bilateral invasive breast cancer", "Male breast cancer") or uses breast
cancer to name something else ("Inhibitors of breast cancer resistance protein") does not
exclude breast cancer. Read as "breast cancer excluded", every patient of those breast
cancer trials had failed. Having had breast cancer stays a rule (screening and prevention
trials). Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Inflammatory breast cancer", "exclusion"),
        ("Bilateral invasive breast cancer.", "exclusion"),
        ("Male breast cancer", "exclusion"),
        ("Metaplastic breast cancer", "exclusion"),
        ("Synchronous contralateral or multicentric breast cancer.", "exclusion"),
        ("Inhibitors of breast cancer resistance protein (BCRP)", "exclusion"),
        (
            "Treatment including RT, chemotherapy, and/or targeted therapy, administered for the currently diagnosed breast cancer prior to study entry.",
            "exclusion",
        ),
        (
            "Major surgery within 4 weeks before enrollment that is unrelated to the breast cancer.",
            "exclusion",
        ),
        ("not diagnosed with breast cancer", "exclusion"),
        ("No inflammatory breast cancer", "inclusion"),
    ],
)
def test_a_feature_of_the_cancer_does_not_exclude_breast_cancer(text: str, kind: str) -> None:
    for c in fam(text, "diagnosis", kind):
        assert c.params.get("cancer") != "breast" or c.polarity != "exclude", c.params


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Personal history of breast cancer", "exclusion"),
        (
            "Women that have had prior invasive breast cancer, diagnosed or treated within the past five years.",
            "exclusion",
        ),
        ("No history of invasive breast cancer", "inclusion"),
        (
            "No previously diagnosed breast cancer unless all systemic therapy (including endocrine therapy) was completed at least 1 year ago",
            "inclusion",
        ),
        (
            "No evidence of breast cancer, as determined by a negative mammogram within the past 6 months and a history and physical",
            "inclusion",
        ),
    ],
)
def test_having_had_breast_cancer_stays_a_rule(text: str, kind: str) -> None:
    (c,) = fam(text, "diagnosis", kind)
    assert c.polarity == "exclude" and c.params.get("cancer") == "breast"
