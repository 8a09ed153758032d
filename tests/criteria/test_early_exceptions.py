# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.4: an exclusion in the metastatic setting with an early-setting exception
permitted after an interval ("No prior fluoropyrimidine in the metastatic setting.
Adjuvant fluoropyrimidine is permitted if >6 months prior") is two rules: the metastatic
one, and the early one with the interval as a window, counted back from the study's start
or, when the text says so, from the metastatic diagnosis (``RECURRENCE_ANCHOR``). As one
rule at low confidence, a patient clearly treated in the metastatic setting was only
"check by hand". Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET
from osteotrials.model.criteria import RECURRENCE_ANCHOR


@pytest.mark.parametrize(
    ("text", "kind", "days", "anchor"),
    [
        (
            "No prior fluoropyrimidine in the metastatic setting. Adjuvant fluoropyrimidine is permitted if >6 months prior to treatment on study.",
            "inclusion",
            182.62,
            None,
        ),
        (
            "Prior treatment with CDK4/6 inhibitors in the metastatic setting (prior CDK4/6 inhibitors permitted in the adjuvant setting provided there was a CDK4/6i treatment free interval of at least 12 months).",
            "exclusion",
            365.25,
            RECURRENCE_ANCHOR,
        ),
        (
            "Prior therapy with gemcitabine or carboplatin in the metastatic setting. Participants having received gemcitabine or carboplatin as part of adjuvant therapy are eligible, if recurrence was first documented >6 months after the last exposure to the drug(s)",
            "exclusion",
            182.62,
            RECURRENCE_ANCHOR,
        ),
    ],
)
def test_metastatic_part_and_early_part_with_its_interval(
    text: str, kind: str, days: float, anchor: str | None
) -> None:
    rules = fam(text, "prior_therapy", kind)
    by_setting = {tuple(c.params["setting"]): c for c in rules}
    assert set(by_setting) == {("metastatic",), ("adjuvant",)}
    late, early = by_setting[("metastatic",)], by_setting[("adjuvant",)]
    assert late.polarity == early.polarity == "exclude"
    assert late.confidence >= MIN_CONFIDENCE_FOR_NOT_MET
    assert early.confidence >= MIN_CONFIDENCE_FOR_NOT_MET
    assert late.time_window is None
    assert early.time_window is not None and early.time_window.relation == "within"
    assert early.time_window.days == days and early.time_window.anchor == anchor


def test_an_interval_not_read_is_checked_by_hand() -> None:
    """ "(carboplatin, cisplatin or gemcitabine only if > 12 months has passed since last
    administration)": since what is not said, so the early part is checked by hand."""
    rules = fam(
        "Prior chemotherapy for advanced BC. Previous adjuvant/neoadjuvant chemotherapy is allowed (carboplatin, cisplatin or gemcitabine only if > 12 months has passed since last administration).",
        "prior_therapy",
        "exclusion",
    )
    assert rules and all(c.confidence < MIN_CONFIDENCE_FOR_NOT_MET for c in rules)


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


# --- parser 0.18.5: a rule of early settings only whose whole rule is the interval --------


@pytest.mark.parametrize(
    ("text", "kind", "days"),
    [
        (
            "Prior adjuvant trastuzumab (Herceptin®) allowed if > 6 months elapsed before disease recurrence",
            "inclusion",
            182.62,
        ),
        (
            "Prior trastuzumab therapy in the adjuvant setting is also allowed, providing that relapse occured at least 12 months following the last dose",
            "inclusion",
            365.25,
        ),
        (
            "Prior taxane (including paclitaxel) in the adjuvant or neoadjuvant setting is allowed, provided that the interval between the completion of (neo)adjuvant therapy and disease recurrence is > 12 months",
            "inclusion",
            365.25,
        ),
        (
            "Treatment with a taxane in the adjuvant setting unless disease free interval >12 months after end of treatment.",
            "exclusion",
            365.25,
        ),
        (
            "Participants previously treated for early-stage breast cancer must have completed all prior therapy for early-stage breast cancer with curative intent at least 6 months before the first disease recurrence",
            "inclusion",
            182.62,
        ),
    ],
)
def test_early_rule_with_an_interval_to_recurrence_excludes_therapy_within_it(
    text: str, kind: str, days: float
) -> None:
    # before: an allowance the matcher never evaluated, or a rule at low confidence
    (c,) = fam(text, "prior_therapy", kind)
    # (at the rule's own confidence, not the 0.5 of a dropped window; the generic "all prior
    # therapy" of the last one keeps its 0.7)
    assert c.polarity == "exclude" and c.confidence >= 0.7
    assert c.time_window is not None
    assert (c.time_window.relation, c.time_window.days) == ("within", days)
    assert c.time_window.anchor == RECURRENCE_ANCHOR
    assert set(c.params["setting"]) <= {"adjuvant", "neoadjuvant"}
    # the interval's words are read: they are part of the rule's span
    assert c.time_window.text in c.text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # another way to meet a requirement, not an exclusion of those who relapsed sooner
        (
            "Subjects who relapse >6 months after completion of adjuvant anthracycline-containing chemotherapy, and for whom further anthracycline is not indicated, will be considered to have met the anthracycline prior exposure requirement.",
            "inclusion",
        ),
        # the allowance and its condition are in different clauses (taxanes only)
        (
            "Prior Adjuvant chemotherapy allowed; if taxane-based a disease-free interval after completion of >/=12 months is required",
            "inclusion",
        ),
    ],
)
def test_interval_to_recurrence_that_is_not_the_whole_rule(text: str, kind: str) -> None:
    for c in fam(text, "prior_therapy", kind):
        assert c.time_window is None or c.time_window.anchor != RECURRENCE_ANCHOR
        assert c.polarity != "exclude" or c.confidence < MIN_CONFIDENCE_FOR_NOT_MET
