# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: counts of prior lines read where the count stands. "not more than" is the
count's own negation; a count in another sentence takes that sentence's verdict; a cap an
inclusion item allows is its rule; counting notes, cycles ("for 4 courses") and "CDK4/6"
are no counts; "One, 2, or 3" starts at one. Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import assert_real, fam

from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint


def lines(text: str, kind: str = "inclusion") -> Constraint:
    (c,) = fam(text, "prior_therapy", kind)
    return c


def bounds(c: Constraint) -> tuple[object, object]:
    return c.params.get("min_lines"), c.params.get("max_lines")


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        (
            "Have received at least 2 but not more than 4 prior cytotoxic chemotherapy regimens in the locally recurrent or metastatic setting",
            2,
            4,
        ),
        (
            "Participants with metastatic breast cancer who have received at least 2 and not more than 5 prior chemotherapy regimens.",
            2,
            5,
        ),
        (
            "Patients must have progressed after 1 but not more than 3 prior chemotherapy regimens.",
            None,
            3,
        ),
    ],
)
def test_not_more_than_is_the_counts_own_negation(text: str, low: int | None, high: int) -> None:
    # these had excluded exactly the patients with the lines the trial asks for
    c = lines(text)
    assert c.polarity == "require" and bounds(c) == (low, high)


def test_a_count_in_another_sentence_takes_its_own_verdict() -> None:
    c = lines(
        "History of trastuzumab resistance, defined as the development of progressive disease after trastuzumab-based therapy for metastatic breast cancer. Patient may not have received more than 2 prior trastuzumab-based regimens and one lapatinib-based regimen (either as single agent or in combination with chemotherapy)for metastatic breast cancer. Patients who develop metastatic disease during or after adjuvant or neoadjuvant trastuzumab are eligible."
    )
    # it had required three or more lines
    assert c.polarity == "exclude" and bounds(c) == (3, None)
    # a negation of another condition does not bar the lines
    c = lines(
        "Patients with no bone metastasis and 1 prior treatments for metastatic breast cancer. Patients with newly diagnosed metastatic breast cancer may have received adjuvant or neoadjuvant chemotherapy as long as treatment was completed 12 months prior to relapse."
    )
    assert c.polarity != "exclude" or bounds(c) == (None, None)
    # a note that allows a line is no bound on the rule before it
    c = lines(
        "Patients should have received at least two FDA-approved HER2-targeted agents at any time in the course of their disease. Note: 1 line of therapy containing EGFR or HER2-tyrosine kinase inhibitors (for example, neratinib, tucatinib, lapatinib, afatinib, pyrotinib, etc.) in the metastatic setting is allowed"
    )
    assert c.polarity == "require" and bounds(c) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "No more than two prior chemotherapy regimens allowed for advanced stage disease",
        "Patients may have had up to 3 prior chemotherapy regimens for recurrent/metastatic disease",
        "May have received 0-3 prior chemotherapeutic regimens for metastatic breast cancer. Must be off treatment for at least 21 days prior to enrollment",
        "Patient is allowed up to one (1) prior chemotherapy for their metastatic disease.",
    ],
)
def test_an_allowed_cap_is_the_rule(text: str) -> None:
    # "allowed" had made the cap no rule at all: any number of lines passed
    c = lines(text)
    assert c.polarity == "require" and c.params.get("max_lines") is not None
    assert "min_lines" not in c.params
    assert c.confidence < 0.75  # a "not met" is checked by hand


def test_a_count_of_other_items_lines_stays_allowed() -> None:
    c = lines(
        "One or two of these regimens may have been administered as adjuvant and/or neoadjuvant therapy."
    )
    assert c.polarity == "allow"


@pytest.mark.parametrize(
    "text",
    [
        # counting notes
        "Planned neoadjuvant chemotherapy and postoperative adjuvant chemotherapy is considered one regimen",
        "If chemotherapy is interrupted for surgery or radiotherapy and then continues with an unchanged schedule and components, treatment is considered as one regimen despite the interruption",
        # cycles of one regimen
        "Paclitaxel 175 mg/m² every other week for 4 courses (8 weeks)",
        "Adjuvant chemotherapy consisting of a minimum of 6 courses with anthracyclines and/or taxanes.",
        "Patients with metastatic breast cancer in response or stable disease after six to eight courses of first line induction chemotherapy treatment",
        # the 6 of CDK4/6
        "Has disease progression on CDK4/6 inhibitor-based regimen within 12 months of completion of adjuvant therapy with a CDK4/6 inhibitor OR",
    ],
)
def test_no_count_of_lines(text: str) -> None:
    # these had required exactly one line, or four to eight lines
    assert bounds(lines(text)) == (None, None)


def test_a_count_in_a_parenthesis_qualifies_the_rule() -> None:
    c = lines(
        "History of anti-cancer therapy for MBC (with the exception of one prior hormonal regimen for MBC)",
        "exclusion",
    )
    assert c.polarity == "exclude" and bounds(c) == (None, None)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        (
            "One, 2, or 3 prior lines of chemotherapy for metastatic disease and with progression of disease on last treatment regimen.",
            1,
            3,
        ),
        ("either one, two or three prior chemotherapy regimens", 1, 3),
        (
            "Subjects must have received maximum two prior chemotherapy regimens for metastatic breast cancer.",
            None,
            2,
        ),
    ],
)
def test_lists_and_bare_maximum(text: str, low: int | None, high: int) -> None:
    # "One, 2, or 3" had required three or more lines, "maximum two" two or more
    c = lines(text)
    assert c.polarity == "require" and bounds(c) == (low, high)


def test_counts_of_several_cohorts_are_checked_by_hand() -> None:
    c = lines(
        "Arm 1:Patients with TNBC with no prior cytotoxic chemotherapy therapy in the metastatic setting; Arm 2: Patients with TNBC and one or two prior cytotoxic therapies in the metastatic setting."
    )
    assert c.confidence < 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Docetaxel 75 mg/m² every 3 weeks for 4 courses (12 weeks)",
        "Paclitaxel 80 mg/m² weekly for 12 weeks",
    ],
)
def test_a_dose_and_schedule_describe_the_treatment_to_be_given(text: str) -> None:
    # an arm of the study, not a drug the patient must have had: once the course count was
    # no longer read as lines, it had failed everyone without docetaxel
    c = lines(text)
    assert c.params.get("planned") is True and c.confidence < 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Planned neoadjuvant chemotherapy and postoperative adjuvant chemotherapy is considered one regimen",
        "If chemotherapy is interrupted for surgery or radiotherapy and then continues with an unchanged schedule and components, treatment is considered as one regimen despite the interruption",
    ],
)
def test_a_note_on_counting_is_checked_by_hand(text: str) -> None:
    assert lines(text).confidence < 0.75


def test_a_note_on_counting_after_the_rule_leaves_the_rule() -> None:
    c = lines(
        "Prior regimens must have included an anthracycline (eg, doxorubicin, epirubicin) and a taxane (eg, paclitaxel, docetaxel), either in combination or in separate regimens, in either the neo-adjuvant/adjuvant or the metastatic setting or both, as either monotherapy or as part of a combination with another agent. Sequential regimens will count as a single regimen; multiple neo-adjuvant / adjuvant regimens will count as a single regimen"
    )
    assert c.polarity == "require" and c.confidence >= 0.75


def test_need_not_allows() -> None:
    # "not mandatory", "need not", "do not need to" are permissive: "It is not mandatory to
    # have a CDK4/6 inhibitor-containing regimen ..." had excluded every patient with one
    text = "Prior treatments must have included a platinum and a taxane; the most recent treatment need not be a platinum-containing or taxane-containing regimen"
    assert_real(text)
    item = ItemText(text, 0, "inclusion")
    assert item.polarity(text.index("platinum-containing")) == "allow"
    assert item.polarity(text.index("platinum and")) == "require"
