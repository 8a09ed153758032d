# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.0: "No limitations for prior radiotherapy", "No limit on prior lines of
systemic therapy", "There is no restriction for the number of prior hormonal therapies" say
there is no rule. With their "No" read as a negation they were exclusions of prior therapy
that failed every treated patient. Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import one

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "No limitations for prior radiotherapy",
        "No limitations to number of prior therapies",
        "No limit on prior lines of systemic therapy",
        "There is no restriction for the number of prior hormonal therapies or immunotherapies",
        "There is no limit to the number of prior treatment regimens",
    ],
)
def test_no_limit_is_no_exclusion(text: str) -> None:
    rules = [c for c in one(text) if c.family in ("prior_therapy", "radiotherapy")]
    assert rules and all(c.polarity == "allow" for c in rules)


def test_the_next_sentence_keeps_its_rule() -> None:
    rules = one(
        "No restriction for prior hormonal therapy. No concurrent use of endocrine therapy is permitted."
    )
    assert any(c.family == "prior_therapy" for c in rules)
    # the first sentence allows; "No prior chemotherapy" elsewhere is still an exclusion
    (c,) = [c for c in one("No prior chemotherapy or radiotherapy") if c.family == "prior_therapy"]
    assert c.polarity == "exclude"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Previously radiated area(s) must not be the only site of disease.", "exclusion"),
        (
            "The patient's only qualifying lesion (s) have been previously irradiated or are scheduled for irradiation following study entry.",
            "exclusion",
        ),
    ],
)
def test_an_irradiated_only_site_asks_for_a_non_irradiated_lesion(text: str, kind: str) -> None:
    (c,) = [c for c in one(text, kind) if c.family == "radiotherapy"]
    assert "non_irradiated_lesion" in c.params["aspect"] and c.polarity == "require"


def test_her2_directed_therapy_written_out_is_an_exception() -> None:
    (c,) = [
        c
        for c in one(
            "There should be a minimum of 4 weeks from any prior investigational drug, chemotherapy, immunotherapy, with the exception of hormonal therapy for prostate and breast cancers, human epidermal growth factor receptor 2 (HER2-) directed therapy for HER2+ breast or stomach cancer (3+ immunohistochemistry (IHC) or fluorescence in situ hybridization (FISH+), drugs targeting epidermal growth factor receptor (EGFR), anaplastic large-cell lymphoma kinase (ALK) or ROS1 in EGFR,ALK, ROS1-mutated lung cancer, respectively, or standard maintenance therapies for any solid tumor under the condition that subjects are on these therapies for at least two months before start of trial treatment.",
            "exclusion",
        )
        if c.family == "prior_therapy"
    ]
    assert "her2_directed" in c.params["except_classes"]


def test_an_unread_way_in_keeps_a_failure_open() -> None:
    # "... or are not a candidate for HER-2-directed treatment if the patient has HER-2
    # positive disease": read alone, the HER2-directed rule failed every HER2-negative
    # patient
    (c,) = [
        c
        for c in one(
            "Have received Human Epidermal Growth Factor Receptor 2 (HER-2) directed treatment; or are not a candidate for HER-2-directed treatment if the patient has HER-2 positive disease"
        )
        if c.family == "prior_therapy"
    ]
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET
