# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.5: readings found in the criteria that fail all six example patients, in
trials that are recruiting. Each had failed every patient; real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one


def test_inability_to_obtain_proof_requires_the_proof() -> None:
    # read as an exclusion of metastatic breast cancer
    (c,) = fam(
        "Inability to obtain histologic proof of metastatic breast cancer", "diagnosis", "exclusion"
    )
    assert c.polarity == "require"


def test_metastases_at_a_site_are_no_metastatic_setting() -> None:
    assert [c.family for c in one("Known cardiac metastases,", "exclusion")] == []


def test_what_patients_can_continue_is_allowed() -> None:
    text = "Have received prior chemotherapy, definitive radiation, biological cancer therapy or any investigational agent within 21 days before the first dose of study treatment, or have any AEs that have failed to recover to baseline. In patients with prostate cancer, continuance of systemic therapies to maintain castration levels of testosterone is allowed. Pre-menopausal patients with hormone-dependent breast cancer can continue on therapies used for suppression of ovarian function."
    # "hormone-dependent breast cancer" had excluded breast cancer itself
    assert all(c.polarity != "exclude" for c in fam(text, "diagnosis", "exclusion"))


@pytest.mark.parametrize(
    "text",
    [
        "Prior radiation therapy to the current target site.",
        "Previous radiation therapy to the area to be treated with radiation therapy",
        "Prior exposure to mantle cell lymphoma field radiation.",
        "Had previous hemi- or total-body radiation.",
    ],
)
def test_radiotherapy_to_a_site_of_its_own_is_not_any_radiotherapy(text: str) -> None:
    # any course on file had failed it; now "check by hand" when one is
    (c,) = fam(text, "radiotherapy", "exclusion")
    assert c.params.get("site") == ["other"]


def test_lesions_a_study_cannot_treat_are_no_site_exclusion() -> None:
    text = "Bone lesions in the calvarium are not eligible for the dose-finding or expansion portions of the study."
    assert fam(text, "disease_sites", "exclusion") == []


def test_an_irradiated_lesion_that_may_count_is_no_radiotherapy_requirement() -> None:
    text = "Radiologically measurable disease by RECIST v1.1, 4 weeks before C1D1, that can include a lesion in an irradiated field that shows progression according to RECIST v1.1 after irradiation."
    # read as "radiotherapy within 4 weeks required"
    (rt,) = fam(text, "radiotherapy")
    assert rt.polarity == "allow"
    (measurable,) = fam(text, "measurable_disease")
    assert measurable.polarity == "require"


def test_measurability_of_bone_lesions_is_no_site_requirement() -> None:
    text = "For bone lesions, lytic bone lesions or mixed lytic-blastic lesions, with identifiable soft tissue components, that can be evaluated by cross-sectional imaging techniques such as computed tomography (CT) or magnetic resonance imaging (MRI) can be considered as measurable lesions if the soft tissue component meets the definition of measurability per RECIST 1.1. Blastic bone lesions are non-measurable."
    sites = fam(text, "disease_sites")
    # the soft-tissue component of a bone lesion is no soft-tissue site, and the bone
    # lesions name what the definition is for (they had been required of every patient)
    assert [c.params["site"] for c in sites] == ["bone"]
    assert sites[0].polarity == "allow"
    (measurable,) = fam(text, "measurable_disease")
    assert measurable.polarity == "require"


def test_a_visceral_crisis_stays_excluded() -> None:
    text = "In visceral crisis at risk of immediately life-threatening complications in the short term."
    (c,) = fam(text, "disease_sites", "exclusion")
    assert c.polarity == "exclude"


def test_sites_counted_as_too_many_metastases_are_checked_by_hand() -> None:
    text = r"The presence of metastatic breast cancer at the time of study entry with progression in 1-4 lesions (including new lesions). Patients that have disease progression in the breast and/or ipsilateral axilla will be considered to have only 1 site of progression even if multiple nodules/lymph nodes are present. Patients with progression in \> 4 lesions are not allowed. Patients with current progression of malignant pleural effusions, malignant ascites, abdominal carcinomatosis, and/or lymphangitic pulmonary involvement are considered to have \> 4 metastases (Note that patients with a history of these conditions earlier in the disease course with no evidence of progression of these conditions are eligible.)"
    # they had been required of every patient
    sites = fam(text, "disease_sites")
    assert sites and all(c.polarity == "exclude" and c.confidence <= 0.5 for c in sites)
