# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""cns, disease_sites and measurable_disease components."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one


def test_active_and_treated_cns_in_one_item() -> None:
    text = (
        "Presence of known active CNS metastases and/or carcinomatous meningitis. Subjects with "
        "previously treated brain metastases may participate provided they are radiologically stable, "
        "i.e., without evidence of progression for at least 4 weeks by repeat imaging, clinically "
        "stable, and without requirement of steroid treatment for at least 14 days prior to first dose "
        "of study treatment."
    )
    cs = {c.params["status"]: c for c in fam(text, "cns", "exclusion")}
    assert cs["active"].polarity == "exclude"
    assert cs["leptomeningeal"].polarity == "exclude"
    treated = cs["treated_stable"]
    assert treated.polarity == "allow"
    assert treated.params["stable_weeks"] == 4 and treated.params["steroids"] == "off"


def test_no_cns_disease() -> None:
    (c,) = fam(
        "No clinical evidence of or known brain or central nervous system (CNS) disease", "cns"
    )
    assert c.polarity == "exclude"


def test_bone_only_disease_site() -> None:
    text = "Patients with bilateral breast cancer, bone metastases as the only disease site or metastases to more than 30% of the hepatic parenchyma."
    cs = {c.params["site"]: c for c in fam(text, "disease_sites", "exclusion")}
    assert cs["bone"].params["extent"] == "only" and cs["bone"].polarity == "exclude"
    assert cs["liver"].params["extent"].startswith("more than 30")


def test_at_least_one_bone_metastasis() -> None:
    text = "At least one site of bone metastasis or bone involvement by radiologic imaging including plain radiograph, computed tomography (CT), positron emission tomography (PET) scan, PET/CT scan, magnetic resonance imaging, bone scan, or skeletal survey; indeterminate lesions should be confirmed by a second imaging method"
    (c,) = fam(text, "disease_sites")
    assert c.params["site"] == "bone" and c.params["extent"] == "at_least_one"


def test_measurable_required() -> None:
    (c,) = fam(
        "Measurable disease per Response Evaluation Criteria in Solid Tumors (RECIST) version 1.1.",
        "measurable_disease",
    )
    assert c.params["requirement"] == "measurable" and c.polarity == "require"
    assert (
        fam(
            "Measurable disease per Response Evaluation Criteria in Solid Tumors (RECIST) version 1.1.",
            "diagnosis",
        )
        == []
    )


def test_bone_only_nonmeasurable_allowed() -> None:
    text = "Exception: Patients with lytic or blastic bone metastases as their only site of disease will be eligible for the study even though these patients are not considered to have measurable disease by Response Evaluation Criteria in Solid Tumors (RECIST) criteria; these patients will be evaluable for time to progression, but not response"
    (c,) = fam(text, "measurable_disease")
    assert c.params["bone_only"] == "allowed"


def test_bone_only_needs_measurable_component() -> None:
    text = "Measurable disease is required as per RECIST 1.1 (NOTE: Bone only metastatic disease is acceptable but requires a measurable component)"
    (c,) = fam(text, "measurable_disease")
    assert c.params["bone_only"] == "requires_measurable_component"
    assert c.params["requirement"] == "measurable"


def test_recist_as_a_progression_yardstick_is_not_measurability() -> None:
    text = "Radiographic progression of disease while on treatment with trastuzumab as defined by RECIST v 1.1."
    assert fam(text, "measurable_disease") == []
    (c,) = fam(
        "The patient must have radiographically measurable disease as per RECIST 1.1.",
        "measurable_disease",
    )
    assert c.params["requirement"] == "measurable"


def test_liver_disease_burden_is_a_site_rule() -> None:
    (c,) = fam("Liver disease burden greater or equal to 50 percent", "disease_sites", "exclusion")
    assert c.params["site"] == "liver"
    assert (
        fam("Liver disease burden greater or equal to 50 percent", "comorbidity", "exclusion") == []
    )


def test_example_of_a_non_measurable_lesion_is_not_a_site_rule() -> None:
    text = "Patients with non-measurable non-evaluable lesions such as pleural effusion are not eligible to participate."
    assert fam(text, "disease_sites", "exclusion") == []
    assert fam(text, "measurable_disease", "exclusion")


# --- parser 0.9.0


def test_cns_metastases_no_longer_symptomatic_are_treated_stable() -> None:
    text = "Participants with treated CNS metastases that are no longer symptomatic may be included in the study if they recovered to \\< Grade 1 (CTCAE Version 5.0 or higher) or baseline from the acute toxic effect associated with the treatment \\> 7 days prior to Cycle 1 Day 1."
    (c,) = fam(text, "cns")
    assert c.params["status"] == "treated_stable" and c.params["symptomatic"] is False
    text = "Brain metastases either untreated and symptomatic or requiring therapy with steroids or anticonvulsants to control associated symptoms. Brain metastases that have been treated and are no longer symptomatic are allowed"
    statuses = {c.params["status"] for c in fam(text, "cns", "exclusion")}
    assert statuses == {"active", "treated_stable"}


def test_measurable_lesion_or_bone_lesions_allows_bone_only() -> None:
    (c,) = fam("Subjects with a measurable lesion or bone lesions", "measurable_disease")
    assert c.params["requirement"] == "bone_only_allowed"


def test_lesion_size_of_a_measurability_rule_is_no_site_rule() -> None:
    text = "Measurable disease (must have been  2.0 cm, except for pulmonary lesions that were well documented on CT scan that were  1.0 cm)."
    assert fam(text, "disease_sites") == []
    assert fam(text, "measurable_disease")


def test_lesions_listed_as_not_measurable_are_no_site_or_cns_rule() -> None:
    text = "At least one measurable metastatic lesion according to RECIST 1.1 criteria. Ascites, pleural effusions, and bone metastases are not considered measurable. Minimum indicator lesion size  10 mm by helical CT or  20 mm by conventional techniques."
    cs = one(text)
    assert "disease_sites" not in {c.family for c in cs}
    assert "measurable_disease" in {c.family for c in cs}
    text = "At least one measurable lesion according to RECIST 1.1 (Response Evaluation Criteria for Solid Tumours version 1.1). Skin, bone and brain lesions are considered non-target lesions"
    assert fam(text, "cns") == []
    # a bone-only rule stays a site rule
    (c,) = fam("Bone only disease are ineligible", "disease_sites")
    assert c.params["site"] == "bone"


def test_non_cns_disease_is_no_cns_rule() -> None:
    text = "At least 1 week since prior radiotherapy to non-CNS disease and recovered"
    assert fam(text, "cns") == []
    (c,) = fam(text, "radiotherapy")
    assert "site" not in c.params


def test_measurable_disease_not_required_is_measurable_or_evaluable() -> None:
    for text in (
        "Measurable disease preferred but not required for eligibility",
        "Patients must have evidence of disease to be eligible for the study, but measurable disease is not mandatory.",
        "LMeasurable or non measurable disease defined according to RECIST V1.1",
    ):
        (c,) = fam(text, "measurable_disease")
        assert c.params["requirement"] == "measurable_or_evaluable", text


def test_bone_only_disease_not_accepted_as_measurable_is_no_bone_site_requirement() -> None:
    text = "Patients must have measurable disease, defined as at least one lesion that can be accurately measured in at least one dimension (longest diameter to be recorded) as greater than or equal to 10 mm with conventional techniques. Bone disease only will not be accepted as measurable disease. Pleural or peritoneal effusions will not be accepted as measurable disease"
    assert fam(text, "disease_sites") == []


def test_extraskeletal_disease_is_no_bone_site() -> None:
    text = "Extraskeletal disease that can be accurately measured >= 10 mm by standard imaging techniques that can include but not limited to computed tomography (CT), positron emission tomography (PET), PET/CT, magnetic resonance imaging (MRI);"
    assert fam(text, "disease_sites") == []


# --- parser 0.10.0


def test_settings_listed_for_a_prior_therapy_are_no_diagnosis() -> None:
    text = "Prior treatment with a taxane in the neoadjuvant, adjuvant, locally advanced, and/or metastatic disease treatment setting."
    assert fam(text, "diagnosis") == []
    assert fam(text, "prior_therapy") != []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("or  3 x ULN (no liver metastasis)", "inclusion"),
        ("5 × ULN with documented liver metastases", "inclusion"),
        ("normal (ULN) for patients without liver metastasis; <5.0 × ULN", "inclusion"),
        ("Denosumab or bisphosphonates to treat metastatic bone disease", "exclusion"),
    ],
)
def test_site_as_a_lab_condition_or_drug_indication_is_no_site_rule(text: str, kind: str) -> None:
    assert fam(text, "disease_sites", kind) == []


def test_brain_metastases_requiring_immediate_local_therapy_are_active() -> None:
    text = "Patients requiring immediate local therapy for brain metastases"
    (c,) = fam(text, "cns", "exclusion")
    assert c.params["status"] == "active"


def test_cancer_spread_to_the_brain_is_a_cns_rule() -> None:
    # parser 0.12.0: lay wording of brain metastases (PDQ patient summaries)
    assert {c.family for c in one("Cancer that has spread to the brain.", "exclusion")} == {"cns"}
    (c,) = one("Symptomatic metastatic brain cancer", "exclusion")
    assert c.family == "cns" and c.params["status"] == "active"


def test_nodal_involvement_inside_tnm_staging_is_no_site_rule() -> None:
    # parser 0.12.0: regional nodes named as part of the staging set no disease_sites
    for text in (
        "Metastatic (Stage IV) breast cancer or clinical node stage 3 (cN3) nodal involvement",
        "node-positive: T1-3, N1-2, M0 (level of T [tumor involvement], N [lymph node involvement], & M [matastases]) OR",
    ):
        assert "disease_sites" not in {c.family for c in one(text, "exclusion")}, text


@pytest.mark.parametrize(
    "text",
    [
        "Symptomatic visceral disease, imminent organ failure, or any other reason that makes the participant ineligible for endocrine monotherapy.",
        "Rapidly progressive visceral disease",
    ],
)
def test_symptomatic_or_life_threatening_visceral_disease_is_a_clinical_judgement(
    text: str,
) -> None:
    # parser 0.18.6: read as any visceral metastasis, every patient with one failed
    (c,) = fam(text, "disease_sites", "exclusion")
    assert c.params["extent"] == "crisis"
