# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""age and sex components on real criteria."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, trial_item


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("Age of 18-70 years inclusive;", 18, 70),
        ("Women between 30 and 80 years of age", 30, 80),
        ("Aged 20 to 74 at the time of informed consent.", 20, 74),
        ("Patient must be 18 years of age or older.", 18, None),
        ("Age ≥ 18 years", 18, None),
        ("Age \\>= 55 years", 55, None),
    ],
)
def test_age_bounds(text: str, lo: float | None, hi: float | None) -> None:
    (c,) = fam(text, "age")
    assert c.params.get("min") == lo
    assert c.params.get("max") == hi
    assert c.polarity == "require"


def test_a_duration_in_months_is_not_an_age() -> None:
    # since parser 0.14.0 an age inside a postmenopausal definition is no age rule at all
    # (adjudication convention 22): one way of being postmenopausal, not a limit
    assert (
        fam(
            "Age \\< 60 and amenorrhea for 12 or more months (in the absence of chemotherapy, tamoxifen, or ovarian suppression) and FSH, LH, and estradiol in the postmenopausal range per local normal.",
            "age",
        )
        == []
    )
    assert (
        fam(
            "Age < 55 years and one year or more of amenorrhea, with an estradiol assay < 20 pg/ml",
            "age",
        )
        == []
    )
    # the age's symbol is lost here: no bound may come from the months either
    assert fam("Age  50 y and amenorrheic for 12 or more months.", "age") == []


def test_lost_symbol_nli4ct_is_flagged_not_trusted() -> None:
    # NLI4CT lost "≥": "Female patients,  18 years of age."
    (c,) = fam("Female patients,  18 years of age.", "age")
    assert c.params["min"] == 18 and c.params["symbol_lost"] is True
    assert c.confidence <= 0.6


def test_age_under_label_inherits_context() -> None:
    from osteotrials.criteria import compile_criteria

    text = "PATIENT CHARACTERISTICS:\n\n* Age:\n* greater than or equal to 18 years\n* Sex:\n* Female\n"
    items = [i for i in compile_criteria(text) if i.role != "header"]
    assert [i.constraints[0].family for i in items] == ["age", "sex"]
    assert items[0].constraints[0].params["min"] == 18
    assert items[0].section == ["PATIENT CHARACTERISTICS", "Age"]


def test_conditional_age_is_not_an_age_limit() -> None:
    text = (
        "Patients with the clinical diagnosis of congestive heart failure or angina pectoris are NOT "
        "eligible. Patients with hypertension or age > 60 years must have a Multiple Gated Acquisition "
        "(MUGA) or echocardiogram scan performed within 90 days prior to registration (indicate not "
        "applicable (NA) if no MUGA required) and Left Ventricular Ejection Fraction (LVEF) % must be "
        "greater than the institutional lower limit of normal."
    )
    assert fam(text, "age") == []


@pytest.mark.parametrize(
    ("text", "kind", "sex", "polarity"),
    [
        ("Female, aged 18 years or above;", "inclusion", "female", "require"),
        ("Males", "exclusion", "male", "exclude"),
        ("Female participants 18 years or older", "inclusion", "female", "require"),
    ],
)
def test_sex(text: str, kind: str, sex: str, polarity: str) -> None:
    (c,) = fam(text, "sex", kind)
    assert c.params["sex"] == sex and c.polarity == polarity


def test_both_sexes_is_no_restriction() -> None:
    (c,) = fam("Both men and women are eligible.", "sex")
    assert c.params == {"no_restriction": True}


def test_women_of_childbearing_potential_is_not_a_sex_rule() -> None:
    text = (
        "Female patients who are women of childbearing potential (WOCBP) must have a negative serum "
        "pregnancy test at Screening within 7 days of dosing with CTX-8371"
    )
    assert fam(text, "sex") == []
    assert fam(text, "pregnancy")


def test_interval_in_years_is_not_an_age() -> None:
    assert fam("1 to 5 years post-diagnosis", "age") == []
    assert fam("Must be 1-5 years post-treatment for breast cancer", "age") == []
    (c,) = fam(
        "Women aged 45-69, according to the target age of the screening centres involved;", "age"
    )
    assert (c.params["min"], c.params["max"]) == (45, 69)


def test_upper_age_naming_a_subgroup_is_no_age_rule() -> None:
    text = "Patients age =< 55 years must not be receiving LHRH agonists or antagonists within 3 months prior to randomization"
    assert fam(text, "age") == []
    text = "All participants greater than or equal to 18 years of age must be willing to sign a durable power of attorney."
    (c,) = fam(text, "age")
    assert c.params["min"] == 18


def test_a_therapy_duration_in_years_is_not_an_age() -> None:
    text = "The patient has received adjuvant Tamoxifen therapy for up to 2-3 years and will switch to receive Aromasin® treatment (The decision to prescribe Aromasin® will necessarily precede and will be independent of the decision to enroll patients in the study)."
    assert fam(text, "age") == []
    (c,) = fam("Age of 18-70 years inclusive;", "age")
    assert (c.params["min"], c.params["max"]) == (18, 70)


# --- parser 0.9.0: excluded ages read as the allowed range; "Women ..." as a subject


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Minors less than 18 years old.", {"min": 18.0, "min_inclusive": True}),
        ("Age < 18 years", {"min": 18.0, "min_inclusive": True}),
        # "under 18 or over 85" excluded: one allowed range (an excluded min 85..max 18
        # range could never hold, so the exclusion was never applied)
        (
            "Age < 18 or > 85 years old",
            {"min": 18.0, "min_inclusive": True, "max": 85.0, "max_inclusive": True},
        ),
        ("Age greater than or equal to 65 years", {"max": 65.0, "max_inclusive": False}),
        # an adult minimum under the exclusion header is that minimum, not an upper limit
        ("Must be at least 18 years old", {"min": 18.0, "min_inclusive": True}),
    ],
)
def test_excluded_ages_are_the_allowed_range(text: str, want: dict[str, object]) -> None:
    (c,) = fam(text, "age", "exclusion")
    assert c.polarity == "require"
    assert c.params == want


@pytest.mark.parametrize(
    "text",
    [
        "Women that have had a metastatic malignancy of any kind.",
        "Women under the age of 18 will not be eligible",
        "Women undergoing neoadjuvant chemotherapy are not eligible",
        "Women on antiresorptive drugs (e.g. bisphosphonates) within the past year.",
        "Female participants must not donate, or retrieve for their own use, ova at any time during this study and for at least 7 months after the last dose of datopotamab deruxtecan.",
    ],
)
def test_excluded_women_named_as_the_subject_of_another_rule_are_no_sex_rule(text: str) -> None:
    assert fam(text, "sex", "exclusion") == []


def test_bare_excluded_sex_stays() -> None:
    for text in ("Males.", "Male patients are not eligible for this study", "Male breast cancer"):
        (c,) = fam(text, "sex", "exclusion")
        assert c.params == {"sex": "male"} and c.polarity == "exclude"


def test_age_group_of_a_measured_limit_is_no_age_rule() -> None:
    text = "Creatinine clearance of >/= 75 mL/min for subjects up to 50 years of age, and adjusted for age by a 10% decrease per decade for subjects of more than 50 years of age."
    assert fam(text, "age") == []
    text = "LVEF normal by MUGA or ECHO (for patients with hypertension or for patients > 60 years of age)"
    assert fam(text, "age") == []


def test_rationale_age_after_the_rule_is_no_second_bound() -> None:
    text = "Age greater than or equal to 18 years. Because no dosing or adverse event data are currently available on the use of ABT-888 in patients less than 18 years of age, children are excluded from this study, but may be eligible for future pediatric Phase I combination trials."
    (c,) = fam(text, "age")
    assert c.polarity == "require" and c.params == {"min": 18.0, "min_inclusive": True}


def test_possessive_women_is_no_sex_rule() -> None:
    assert fam("Women's Ccr = Body weight x (140-Age)/(72 x Serum creatinine) x 0.85", "sex") == []


# --- parser 0.10.0


@pytest.mark.parametrize(
    "text",
    [
        "Oncotype ≤ 25 if age ≥ 50 years",
        "Attainment of maximal predicted heart rate (HRmax) (i.e., within 10 bpm of age-predicted HRmax \\[HRmax = 220-Age\\[years\\]);",
    ],
)
def test_a_bound_without_years_or_an_age_word_beside_it_is_no_age(text: str) -> None:
    # the score or rate bound sits in an item that names an age: it is not the age
    assert fam(text, "age") == []


@pytest.mark.parametrize(
    ("text", "kind", "bounds"),
    [
        ("aged \\<18 or ≥75", "exclusion", {"min": 18.0, "max": 75.0}),
        ("Subject is <18 or  75 years of age.", "exclusion", {"min": 18.0}),
        ("Under the age of 50 at diagnosis", "inclusion", {"max": 50.0}),
    ],
)
def test_bounds_with_the_age_word_beside_them_stay_ages(
    text: str, kind: str, bounds: dict[str, float]
) -> None:
    (c,) = fam(text, "age", kind)
    assert {k: c.params[k] for k in ("min", "max") if k in c.params} == bounds


# --- parser 0.18.6


@pytest.mark.parametrize(
    "text",
    [
        "Women treated with adjuvant LHRH (luteinizing hormone-releasing hormone) analog are eligible",
        "Women having a vaginal pH above 5 at baseline",
    ],
)
def test_women_as_the_subject_of_another_rule_is_no_sex_rule(text: str) -> None:
    assert fam(text, "sex") == []


def test_ages_of_a_contraception_rule_say_whom_it_is_for() -> None:
    # NCT06130254: "... must agree to use two highly effective forms of contraception ...
    # This includes all female participants, between the onset of menses between 18 and 55
    # years, unless ...": read as an age rule, every patient over 55 failed
    item = trial_item("NCT06130254", "The effects of adagrasib")
    families = {c.family for c in item.constraints}
    assert "age" not in families
    assert "administrative" in families  # the contraception rule stays


@pytest.mark.parametrize(
    "text",
    [
        "Patient is male or postmenopausal female. Postmenopausal is defined as any of the following:",
        "Male and pre- or peri-menopausal female participants must be willing to take a GnRH (or LHRH) agonist.",
        "Men or women age ≥ 18 years.",
    ],
)
def test_both_sexes_with_a_menopausal_status_or_with_or(text: str) -> None:
    # read as "male" or as nothing, every woman failed (or the item read no sex at all)
    (c,) = fam(text, "sex")
    assert c.params == {"no_restriction": True}


def test_a_statement_about_the_women_of_a_trial_for_both_sexes_is_no_sex_rule() -> None:
    # NCT06016738 admits men; read as "female", the male patient failed it
    assert fam("Female participants can be pre-, peri- or postmenopausal.", "sex") == []
