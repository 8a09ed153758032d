# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: a menopausal status read in its context. A symptom ("perimenopausal
symptoms", "Postmenopausal uterine bleeding") or what a treatment is for ("GnRH analogs to
achieve post menopausal status") is no status rule; "if woman is pre-menopausal" and "In
pre-/peri-menopausal ... patients" name whom a rule is for; an inclusion item that bars
postmenopausal women is a definition, checked by hand. Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, trial_item

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Current history of poorly controlled migraines or perimenopausal symptoms", "exclusion"),
        ("Postmenopausal uterine bleeding. Vaginal bleeding of unknown etiology.", "exclusion"),
        ("The use of GnRH analogs to achieve post menopausal status is not allowed.", "inclusion"),
        (
            "Systemic drug treatment to induce ovarian suppression if woman is pre-menopausal.",
            "exclusion",
        ),
    ],
)
def test_no_status_rule(text: str, kind: str) -> None:
    # each had excluded every patient of that menopausal status
    assert not fam(text, "menopause", kind)


@pytest.mark.parametrize(
    "text",
    [
        "Has not undergone a hysterectomy or bilateral oophorectomy",
        "Has had menses at any time in the preceding 12 consecutive months (and therefore has not been naturally postmenopausal for > 12 months)",
        "No menses for < 1 year with FSH and estradiol levels in postmenopausal range",
    ],
)
def test_a_definition_that_bars_postmenopausal_women_is_checked_by_hand(text: str) -> None:
    # definitions of childbearing potential or of a status had failed every postmenopausal
    # patient of two trials for postmenopausal women
    (c,) = fam(text, "menopause")
    assert c.polarity == "exclude" and c.params["status"] == ["post"]
    assert c.confidence < 0.75


def test_a_real_bar_on_premenopausal_women_stays_hard() -> None:
    (c,) = fam("No patients with premenopausal status", "menopause")
    assert c.polarity == "exclude" and c.params["status"] == ["pre"] and c.confidence >= 0.75
    (c,) = fam("Premenopausal status.", "menopause", "exclusion")
    assert c.polarity == "exclude" and c.params["status"] == ["pre"] and c.confidence >= 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Pre- or peri-menopausal and amenable to being treated with ovarian function suppression drugs (goserelin, leuprolide, or triptorelin) per standard of care",
        "Post-menopausal or pre/peri-menopausal women on tamoxifen. LHRH agonists may be used to render ovarian suppression with postmenopausal ranges of estradiol or FSH",
    ],
)
def test_a_pre_peri_pair_keeps_premenopausal(text: str) -> None:
    # "pre" of the pair had been lost: every premenopausal patient failed
    (c,) = fam(text, "menopause")
    assert c.polarity == "require" and "pre" in c.params["status"] and "peri" in c.params["status"]


@pytest.mark.parametrize(
    "text",
    [
        "If patient is pre- or peri- menopausal, then will need to have concurrent ovarian suppression. Patients may have already gotten the loading dose of ovarian suppression.",
        "If the patient was receiving an LHRH agonist to maintain a postmenopausal state during AI therapy this should be continued since recovery of menses would lead to uncontrolled estrogen exposure and pregnancy during estrogen therapy is contraindicated.",
    ],
)
def test_whom_a_rule_is_for_or_what_a_drug_is_for(text: str) -> None:
    assert not fam(text, "menopause")


def test_postmenopausal_women_exempt_from_a_pregnancy_test() -> None:
    # had required postmenopausal status: every premenopausal patient failed
    assert not fam(
        "Patients must have a negative serum pregnancy test within 14 days before enrollment and agree to use medically acceptable and effective birth control from enrollment until at least 30 days after the last dose of pralatrexate. Patients who are postmenopausal for at least 1 year (more than 12 months since last menses) or are surgically sterilized do not require this test.",
        "menopause",
    )
    (c,) = fam(
        "Be premenopausal or perimenopausal with a negative serum pregnancy test.", "menopause"
    )
    assert c.polarity == "require" and c.params["status"] == ["peri", "pre"]


# --- parser 0.18.6


def test_an_age_line_of_a_postmenopausal_definition_is_a_way_to_be_postmenopausal() -> None:
    # "Postmenopausal status is defined by any one of the following criteria: ... Age ≥ 60
    # years." (NCT05095207, nested) and the flat PDQ list under "Menopausal status"
    # (NCT00075764): read as age rules, "Age ≥ 60" failed every younger patient and the
    # flat list required both "at least 55" and "under 55" years
    for nct, line in (
        ("NCT05095207", "Age ≥ 60 years."),
        ("NCT00075764", "At least 55 years of age with prior hysterectomy"),
        ("NCT00075764", "Under 55 years of age with a prior hysterectomy without oophorectomy"),
    ):
        item = trial_item(nct, line)
        assert [(c.family, c.params.get("status")) for c in item.constraints] == [
            ("menopause", ["post"])
        ]
        # a definition: a failure is checked by hand
        assert item.constraints[0].confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_an_age_rule_outside_a_definition_stays_an_age_rule() -> None:
    (c,) = fam("Age ≥ 18 years", "age")
    assert c.params["min"] == 18
