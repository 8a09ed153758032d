# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.4: an exclusion in the metastatic setting with an early-setting exception
permitted after an interval ("No prior fluoropyrimidine in the metastatic setting.
Adjuvant fluoropyrimidine is permitted if >6 months prior") is two rules: the metastatic
one clear, the early one checked by hand (its interval is not read). As one rule at low
confidence, a patient clearly treated in the metastatic setting was only "check by hand".
Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "No prior fluoropyrimidine in the metastatic setting. Adjuvant fluoropyrimidine is permitted if >6 months prior to treatment on study.",
            "inclusion",
        ),
        (
            "Prior treatment with CDK4/6 inhibitors in the metastatic setting (prior CDK4/6 inhibitors permitted in the adjuvant setting provided there was a CDK4/6i treatment free interval of at least 12 months).",
            "exclusion",
        ),
        (
            "Prior therapy with gemcitabine or carboplatin in the metastatic setting. Participants having received gemcitabine or carboplatin as part of adjuvant therapy are eligible, if recurrence was first documented >6 months after the last exposure to the drug(s)",
            "exclusion",
        ),
    ],
)
def test_metastatic_part_is_clear_and_early_part_checked_by_hand(text: str, kind: str) -> None:
    rules = fam(text, "prior_therapy", kind)
    by_setting = {tuple(c.params["setting"]): c for c in rules}
    assert set(by_setting) == {("metastatic",), ("adjuvant",)}
    late, early = by_setting[("metastatic",)], by_setting[("adjuvant",)]
    assert late.polarity == early.polarity == "exclude"
    assert late.confidence >= MIN_CONFIDENCE_FOR_NOT_MET > early.confidence
    assert late.time_window is None and early.time_window is None


def test_an_exception_that_names_the_metastatic_setting_stays_one_rule() -> None:
    """The note "previous hormonal therapy is allowed for adjuvant, locally recurrent or metastatic
    breast cancer, but must have been discontinued at least 3 weeks prior": the exception
    covers the metastatic setting too."""
    rules = fam(
        "Concomitant hormonal therapy for locally recurrent or metastatic disease. Note: previous hormonal therapy is allowed for adjuvant, locally recurrent or metastatic breast cancer, but must have been discontinued at least 3 weeks prior to randomization.",
        "prior_therapy",
        "exclusion",
    )
    assert not any(c.params.get("setting") == ["metastatic"] for c in rules)
