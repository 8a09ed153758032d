# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.0: what an "at least / more than N" window of a therapy rule measures.

- A washout ("At least 7 days since prior tamoxifen", "More than 60 days since prior AND no
  concurrent tamoxifen") is a requirement, in whichever list it stands. Read as an
  exclusion (for its list or its "no"), it barred every patient whose washout was complete,
  those never treated included.
- A length of treatment ("bisphosphonates for more than 3 months", "of more than 30 days
  duration") is ``min_duration_days``, not a washout.
- The length of something else (a disease-free interval) is no window of the therapy.
- The washout of an exception the rule does not separate ("No prior fluoropyrimidine in the
  metastatic setting. Adjuvant fluoropyrimidine is permitted if >6 months prior") is
  dropped, and the exclusion kept at low confidence.

Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, trial_item

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind", "family", "days"),
    [
        (
            "At least 7 days since prior tamoxifen or raloxifene as a preventive agent",
            "exclusion",
            "prior_therapy",
            7.0,
        ),
        (
            "More than 60 days since prior AND no concurrent tamoxifen",
            "inclusion",
            "prior_therapy",
            60.0,
        ),
        (
            "More than 12 months since prior and no concurrent oral or IV bisphosphonate",
            "inclusion",
            "bone_agent",
            365.25,
        ),
        (
            "Patients currently receiving oral bisphosphonates must discontinue these at least 3 weeks prior to study start.",
            "exclusion",
            "bone_agent",
            21.0,
        ),
        (
            "Has had no prior chemotherapy unless it was given >5 years ago for breast cancer or other cancer",
            "inclusion",
            "prior_therapy",
            1826.25,
        ),
        (
            "No chemotherapy for > 3 weeks before planned start of protocol treatment",
            "inclusion",
            "prior_therapy",
            21.0,
        ),
        (
            "Minimum of 2 weeks between completion of radiotherapy and Cycle 1 Day 1",
            "exclusion",
            "radiotherapy",
            14.0,
        ),
    ],
)
def test_a_washout_is_a_requirement(text: str, kind: str, family: str, days: float) -> None:
    (c,) = fam(text, family, kind)
    assert c.polarity == "require"
    assert c.time_window is not None and c.time_window.days == days
    assert "min_duration_days" not in c.params


@pytest.mark.parametrize(
    ("text", "kind", "family", "days"),
    [
        (
            "Patients receiving bisphosphonates for more than 3 months before randomization.",
            "exclusion",
            "bone_agent",
            91.31,
        ),
        (
            "Treatment for more than 6 months with IV bisphosphonates prior to study entry;",
            "exclusion",
            "bone_agent",
            182.62,
        ),
        (
            "Previous treatment with alpelisib or other PI3K, mTOR or AKT inhibitor of more than 30 days duration.",
            "exclusion",
            "prior_therapy",
            30.0,
        ),
        (
            "Actively receiving endocrine therapy for at least 6 weeks (with or without HER2 therapy)",
            "inclusion",
            "prior_therapy",
            42.0,
        ),
        (
            "Progression following at least 6 weeks of standard doses of Herceptin (Arm A only)",
            "inclusion",
            "prior_therapy",
            42.0,
        ),
        (
            "treatment with a luteinizing hormone (LH) releasing hormone agonist (such as goserelin acetate or leuprolide acetate) initiated at least 28 days prior to study enrollment.",
            "inclusion",
            "prior_therapy",
            28.0,
        ),
    ],
)
def test_a_length_of_treatment_is_a_duration(
    text: str, kind: str, family: str, days: float
) -> None:
    rules = fam(text, family, kind)
    assert rules and all(c.params["min_duration_days"] == days for c in rules)
    assert all(c.time_window is None for c in rules)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # off or stopped for that long: a washout, not a duration
        (
            "Prior hormonal therapy in either a metastatic or adjuvant setting is allowed, but patients must have been off such therapy for >= 2 weeks prior to registration",
            "inclusion",
        ),
        (
            "Have discontinued all previous therapies for cancer, including chemotherapy, radiotherapy, cancer-related hormonal therapy, or other investigational therapy for at least 4 weeks. Patients who have received whole-brain radiation must wait 90 days.",
            "inclusion",
        ),
    ],
)
def test_off_therapy_for_a_time_is_a_washout(text: str, kind: str) -> None:
    rules = fam(text, "prior_therapy", kind)
    assert rules
    assert all("min_duration_days" not in c.params for c in rules)
    assert all(c.time_window is not None for c in rules)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # (parser 0.18.4: "No prior fluoropyrimidine in the metastatic setting. Adjuvant
        # fluoropyrimidine is permitted if >6 months prior" keeps its metastatic part clear:
        # tests/criteria/test_early_exceptions.py)
        (
            "Prior treatment with VEGF inhibitors (unless in adjuvant setting at least 12 months ago)",
            "exclusion",
        ),
        (
            "Have received any prior therapy with taxanes, vinca alkaloids, eribulin, ixabepilone, or platinum. Doxorubicin is allowed (≥ 2 week washout period required).",
            "exclusion",
        ),
        (
            "The patient is receiving treatment with bisphosphonate UNLESS the biphosphonate treatment was initiated more than three weeks before the first ASCI administration. (See also section 5.3.2.).",
            "exclusion",
        ),
    ],
)
def test_the_window_of_an_exception_is_checked_by_hand(text: str, kind: str) -> None:
    rules = [c for f in ("prior_therapy", "bone_agent") for c in fam(text, f, kind)]
    assert rules
    for c in rules:
        assert c.polarity == "exclude" and c.time_window is None
        assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind", "family"),
    [
        # a plan, a lateness: no washout
        (
            "Currently post-menopausal (as defined by National Comprehensive Cancer Network (version 4.2024), taking any aromatase inhibitor in the curative setting and planning to be on such for at least 8 weeks after registration. \\[Patients on concurrent ovarian suppression (such as with leuprolide acetate, goserelin) are allowed\\]; CDK 4/6 inhibitors abemaciclib, ribociclib ARE allowed",
            "inclusion",
            "prior_therapy",
        ),
        (
            "Enrollment after more than 120 days from the last day of mastectomy or lumpectomy",
            "exclusion",
            "surgery",
        ),
    ],
)
def test_a_window_that_is_no_washout_is_dropped(text: str, kind: str, family: str) -> None:
    rules = fam(text, family, kind)
    assert rules
    for c in rules:
        assert c.time_window is None or c.time_window.relation == "within"
        assert "min_duration_days" not in c.params
        assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_a_disease_free_interval_is_no_window_of_the_therapy() -> None:
    (c,) = fam(
        "Subjects who relapse >6 months after completion of adjuvant anthracycline-containing chemotherapy, and for whom further anthracycline is not indicated, will be considered to have met the anthracycline prior exposure requirement.",
        "prior_therapy",
    )
    assert c.time_window is None and "min_duration_days" not in c.params
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_a_recency_window_is_untouched() -> None:
    (c,) = fam(
        "Radiation or anti-hormonal therapy or other targeted anticancer therapy within 14 days before randomization",
        "prior_therapy",
        "exclusion",
    )
    assert c.polarity == "exclude" and c.time_window is not None
    assert c.time_window.relation == "within"


@pytest.mark.parametrize(
    ("text", "family"),
    [
        # the "≥" lost from "completed ≥ 3 weeks prior": a time since the end, not a recency
        (
            "Participant completed all prior radiotherapy with curative intent  3 weeks prior to randomization",
            "radiotherapy",
        ),
        (
            "the last fraction of radiotherapy was administered  3 weeks prior to randomization.",
            "radiotherapy",
        ),
        (
            "Any exogenous hormone therapy must be completed 4 weeks prior to registration",
            "prior_therapy",
        ),
        (
            'Any prior therapy must have been completed greater than or equal to 4 weeks prior to enrollment on protocol and the participant must have recovered to eligibility levels from prior toxicity. Patients should be at least six weeks out from nitrosoureas and mitomycin C. Prior radiation should have been completed greater than or equal to 4 weeks prior to study enrollment and all associated toxicities resolved to eligibility levels. Patients must be greater than or equal to 2 weeks since any investigational agent administered as part of a Phase 0 study (also referred to as an "early Phase I study" or "pre-Phase I study" where a sub-therapeutic dose of drug is administered) at the PI\'s discretion, and should have recovered to eligibility levels from any toxicities.',
            "prior_therapy",
        ),
    ],
)
def test_completed_n_weeks_prior_is_a_washout(text: str, family: str) -> None:
    rules = fam(text, family)
    assert rules and all(c.polarity == "require" for c in rules)
    assert all(c.time_window is not None and c.time_window.relation == "at_least" for c in rules)


def test_tests_done_n_days_prior_stay_recent() -> None:
    (c, *_rest) = fam(
        "LVEF 50% and EKG within institutional normal limits completed 22 days prior to registration.",
        "cardiac",
    )
    assert c.time_window is not None and c.time_window.relation == "within"


# --- parser 0.18.6


def test_weeks_from_the_completion_of_a_treatment_is_a_time_since_it() -> None:
    text = "4 weeks from completion of chemotherapy or radiation therapy, where appropriate."
    (c,) = fam(text, "prior_therapy")
    assert c.time_window is not None
    # read as "within", it required a course in the last 4 weeks
    assert c.time_window.relation == "at_least" and c.time_window.days == 28


def test_a_range_of_weeks_from_completion_is_not_read_as_a_time_since() -> None:
    # the second number of "between 3-12 weeks" is no lower bound (the range is not read)
    text = "Must start study treatment (receive first Herceptin infusion) 15between 3-12 weeks from completion of standard of care therapy."
    for c in fam(text, "prior_therapy"):
        assert c.time_window is None or c.time_window.relation != "at_least"


def test_a_washout_line_takes_its_window_from_its_head() -> None:
    # NCT05123482: "Any other anticancer treatment within the following time periods prior
    # to the first dose of study intervention:" then "Cytotoxic treatment: 21 days". Read
    # alone, the line excluded any chemotherapy ever
    item = trial_item("NCT05123482", "Cytotoxic treatment: 21 days")
    (c,) = item.constraints
    assert c.family == "prior_therapy" and c.polarity == "exclude"
    assert c.time_window is not None
    assert (c.time_window.relation, c.time_window.days) == ("within", 21.0)
