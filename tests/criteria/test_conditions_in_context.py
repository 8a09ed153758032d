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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("No more than 450mg/m2 cumulative dose of prior doxorubicin", "inclusion"),
        (
            "If the patient had received adjuvant and/or neoadjuvant therapy, the cumulative dose of anthracyclines should not exceed 500 mg/m2 for doxorubicin or 500 mg/m2 for epirubicin;",
            "inclusion",
        ),
        ("Prior cumulative doxorubicin dose > 360 mg/m^2 or the equivalent.", "exclusion"),
        ("Have received more than the allowed maximum total dose of anthracycline", "exclusion"),
    ],
)
def test_a_cumulative_dose_cap_is_no_rule_on_having_the_drug(text: str, kind: str) -> None:
    (c,) = fam(text, "prior_therapy", kind)
    assert c.polarity == "exclude" and c.params["dose_limit"] is True


def test_a_minimum_cumulative_dose_stays_a_requirement() -> None:
    (c,) = fam(
        "Has already received lifetime cumulative treatment with doxorubicin equivalent to >400 mg/m2.",
        "prior_therapy",
    )
    assert c.polarity == "require" and "dose_limit" not in c.params


@pytest.mark.parametrize(
    "text",
    [
        "History of a decrease in LVEF to less than (<) 40% or symptomatic congestive heart failure (CHF) with previous trastuzumab treatment",
        "History of LVEF decline to below 50% during or after prior trastuzumab neo-adjuvant or adjuvant therapy",
        "cardiac toxicity during previous 1st line chemotherapy + Herceptin;",
        "Presence of peripheral neuropathy > grade 2 by NCI Common Toxicity Criteria (NCI-CTC) following induction chemotherapy",
        "Any previous adverse event grade 3-4 or serious adverse event during treatment with exemestane and everolimus which led to treatment discontinuation",
    ],
)
def test_the_therapy_a_harm_came_with_is_not_excluded(text: str) -> None:
    # the harm is the rule; most HER2-positive patients had trastuzumab without it
    assert not fam(text, "prior_therapy", "exclusion")


def test_progression_on_a_therapy_stays_a_therapy_rule() -> None:
    (c,) = fam(
        "Had disease progression on or after any previous trastuzumab deruxtecan (T-DXd) treatment",
        "prior_therapy",
    )
    assert c.polarity == "require" and c.params["progression"]


def test_bone_metastases_named_after_a_parenthesis_in_an_exception_are_allowed() -> None:
    text = "Patients who received more than one chemotherapy line. Patients with only non-measurable lesions other than lytic or mixed (lytic and blastic) bone metastasis.Previous treatment with exemestane, mTOR inhibitors, PI3K inhibitors or AKT inhibitors."
    assert not [
        c for c in fam(text, "disease_sites", "exclusion") if c.params.get("site") == "bone"
    ]


def test_a_rule_on_some_bone_lesions_is_checked_by_hand() -> None:
    text = "Patients with painful bone metastases are not permitted until these bone metastases are successfully treated (for example by external beam irradiation) prior to registration, and the patient has stable pain for at least 2 weeks after that treatment (Stable pain is defined for this study as a patient response of 1, 2, or 3 on Questions 4 and 5 of The Brief Pain Inventory (BPI)."
    (site,) = fam(text, "disease_sites", "exclusion")
    # painful bone metastases until treated, not every bone metastasis: a "not met" from
    # it is below the confidence a failure needs
    assert site.params["site"] == "bone" and site.confidence < 0.75
    # the radiotherapy is the example of a treatment the trial asks for, not excluded
    assert not fam(text, "radiotherapy", "exclusion")


def test_the_status_a_tumour_converted_to_is_history_not_a_rule() -> None:
    cs = fam(
        "Histological or cytological confirmation of estrogen receptor-positive (ER+) invasive carcinoma of the breast. ER+, HER2- negative invasive carcinoma of the breast with evaluable sample for BCL-2 IHC value at the time of screening. Participants who were originally diagnosed with HER2-positive breast cancer that converted to HER2-negative MBC are not eligible.",
        "receptor",
    )
    her2 = {(c.polarity, c.params["status"]) for c in cs if c.params["receptor"] == "her2"}
    # HER2-negative required, a HER2-positive origin excluded; never HER2-negative excluded
    assert her2 == {("require", "negative"), ("exclude", "positive")}


def test_how_a_finding_is_proven_is_not_what_is_excluded() -> None:
    (d,) = fam("Index cancer has predominantly neuroendocrine histology", "diagnosis", "exclusion")
    # read as "histology excluded", every patient with a histology on file had failed
    assert d.params == {}
    # a bone marrow metastasis is not the metastatic setting of a metastatic trial
    (d,) = fam("No histologically proven bone marrow metastasis", "diagnosis")
    assert "setting" not in d.params


def test_a_status_that_names_a_subgroup_is_checked_by_hand() -> None:
    cs = fam(
        "Age 30 years or older if HER2 positive. Age 50 or older if HER2 negative (triple negative).",
        "receptor",
    )
    # both statuses name who the age limit is for: read as rules, every patient failed one
    assert {c.params["status"] for c in cs} == {"positive", "negative"}
    assert all(c.confidence < 0.75 for c in cs)
    (hr,) = fam(
        "Subjects with metastatic disease who have already received and failed at least one chemotherapy regimen for metastatic disease and, if ER/PgR +ve, have failed on at least adjuvant hormonal therapy",
        "receptor",
    )
    assert hr.confidence < 0.75
    # a status stated as the rule keeps its confidence
    (her2,) = fam("HER2-negative breast cancer", "receptor")
    assert her2.confidence >= 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Seronegative for hepatitis B antigen.",
        "Hepatitis B surface antigen negative",
        "Non-reactive for HBsAg, anti-HBc, anti-HCV, anti-HIV-1/2, HBV/HCV/HIV-1 NAT, anti-HTLV-I/II, anti-T. cruzi, West Nile Virus NAT,syphilis, and babesia.",
    ],
)
def test_a_negative_serology_excludes_the_infection(text: str) -> None:
    # read as required, the infection had been asked of every patient
    cs = fam(text, "infection")
    assert cs and all(c.polarity == "exclude" for c in cs)


@pytest.mark.parametrize(
    "text",
    [
        "Not pregnant or lactating and practicing adequate birth control if premenopausal",
        "Not pregnant. If not post-menopausal must adhere to birth control measures",
    ],
)
def test_a_status_that_says_whom_contraception_is_for_is_no_entry_rule(text: str) -> None:
    # read as excluded, premenopausal (postmenopausal) patients had failed
    assert not fam(text, "menopause")
