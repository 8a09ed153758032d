# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: an exclusion that names a feature of the breast cancer ("Inflammatory
breast cancer", "Bilateral invasive breast cancer", "Male breast cancer") or uses breast
cancer to name something else ("Inhibitors of breast cancer resistance protein") does not
exclude breast cancer. Read as "breast cancer excluded", every patient of those breast
cancer trials had failed. Having had breast cancer stays a rule (screening and prevention
trials). Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, trial_item


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Inflammatory breast cancer", "exclusion"),
        ("Bilateral invasive breast cancer.", "exclusion"),
        ("Male breast cancer", "exclusion"),
        ("Metaplastic breast cancer", "exclusion"),
        ("Synchronous contralateral or multicentric breast cancer.", "exclusion"),
        ("Inhibitors of breast cancer resistance protein (BCRP)", "exclusion"),
        (
            "Treatment including RT, chemotherapy, and/or targeted therapy, administered for the currently diagnosed breast cancer prior to study entry.",
            "exclusion",
        ),
        (
            "Major surgery within 4 weeks before enrollment that is unrelated to the breast cancer.",
            "exclusion",
        ),
        ("not diagnosed with breast cancer", "exclusion"),
        ("No inflammatory breast cancer", "inclusion"),
    ],
)
def test_a_feature_of_the_cancer_does_not_exclude_breast_cancer(text: str, kind: str) -> None:
    for c in fam(text, "diagnosis", kind):
        assert c.params.get("cancer") != "breast" or c.polarity != "exclude", c.params


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Personal history of breast cancer", "exclusion"),
        (
            "Women that have had prior invasive breast cancer, diagnosed or treated within the past five years.",
            "exclusion",
        ),
        ("No history of invasive breast cancer", "inclusion"),
        (
            "No previously diagnosed breast cancer unless all systemic therapy (including endocrine therapy) was completed at least 1 year ago",
            "inclusion",
        ),
        (
            "No evidence of breast cancer, as determined by a negative mammogram within the past 6 months and a history and physical",
            "inclusion",
        ),
    ],
)
def test_having_had_breast_cancer_stays_a_rule(text: str, kind: str) -> None:
    (c,) = fam(text, "diagnosis", kind)
    assert c.polarity == "exclude" and c.params.get("cancer") == "breast"


# --- parser 0.18.6


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Must have a documented deleterious Breast Cancer Gene BRCA1 or BRCA2 germline mutation.",
            "inclusion",
        ),
        ("Patients with known BReast CAncer gene (BRCA)1/BRCA 2 mutations.", "exclusion"),
        (
            "Known mutation in breast cancer susceptibility gene 1 (BRCA1) or breast cancer susceptibility gene 2 (BRCA2)",
            "inclusion",
        ),
        ("Either cancer antigen (CA) 15-3 or CA 27-29 allowed", "inclusion"),
        # the tumour names a sample: "confirmed" confirms its availability
        ("Confirmed availability of formalin-fixed, paraffin-embedded tumor tissue", "inclusion"),
    ],
)
def test_cancer_naming_a_gene_an_antigen_or_a_sample_is_no_diagnosis(text: str, kind: str) -> None:
    assert fam(text, "diagnosis", kind) == []


def test_breast_cancer_resistance_protein_inhibitors_are_a_medication_class() -> None:
    # sub-items of a concomitant-medication exclusion: compiled in their trial's text
    for nct, text in (
        ("NCT05455619", "Inhibitors of breast cancer resistance protein (BCRP)"),
        ("NCT06130254", "Strong inhibitor of BCRP"),
    ):
        item = trial_item(nct, text)
        assert [(c.family, c.polarity, c.params["classes"]) for c in item.constraints] == [
            ("medication", "exclude", ["bcrp"])
        ]


@pytest.mark.parametrize(
    "text",
    [
        "Prior chemotherapy for unresectable, locally advanced breast cancer or metastatic disease.",
        "Previous radiotherapy for the treatment of unresectable, locally advanced or metastatic breast cancer is not allowed if more than 25% of marrow-bearing bone has been irradiated or the last fraction of radiotherapy has been administered within approximately 3 weeks prior to randomization.",
    ],
)
def test_the_setting_of_an_excluded_therapy_is_no_diagnosis_rule(text: str) -> None:
    # the disease after a comma-separated list of settings is what the therapy was for;
    # read as an exclusion of the metastatic setting, every patient of the trial failed
    assert fam(text, "diagnosis", "exclusion") == []


@pytest.mark.parametrize(
    "text",
    [
        "Rapidly progressive or life-threatening metastatic disease",
        "4. Patients with myeloid malignancies and myelodysplasia or evidence of metastatic disease in bone marrow or brain",
    ],
)
def test_excluded_metastases_with_a_site_or_a_feature_are_not_the_metastatic_setting(
    text: str,
) -> None:
    for c in fam(text, "diagnosis", "exclusion"):
        assert "metastatic" not in c.params.get("setting", [])


def test_a_relapse_dating_another_therapy_rule_is_no_diagnosis_rule() -> None:
    text = "Patients must have no history of prior therapy with trastuzumab (Herceptin), Ixabepilone (BMS-247550) or carboplatin for metastatic disease; patients who develop metastatic disease =< 6 months after completing adjuvant trastuzumab (Herceptin), paclitaxel, docetaxel, carboplatin, or Ixabepilone (BMS-247550) are considered to have had prior therapy for metastatic disease and are excluded from study"
    assert fam(text, "diagnosis") == []
    assert fam(text, "prior_therapy")


@pytest.mark.parametrize(
    "text",
    [
        "Histologically-confirmed Her2neu positive breast cancer, by either Immunohistochemistry (IHC) 3+ or Fluorescence In Situ Hybridization (FISH)+",
        "Documented diagnosis of metastatic breast carcinoma (stage IV) Human Epidermal Growth Factor Receptor 2 (HER2) overexpressing (Immunohistochemistry (IHC) 3+ or Fluorescence In Situ Hybridization(FISH) +).",
    ],
)
def test_in_situ_hybridization_is_no_carcinoma_in_situ(text: str) -> None:
    # read as the in-situ setting, the requirement failed every metastatic patient
    (c,) = fam(text, "diagnosis")
    assert "in_situ" not in c.params.get("setting", [])


def test_the_college_of_american_pathologists_confirms_nothing() -> None:
    text = "The tumor must be HER2-negative by current ASCO/CAP (American Society of Clinical Oncology/College of American Pathologists) guidelines based on local testing results."
    assert fam(text, "diagnosis") == []
