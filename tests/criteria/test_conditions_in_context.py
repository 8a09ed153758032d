# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.15.0: illnesses and symptoms read in their context. A symptom named as what a
treatment or another study is for, and a condition named in an exception, is not excluded;
each sentence of a heart rule keeps its own verdict; what a note bars is not the item's own
subject. Every text is real snapshot text (``one`` checks)."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


@pytest.mark.parametrize(
    "text",
    [
        # supportive-care trials: the symptom is the trial's subject, its treatment the rule
        "Previous acupuncture treatment for lymphedema",
        "On any specific medication for fatigue (e.g., methylphenidate)",
        "Recent initiation of (  8 weeks), or intention to initiate, CDPT or maintenance physiotherapy for lymphedema at any time during the duration of the study",
        "Currently enrolled in, or less than 30 days since ending, any pain intervention study",
        "Any other infection (unrelated to lymphedema) within 1 month prior to screening",
        # bone pain relief is the exception to the radiotherapy rule, not an exclusion
        "previous radiotherapy for metastatic breast cancer (except for metastatic bone pain relief);",
    ],
)
def test_a_symptom_a_treatment_is_for_is_not_excluded(text: str) -> None:
    assert not [
        c for c in fam(text, "comorbidity", "exclusion") if "pain_symptom" in c.params["condition"]
    ]


def test_a_symptom_the_trial_asks_for_is_kept() -> None:
    # a pain score entry rule stays a pain rule ("assessed" is not a pain treatment)
    (c,) = fam(
        "Patient-reported worst pain score between 5 and 10 (inclusive) on a 0-10 scale (assessed verbally)",
        "comorbidity",
    )
    assert c.polarity == "require" and c.params["condition"] == ["pain_symptom"]


def test_conditions_in_an_exception_are_allowed() -> None:
    (c,) = fam(
        "Have current active hepatic or biliary disease (with exception of patients with Gilbert's syndrome, asymptomatic gallstones, liver metastases or stable chronic liver disease per investigator assessment).",
        "comorbidity",
        "exclusion",
    )
    # the biliary disease is excluded; Gilbert's syndrome and chronic liver disease are not
    assert "gastrointestinal" in c.params["condition"] and "liver" not in c.params["condition"]
    assert not fam(
        "Patients requiring chronic treatment with systemic steroid therapy, other than replacement-dose steroids in the setting of adrenal insufficiency. Topical, inhaled, nasal and ophthalmic steroids are not prohibited.",
        "comorbidity",
        "exclusion",
    )


def test_a_later_mention_outside_the_exception_counts() -> None:
    (c,) = fam(
        "Known vaginal pathology other than vaginal atrophy that could explain vaginal symptoms",
        "comorbidity",
        "exclusion",
    )
    assert c.polarity == "exclude" and c.params["condition"] == ["pain_symptom"]


def test_an_exception_ends_at_its_own_clause() -> None:
    # "other than that treated by this study, which would ..." does not reach the
    # psychiatric condition named after it
    (c,) = fam(
        "Serious medical illness, other than that treated by this study, which would limit survival to < 4 years, or psychiatric condition that would prevent informed consent and compliance with study treatment.",
        "comorbidity",
        "exclusion",
    )
    assert "psychiatric" in c.params["condition"]


def test_each_sentence_of_a_heart_rule_keeps_its_verdict() -> None:
    cs = fam(
        "Patients with the clinical diagnosis of congestive heart failure or angina pectoris are NOT eligible. Patients with hypertension or age > 60 years must have a Multiple Gated Acquisition (MUGA) or echocardiogram scan performed within 90 days prior to registration",
        "cardiac",
    )
    by_polarity = {c.polarity: c.params["condition"] for c in cs}
    assert by_polarity["exclude"] == ["angina", "heart_failure"]
    # hypertension only decides who needs the scan (the matcher treats such a
    # requirement as conditional)
    assert by_polarity["require"] == ["hypertension"]


def test_one_verdict_keeps_one_heart_constraint() -> None:
    (c,) = fam(
        "Other serious comorbidities: congestive heart failure or unstable angina; prior history of myocardial infarction in previous year; uncontrolled hypertension (HT); high risk arrhythmias; history of significant neurological or psychiatric disorders",
        "cardiac",
        "exclusion",
    )
    assert c.params["condition"] == [
        "angina",
        "arrhythmia",
        "heart_failure",
        "hypertension",
        "myocardial_infarction",
    ]


def test_what_a_note_bars_is_not_the_items_subject() -> None:
    # the bone-only alternative of "Meets 1 of the following criteria" (NCT00382018)
    (site,) = fam(
        "Bone-only disease* NOTE: *Patients with nonmeasurable disease that does not include bone are not eligible",
        "disease_sites",
    )
    assert site.polarity == "require" and site.params == {"site": "bone", "extent": "only"}
