# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""radiotherapy, bone_agent, biomarker, medication, hypersensitivity, toxicity, surgery."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts, fam, one

from osteotrials.criteria import compile_criteria


def test_radiotherapy_non_irradiated_lesion_rule() -> None:
    text = "Prior radiation therapy to bone is allowed, provided that at least one site of bone metastasis has not been irradiated and radiation is completed prior to registration; there should be no plan for radiation therapy to non-irradiated sites of bone metastases"
    (c,) = fam(text, "radiotherapy")
    assert "non_irradiated_lesion" in c.params["aspect"] and "prior" in c.params["aspect"]
    assert c.params["site"] == ["bone"]


def test_radiotherapy_washout() -> None:
    (c,) = fam(
        "Received radiation therapy ≤14 days prior to initiation of investigational products.",
        "radiotherapy",
        "exclusion",
    )
    assert c.time_window is not None and c.time_window.days == 14 and c.polarity == "exclude"


def test_bone_agents() -> None:
    text = "No prior treatment with IV bisphosphonates is allowed; prior treatment with oral bisphosphonates is allowed, but they must be discontinued prior to the initiation of protocol therapy"
    cs = fam(text, "bone_agent")
    by_route = {c.params["route"]: c.polarity for c in cs}
    assert by_route == {"iv": "exclude", "oral": "allow"}
    assert fam("No prior treatment with denosumab", "bone_agent")[0].params["drugs"] == [
        "denosumab"
    ]
    assert fam("No prior treatment with denosumab", "prior_therapy") == []


def test_biomarker_germline_brca() -> None:
    cs = fam(
        "Germline BRCA1 or BRCA2 mutation; patients with unknown BRCA status who meet NCCN BRCA screening criteria will be screened for BRCA mutation.",
        "biomarker",
    )
    # one constraint per gene named; a requirement of either is an OR-group
    assert [c.params["gene"] for c in cs] == ["BRCA1", "BRCA2"]
    assert all(c.params["germline"] is True for c in cs)
    assert {(c.logic.connective, c.logic.group) for c in cs} == {("or", cs[0].logic.group)}
    assert cs[0].logic.group != 0


@pytest.mark.parametrize(
    ("text", "kind", "genes"),
    [
        (
            "Patients with germline BRCA 1 or 2 mutations will not be eligible.",
            "exclusion",
            ["BRCA1", "BRCA2"],
        ),
        (
            "Eligible for genetic testing in accordance with National Comprehensive Cancer Network guidelines(BRCA2 arm only)",
            "inclusion",
            ["BRCA2"],
        ),
        ("The patient has a known BRCA mutation.", "inclusion", ["BRCA1/2"]),
    ],
)
def test_biomarker_brca_genes_as_named(text: str, kind: str, genes: list[str]) -> None:
    cs = fam(text, "biomarker", kind)
    assert [c.params["gene"] for c in cs] == genes
    if kind == "exclusion":  # excluded if either: each gene is its own exclusion (AND)
        assert all(c.logic.connective == "and" for c in cs)


def test_biomarker_driver_genes_of_the_patient_not_drug_targets() -> None:
    cs = fam(
        "Patients with activating EGFR mutation or ALK rearrangement which is expected to be responsive to available tyrosine kinase inhibitor therapy, must have been previously treated with an applicable tyrosine kinase inhibitor.",
        "biomarker",
    )
    assert [c.params["gene"] for c in cs] == ["EGFR", "ALK"]
    assert all(c.logic.connective == "or" for c in cs)
    (c,) = fam("Absence of known epidermal growth factor receptor (EGFR) mutation", "biomarker")
    assert c.params["gene"] == "EGFR"
    # the gene as a drug target or as the indication of another drug is no biomarker rule
    assert not fam(
        "Prior therapy with commercially available inhibitor of EGFR (including but not limited to gefitinib, erlotinib, lapatinib or cetuximab) or experimental inhibitors of EGFR is prohibited",
        "biomarker",
        "exclusion",
    )
    assert not fam(
        "There should be a minimum of 4 weeks from any prior chemotherapy, immunotherapy and/or radiation, with the exception of hormonal therapy for prostate and breast cancers, human epidermal growth factor receptor 2 (HER2)-directed therapy for HER2+ breast cancer (3+ immunohistochemistry (IHC) or fluorescence in situ hybridization (FISH+), and erlotinib in epidermal growth factor receptor (EGFR)-mutated lung cancer in the expansion cohort as detailed in section. There should be a minimum of 6 weeks from any prior antibody therapies, (such as ipilimumab or anti-Programmed cell death protein 1 (PD1)/Programmed death-ligand 1 (PDL1) due to prolonged half-life.",
        "biomarker",
        "exclusion",
    )


def test_medication_cyp3a() -> None:
    (c,) = fam(
        "Concomitant use of known strong CYP3A inhibitors or moderate CYP3A inhibitors listed in Section 5.5 and Appendix 4, Table 23. The required washout period prior to starting study treatment is 2 weeks.",
        "medication",
        "exclusion",
    )
    assert "cyp3a_inhibitor" in c.params["interaction"]


def test_medication_steroids() -> None:
    (c,) = fam(
        "Current chronic daily treatment with corticosteroids (excluding inhaled steroids)",
        "medication",
        "exclusion",
    )
    assert c.params["classes"] == ["corticosteroid"]


def test_hypersensitivity_drugs_are_not_prior_therapy() -> None:
    text = "Documented hypersensitivity to filgrastim, pegfilgrastim, docetaxel, doxorubicin, dexamethasone and/or its excipients, PEGylated drugs, recombinant proteins."
    (c,) = fam(text, "hypersensitivity", "exclusion")
    assert {"docetaxel", "doxorubicin"} <= set(c.params["drugs"])
    assert fam(text, "prior_therapy", "exclusion") == []


def test_toxicity_grade() -> None:
    (c,) = fam(
        "Unresolved clinically significant AEs \\> Grade 1 from prior anticancer therapy.",
        "toxicity",
        "exclusion",
    )
    assert c.params["max_grade"] == 1


def test_surgery_washout() -> None:
    (c,) = fam("More than 4 weeks since prior major surgery", "surgery")
    assert "major_surgery" in c.params["aspect"]
    assert c.time_window is not None and c.time_window.relation == "more_than"


# --- parser 0.7.0: surgery, medication and toxicity only when they are the subject


def _families(text: str, kind: str = "inclusion") -> set[str]:
    return {c.family for c in one(text, kind)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # an example of how lesions were treated
        (
            "Spinal cord compression, brain metastases or leptomeningeal metastases unless these lesions are definitively treated (eg. radiotherapy, surgery) and clinically stable off steroids for management of symptoms for at least 4 weeks prior to study treatment initiation.",
            "exclusion",
        ),
        # where the tissue came from
        (
            "Estrogen receptor and/or progesterone receptor positive (by laboratory/institutional standard) at the time of primary diagnosis or determined during subsequent biopsy/surgery of metastases.",
            "inclusion",
        ),
        # a time anchor of the diagnosis
        (
            "Histologically confirmed invasive breast cancer with incurable stage IIIB, IIIC with T4 lesion or stage IV disease at primary diagnosis or at relapse after curative intent surgery.",
            "inclusion",
        ),
    ],
)
def test_surgery_not_read_from_context(text: str, kind: str) -> None:
    assert "surgery" not in _families(text, kind)


def test_surgery_kept_when_it_is_the_rule() -> None:
    (c,) = fam(
        "Major surgery within 30 days before first dose of investigational product",
        "surgery",
        "exclusion",
    )
    assert "major_surgery" in c.params["aspect"]
    assert fam("Brachytherapy after lumpectomy is permitted.", "surgery")  # a named procedure


def test_growth_factor_receptor_is_not_a_growth_factor() -> None:
    text = "Participants with human epidermal growth factor receptor-2 (HER2) positive disease must have progressed on or following trastuzumab"
    assert "medication" not in _families(text)


def test_insulin_dependent_diabetes_is_a_comorbidity_only() -> None:
    assert _families("insulin dependent diabetes", "exclusion") == {"comorbidity"}


def test_cyp3a4_written_out() -> None:
    text = "Patients receiving any medications or substances that are potent inhibitors or inducers of cytochrome P450, family 3, subfamily A, polypeptide 4 (CYP 450 3A4) are ineligible; however, patients will be permitted regular dietary consumption of caffeine; glyburide will be allowed for the treatment of hyperglycemia"
    (c,) = fam(text, "medication", "exclusion")
    assert "cyp3a_inhibitor" in c.params["classes"]


def test_items_under_a_concurrent_therapy_section_are_medication() -> None:
    nct = "NCT00278109"
    items = {i.text: i for i in compile_criteria(criteria_texts()[nct])}
    item = items["Steroids given for adrenal failure"]
    assert item.section and "CONCURRENT" in item.section[0]
    assert [c.family for c in item.constraints] == ["medication"]
    assert item.constraints[0].params["classes"] == ["corticosteroid"]


def test_neuropathy_graded_by_ctcae_is_toxicity() -> None:
    text = "Stage II-IV neuropathy according to Common Terminology Criteria for Adverse Events (CTCAE) v.4.0;"
    assert _families(text, "exclusion") == {"toxicity"}


# --- parser 0.9.0


def test_toxicity_grade_0_or_1_is_max_grade_1() -> None:
    text = "Peripheral neuropathy Grade 0 or 1 by National Cancer Institute (NCI) Common Terminology Criteria for Adverse Events (CTCAE)."
    (c,) = fam(text, "toxicity")
    assert c.params["max_grade"] == 1


def test_toxic_effects_of_prior_therapy_are_a_toxicity_rule() -> None:
    text = "Resolution of all acute toxic effects of prior therapy to NCI CTCAE Grade  1 or baseline (except alopecia)"
    cs = one(text)
    assert [c.family for c in cs] == ["toxicity"]


def test_genes_listed_after_mutations_in_are_the_patients_alterations() -> None:
    text = "Have a diagnosis of a tumor with evidence of genomic instability on Clinical Laboratory Improvement Amendments (CLIA) certified genomic testing, inclusive of mutations in POLE, POLD1 for arm 1 and in BRCA1 and BRCA2 for arm 2; in arm 2, enrollment of breast and ovarian histologies will be limited to"
    genes = [c.params["gene"] for c in fam(text, "biomarker")]
    assert genes == ["POLE", "POLD1", "BRCA1", "BRCA2"]
    (c,) = fam("A documented mutation in EGFR exons 19 or 21", "biomarker")
    assert c.params["gene"] == "EGFR"


def test_first_dose_of_investigational_drug_is_a_time_anchor() -> None:
    nct = "NCT02312622"
    text = "Patients may not be receiving the following medications at the time of first dose of investigational drug:"
    (item,) = [i for i in compile_criteria(criteria_texts()[nct]) if i.text == text]
    assert "trial_participation" not in {c.family for c in item.constraints}


# --- parser 0.10.0


@pytest.mark.parametrize(
    ("text", "kind", "grade"),
    [
        (
            "Peripheral neuropathy of Grade >/= 3 per National Cancer Institute (NCI) common terminology criteria for adverse events (CTCAE) v 4.0",
            "exclusion",
            3,
        ),
        (
            "Patients must demonstrate resolution of all toxicities related to prior chemotherapy, endocrine therapy, targeted therapy, or biologic therapy to grade =< 1, including peripheral neuropathy, with the exception of alopecia (any grade permissible)",
            "inclusion",
            1,
        ),
    ],
)
def test_toxicity_grade_after_slash_and_reversed_symbols(text: str, kind: str, grade: int) -> None:
    # ">/=" and "=<" are how many records write >= and <=
    (c,) = fam(text, "toxicity", kind)
    assert c.params["max_grade"] == grade


@pytest.mark.parametrize(
    "text",
    [
        "Inadequately controlled hypertension (defined as systolic blood pressure > 150 and/or diastolic blood pressure > 100 mmHg on antihypertensive medications).",
        "No inadequately controlled hypertension, defined as systolic blood pressure (BP) > 150 mm Hg and/or diastolic BP > 100 mm Hg despite antihypertensive medications",
    ],
)
def test_antihypertensives_defining_uncontrolled_hypertension_are_no_drug_rule(text: str) -> None:
    # excluding the drug class would exclude every patient whose blood pressure is treated
    assert fam(text, "medication", "exclusion") == []


def test_drugs_in_parentheses_after_randomized_therapy_are_the_trial_drugs() -> None:
    text = "Used an investigational drug within 30 days or 5 half-lives, whichever is longer, preceding the first dose of randomized therapy (lapatinib or placebo);"
    assert all("lapatinib" not in c.params.get("drugs", []) for c in one(text, "exclusion"))


def test_toxicity_grade_after_worded_or_equals_operator() -> None:
    # parser 0.12.0: "Grade less than or equal to (</=) 1", "grade = 1"
    (t,) = fam(
        "All acute treatment-related toxicity must have resolved to Grade less than or equal to (</=) 1 or be deemed stable by the Investigator",
        "toxicity",
    )
    assert t.params["max_grade"] == 1
    (t,) = fam(
        "Pre-existing motor or sensory neuropathy of Grade greater than (>) 1",
        "toxicity",
        "exclusion",
    )
    assert t.params["max_grade"] == 1


def test_sex_hormonal_therapy_is_a_medication_not_anticancer_therapy() -> None:
    # parser 0.12.0: contraceptives and hormone replacement are concurrent medication
    got = one(
        "No concurrent sex hormonal therapy (e.g., birth control pills, ovarian hormonal replacement therapy)",
        "exclusion",
    )
    assert {c.family for c in got} == {"medication"}
    assert got[0].params["classes"] == ["hormone_replacement"]
    got = one(
        "Patients must be willing to discontinue sex hormonal therapy e.g., birth control pills, ovarian hormonal replacement therapy, etc., prior to enrollment.",
    )
    assert "prior_therapy" not in {c.family for c in got}
    assert "medication" in {c.family for c in got}
    # the contraceptive of a contraception rule is not a drug rule
    got = one(
        "Sexually active pre-menopausal women must use adequate contraceptive measures, excluding estrogen containing contraceptives, while on study;"
    )
    assert "medication" not in {c.family for c in got}


def test_condition_caused_by_radiation_is_not_a_radiotherapy_rule() -> None:
    # parser 0.12.0: "radiation pneumonitis", "adverse events from radiation"
    for text, family in (
        ("History of radiation pneumonitis", "comorbidity"),
        (
            "7.3 Acute adverse events from radiation must have resolved to Grade 1 (according to current version of NCI CTCAE).",
            "toxicity",
        ),
        (
            "Any infection or unhealed wound of the radiotherapy portal areas, or generalized dermatitis",
            "comorbidity",
        ),
    ):
        got = {c.family for c in one(text, "exclusion")}
        assert "radiotherapy" not in got and family in got, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "No other concurrent therapy for the treatment of breast cancer except for "
            "bisphosphonates",
            "inclusion",
        ),
        (
            "Other chemotherapy, hormonal therapy, immunotherapy, other investigational agents, "
            "or biologic agents for the treatment of cancer except for bisphosphonates or "
            "denosumab",
            "exclusion",
        ),
        (
            "Currently receiving any unapproved investigational product other than denosumab",
            "exclusion",
        ),
    ],
)
def test_bone_agents_named_as_exceptions_are_allowed(text: str, kind: str) -> None:
    # read as the rule's agents these excluded most patients with bone metastases
    bone = fam(text, "bone_agent", kind)
    assert bone and {c.polarity for c in bone} == {"allow"}
