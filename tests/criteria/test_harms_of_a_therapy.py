# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0: an exclusion of a harm that came with a therapy ("Grade 3 irAEs with prior
immunotherapy", "could not tolerate the prescribed dose of ribociclib") is no rule on the
therapy itself. Read as one it failed every patient who had the therapy, harm or not. When
the harm is all the item says, the item is left unparsed (checked by hand) rather than
typed as a therapy rule. The rule was there for items with several constraints; a lone
therapy constraint had skipped it. Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    "text",
    [
        "Patients who experienced Grade 3 or higher irAEs with prior immunotherapy.",
        "Grade 3 or 4 major organ irAEs clinically attributed to anti-PD-1/PD-L1 therapy.",
        "Subjects who have experienced Grade ≥ 3 irAEs from prior immunotherapies or who discontinue immunotherapy due to immune-related toxicities.",
        "Any toxicity that led to permanent discontinuation of prior anti-PD-1/PD-L1 immunotherapy.",
        "Patients who could not tolerate the prescribed dose of ribociclib during a previous course of treatment, requiring dose reduction or permanent discontinuation due to adverse events.",
        "History of any cardiac adverse event related to trastuzumab therapy",
        "For Arm C only: h/o of intolerable toxicity to CDK 4/6 inhibitor resulting in treatment discontinuation due to toxicity",
    ],
)
def test_a_harm_of_a_therapy_excludes_no_one_for_the_therapy(text: str) -> None:
    (c,) = fam(text, "prior_therapy", "exclusion")
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_a_therapy_rule_with_a_window_stays() -> None:
    # a washout is a rule of its own, whatever harm the item also names
    (c,) = fam(
        "Radiation or anti-hormonal therapy or other targeted anticancer therapy within 14 days before randomization",
        "prior_therapy",
        "exclusion",
    )
    assert c.time_window is not None


# --- parser 0.18.5: bone-modifying agents (found in the criteria failing all six example
# patients, each of whom is treated for bone metastases) -------------------------------------


def test_osteonecrosis_from_bone_agents_is_no_bone_agent_rule() -> None:
    text = "Participant has ongoing osteonecrosis of the jaw from previous or concurrent treatment with bisphosphonates or denosumab"
    assert [c.family for c in one(text, "exclusion")] == ["comorbidity"]


@pytest.mark.parametrize(
    "text",
    [
        "Current treatment with intravenous bisphosphonate or denosumab with elevated serum calcium corrected for albumin or ionized calcium levels outside institutional normal limits at screening",
        "Chronic concomitant therapy with bisphosphonates or denosumab for the prevention of bone metastases. Concomitant treatment with bisphosphonates or denosumab is permitted for treatment of osteoporosis or management of existing bone metastases if initiated at least 4 weeks before administration of the first dose of MLN0128.",
    ],
)
def test_bone_agent_exclusion_with_an_unread_condition_is_checked_by_hand(text: str) -> None:
    excluded = [c for c in fam(text, "bone_agent", "exclusion") if c.polarity == "exclude"]
    assert excluded and all(c.confidence < MIN_CONFIDENCE_FOR_NOT_MET for c in excluded)


def test_bone_agents_of_those_taking_them_are_no_exclusion() -> None:
    text = "Other concurrent anti-cancer therapy. Note: ovarian function suppression drugs (goserelin, leuprolide, or triptorelin) and/or bone modifying agents (bisphosphonates, denosumab) do not count as anti-cancer therapy for this criteria. If taking bisphosphonates or denosumab, must have been on these agents prior to signing consent"
    # it had excluded every patient on a bone-modifying agent
    assert [c for c in fam(text, "bone_agent", "exclusion") if c.polarity == "exclude"] == []


@pytest.mark.parametrize(
    "text",
    [
        # the group the exclusion names
        "Patients receiving bisphosphonates for more than 3 months before randomization.",
        # a washout for those on it stays a rule
        "Patients currently receiving oral bisphosphonates must discontinue these at least 3 weeks prior to study start.",
    ],
)
def test_bone_agent_rules_on_those_taking_them_that_stay(text: str) -> None:
    (c,) = fam(text, "bone_agent", "exclusion")
    assert c.polarity != "allow"


def test_a_harm_when_receiving_a_therapy_is_checked_by_hand() -> None:
    # parser 0.18.6: "when receiving" joins "while receiving"; read as a clear rule, every
    # patient who had any antibody-drug conjugate failed
    (c,) = fam(
        "History of Grade ≥3 skin toxicity when receiving enfortumab vedotin",
        "prior_therapy",
        "exclusion",
    )
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET
