# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.6: a therapy named as contraindicated is a condition of the patient
(``comorbidity`` "contraindication", unknown to the matcher), not a therapy the patient had
or takes. Read as a therapy rule, "No contraindication to anti-hormonal treatment" excluded
every patient who had had endocrine therapy, "Definite contraindications for the use of
corticosteroids" every patient on steroids. Real snapshot text only."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import one

_THERAPY = {"prior_therapy", "medication", "bone_agent"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Definite contraindications for the use of corticosteroids.", "exclusion"),
        ("Contraindications for corticosteroid administration.", "exclusion"),
        ("No contraindication to anti-hormonal treatment", "inclusion"),
        ("Any other contraindications to tamoxifen therapy", "exclusion"),
        (
            "Any contraindications to the selected standard-of-care endocrine therapy in the local prescribing information.",
            "exclusion",
        ),
        ("PRE-REGISTRATION: Contraindication for aspirin use", "exclusion"),
        ("Patients for whom docetaxel is contraindicated", "exclusion"),
    ],
)
def test_a_contraindicated_therapy_is_a_condition_not_a_therapy_rule(text: str, kind: str) -> None:
    constraints = one(text, kind)
    assert not {c.family for c in constraints} & _THERAPY
    (c,) = [c for c in constraints if c.family == "comorbidity"]
    assert "contraindication" in c.params["condition"] and c.polarity == "exclude"


def test_a_drug_contraindicated_for_a_lab_value_leaves_the_lab_rule() -> None:
    text = "Capecitabine is contraindicated in patients with a creatinine clearance of <30 ml/min.Patients with a creatinine clearance less than 50 ml/minute by Cockroft and Gault Equation will be excluded from the trial."
    constraints = one(text, "exclusion")
    assert "prior_therapy" not in {c.family for c in constraints}
    assert {c.params["analyte"] for c in constraints if c.family == "lab"} == {"crcl"}


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: Prior treatment with trastuzumab is required unless there is a contraindication for trastuzumab treatment",
        "Must have received prior anthracycline and taxane therapy unless clinically contraindicated",
        "Prior therapy should have included a taxane and/or anthracycline (unless contraindication to those) in the neoadjuvant, adjuvant, or advanced/metastatic setting.",
    ],
)
def test_a_contraindication_excepted_from_a_therapy_requirement_keeps_the_requirement(
    text: str,
) -> None:
    constraints = one(text)
    (c,) = [c for c in constraints if c.family == "prior_therapy"]
    assert c.polarity == "require"
    # the exception is no rule of its own
    assert not any("contraindication" in c.params.get("condition", []) for c in constraints)


@pytest.mark.parametrize(
    "text", ["Residing in a nursing home", "previously use of lactate-containing lubricants"]
)
def test_nursing_home_and_lactate_are_no_breastfeeding(text: str) -> None:
    assert "pregnancy" not in {c.family for c in one(text, "exclusion")}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Patient with symptomatic visceral disease or any disease burden that makes the patient ineligible for endocrine therapy per the investigator's best judgment.",
            "exclusion",
        ),
        (
            "The disease must be deemed unsuitable for curative treatments including surgery, radiotherapy, systemic therapy, including checkpoint inhibitors, or any combination of the above modalities by the referring oncology physician and confirmed by the senior oncologists leading the protocol.",
            "inclusion",
        ),
    ],
)
def test_a_therapy_the_patient_is_unsuitable_for_is_no_therapy_rule(text: str, kind: str) -> None:
    assert not [c for c in one(text, kind) if c.family == "prior_therapy"]


def test_a_new_predicate_ends_the_unsuitable_clause() -> None:
    text = "Histologically proven recurrent or persistent endometrial cancer that is not amenable to curative treatment with surgery and/or radiation therapy AND has failed 2 previous treatment regimens"
    (c,) = [c for c in one(text) if c.family == "prior_therapy"]
    assert c.params["min_lines"] == 2
