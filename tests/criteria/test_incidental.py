# ruff: noqa: E501  (real criteria text is long)
"""Incidental mentions (criteria/incidental.py): a family named only inside a time anchor,
an example list of another kind or a purpose clause is not a rule of the item. Real
snapshot text only."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import one


def _families(text: str, kind: str = "inclusion") -> set[str]:
    return {c.family for c in one(text, kind)}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # the duration of an obligation: "after surgery" anchors the contraception rule
        (
            "Male patients must continue to use contraception for 3 months after the completion of radiotherapy",
            "inclusion",
            {"administrative"},
        ),
        # "after the last dose of study drug for participants receiving cyclophosphamide"
        (
            "Females of childbearing potential must be willing to use adequate contraception for the course of the study through 12 months after the last dose of study drug for participants receiving cyclophosphamide and through 6 months after the last dose of study drug for participants who do not receive cyclophosphamide",
            "inclusion",
            {"administrative"},
        ),
        # "before the first dose of <the study drug>": the drug is the anchor
        (
            "Radiation therapy within 4 weeks prior to the first dose of \\[177Lu\\]Lu-NNS309",
            "exclusion",
            {"radiotherapy"},
        ),
        (
            "Concurrent use of CYP3A4 inhibitors and inducers from 72 hours prior to initiation of study treatment until the end of treatment with everolimus.",
            "exclusion",
            {"medication"},
        ),
    ],
)
def test_time_anchor_creates_no_family(text: str, kind: str, expected: set[str]) -> None:
    assert _families(text, kind) == expected


def test_anchor_ends_before_a_new_predicate() -> None:
    # "... prior to first dose of everolimus or has not recovered from side effects": the
    # toxicity rule after the anchor is the item's own
    text = "Wide field radiotherapy (including therapeutic radioisotopes such as strontium 89) administered 28 days or limited field radiation for palliation 7 days for metastatic disease prior to first dose of everolimus or has not recovered from side effects of such therapy."
    assert {"radiotherapy", "toxicity"} <= _families(text, "exclusion")


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # an indication inside the examples of a therapy rule is no comorbidity rule
        (
            "Current therapy with any endocrine therapy such as raloxifene (Evista®), tamoxifen, or other selective estrogen receptor modulators (SERMs), either for osteoporosis or breast cancer prevention.",
            "exclusion",
            {"prior_therapy"},
        ),
        # birth control pills as examples of hormonal therapy: no contraception rule; since
        # 0.12.0 sex hormonal therapy is no anticancer therapy either (the adjudicated sets
        # annotate it `medication`, which needs a use cue such as "concurrent" here)
        (
            "Any sex hormonal therapy, e.g., birth control pills and ovarian hormone replacement therapy",
            "exclusion",
            {"sex"},
        ),
        # drug classes named by their targets: no biomarker rule
        (
            "Targeted agents such as CDK 4/6 inhibitors, PIK3CA inhibitors, MTOR inhibitors",
            "exclusion",
            {"prior_therapy"},
        ),
        # "poor compliance with an antihypertensive regimen" as an example of heart disease
        (
            "Other clinically significant heart disease (e.g. congestive heart failure, uncontrolled hypertension, history of labile hypertension, or history of poor compliance with an antihypertensive regimen)",
            "exclusion",
            {"cardiac"},
        ),
    ],
)
def test_examples_of_another_kind_add_no_family(text: str, kind: str, expected: set[str]) -> None:
    assert _families(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # members of the head's kind stay: illnesses named as examples of an illness rule
        (
            "No concurrent serious medical illness (e.g., HIV positivity or active hepatitis B or C)",
            "inclusion",
            {"comorbidity", "infection"},
        ),
        (
            "Have uncontrolled illness (including, but not limited to, ongoing or active infection, congestive heart failure, angina pectoris, or cardiac arrhythmia) that would limit compliance with study requirements",
            "exclusion",
            {"comorbidity", "infection", "cardiac"},
        ),
        # radiation named among anticancer therapies stays
        (
            "Patients currently receiving anticancer therapies or who have received anticancer therapies within 2 weeks of the start of study drug (including chemotherapy, radiation therapy, and biologics)",
            "exclusion",
            {"prior_therapy", "radiotherapy"},
        ),
        # the head's words name the kind when no family was read from them
        (
            "No concurrent antithrombotic therapy (e.g., daily aspirin or anticoagulants)",
            "inclusion",
            {"comorbidity", "medication"},
        ),
        # (the contraindicated denosumab itself is no bone-agent rule since parser 0.18.6:
        # tests/criteria/test_contraindications.py)
        (
            "For CRPC patients - Definite contraindication for denosumab at baseline (e.g. hypocalcaemia [Albumin-corrected serum calcium < 2.0 mmol/l]).",
            "exclusion",
            {"lab"},
        ),
    ],
)
def test_examples_of_the_heads_kind_are_kept(text: str, kind: str, expected: set[str]) -> None:
    assert expected <= _families(text, kind)


def test_purpose_clause_creates_no_therapy_rule() -> None:
    # "which will limit the ability of the patient to safely receive anticancer treatment"
    text = "Serious comorbid illness which will limit the ability of the patient to safely receive anticancer treatment"
    assert _families(text, "exclusion") == {"comorbidity"}


def test_lone_mention_is_left_as_it_was() -> None:
    # nothing outside the scope: the rule does not empty an item
    text = "Radiation therapy within 4 weeks prior to the first dose of \\[177Lu\\]Lu-NNS309"
    assert _families(text, "exclusion")


def test_first_cycle_of_treatment_is_an_anchor() -> None:
    text = (
        "be able to complete first time point of data collection prior to first chemotherapy cycle"
    )
    assert _families(text) == {"administrative"}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # the reason for a rule: the hazard named is not a rule of its own
        (
            "Patients must not be pregnant due to the potential harm to the fetus from radiation exposure from radiographic imaging",
            "exclusion",
            {"pregnancy"},
        ),
        (
            "Planned surgery or procedure during time on study and ≤ 14 days after last dose, due to bleeding risks",
            "exclusion",
            {"surgery"},
        ),
        (
            # (and, since 0.17.0, "the first 8 weeks of dasatinib therapy" names the study
            # treatment as the time of the rule: no prior-therapy rule either)
            "Patient agrees that IV bisphosphonates will be withheld for the first 8 weeks of dasatinib therapy due to risk of hypocalcemia.",
            "inclusion",
            {"bone_agent"},
        ),
    ],
)
def test_reason_for_a_rule_creates_no_family(text: str, kind: str, expected: set[str]) -> None:
    assert _families(text, kind) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a condition of applicability after the rule: no residence (availability) rule
        (
            "Be female and at least 18 years of age. Note: must be 19 years of age if the patient is a resident of the state of Alabama",
            {"age", "sex"},
        ),
        # the age inside a menopause definition's condition is no age rule
        (
            "Amenorrheic for at least 12 months if the subject is < 50 years old, with serum estradiol within the institutional postmenopausal range;",
            {"menopause"},
        ),
    ],
)
def test_trailing_condition_creates_no_family(text: str, expected: set[str]) -> None:
    assert _families(text) == expected


def test_leading_or_eligibility_condition_is_kept() -> None:
    # "If the patient has a history of a prior non-breast cancer, ...": the item's topic
    text = "If the patient has a history of a prior non-breast cancer, all treatment for this cancer must have been completed prior to study registration and the patient must have no evidence of disease for this prior non-breast cancer."
    assert "other_malignancy" in _families(text)
    # "... are eligible if they have not received prior chemotherapy": the rule itself
    text = "Patients with non-breast malignancies are eligible if they have not received prior chemotherapy, or extensive radiation therapy, and are free from disease for at least two years. Patients with squamous or basal carcinoma of the skin that has been effectively treated, carcinoma in situ of the cervix that has been treated by surgery only are eligible. Patients with prior or simultaneous lobular or ductal carcinoma in situ of the ipsilateral or contralateral breast are also eligible. Patients with bilateral breast cancer for which at least one of the breast cancers meet the eligibility requirements are also eligible."
    assert "prior_therapy" in _families(text)


def test_abbreviation_of_something_else_adds_no_family_of_another_kind() -> None:
    # "(TAH/BSO)" is not "pelvic exenteration" shortened: it names the operations, and the
    # oophorectomy in it is no menopause rule
    text = "Prior radical pelvic surgery, specifically vaginectomy or pelvic exenteration (TAH/BSO) is allowed)."
    assert _families(text) == {"surgery"}


def test_abbreviation_of_the_words_before_it_is_kept() -> None:
    # "central nervous system (CNS)" restates the words: the CNS rule stays
    text = "Have documented central nervous system (CNS) metastases, symptomatic pulmonary lymphangitis, or involvement of more than 1/3 of the liver"
    assert "cns" in _families(text, "exclusion")


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # a subgroup after the rule it qualifies
        (
            "Discontinued prior therapy (with the exception of trastuzumab for patients with HER2+ breast cancer)",
            "inclusion",
            {"prior_therapy"},
        ),
        (
            "Eastern Cooperative Oncology Group (ECOG) performance status 0-2 for participants who will receive paclitaxel or nab-paclitaxel chemotherapy and ECOG 0-1 for participants who will receive docetaxel chemotherapy",
            "inclusion",
            {"performance_status"},
        ),
        # the rationale of a rule
        (
            "Pregnancy excludes female patients from this study because radiation is potentially teratogenic and abortifacient; screening beta-hcg levels and clinically-indicated diagnostic tests will be used to determine eligibility",
            "exclusion",
            {"pregnancy"},
        ),
        # what another trial is about
        (
            "No concurrent participation in any other cancer prevention study or osteoporosis prevention study involving pharmacologic agents",
            "inclusion",
            {"trial_participation"},
        ),
        # a phase of the study as a time anchor
        (
            "Had minor surgical procedures within 7 days prior to day 1 of study treatment; or major surgical procedures within 28 days prior to day 1 of study treatment or had any anticipated a surgical procedure during the chemotherapy portion of this study",
            "exclusion",
            {"surgery"},
        ),
    ],
)
def test_subgroup_rationale_and_trial_topic_create_no_family(
    text: str, kind: str, expected: set[str]
) -> None:
    assert _families(text, kind) == expected


def test_rationale_before_the_rule_ends_at_its_comma() -> None:
    # "Because radiation is known to be teratogenic, women ... must agree to use adequate
    # contraception": the contraception rule after the comma is the item's own
    text = "Because the standard of care chemotherapy agents are known to be teratogenic, women of child-bearing potential and men must agree to use adequate contraception (hormonal or barrier method of birth control; abstinence) prior to study entry and for the duration of study participation. Should a woman become pregnant or suspect she is pregnant while participating in this study, she should inform her treating physician immediately."
    assert {"administrative", "pregnancy"} <= _families(text)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # what a therapy is given for is no comorbidity rule
        (
            "No other concurrent bisphosphonates as adjuvant therapy or for treatment of osteoporosis",
            "inclusion",
            {"bone_agent"},
        ),
        (
            "Concurrent treatment with any hormonal treatment either for osteoporosis or as replacement therapy.",
            "exclusion",
            {"prior_therapy"},
        ),
        # nested: the indication inside an example list; its head is the example's drug
        (
            "No concurrent selective estrogen-receptor modulators (e.g., raloxifene for the treatment or prevention of osteoporosis)",
            "inclusion",
            {"prior_therapy"},
        ),
    ],
)
def test_indication_of_a_therapy_creates_no_family(
    text: str, kind: str, expected: set[str]
) -> None:
    assert _families(text, kind) == expected


def test_indication_keeps_the_patients_own_cancer() -> None:
    # the brain metastases the steroids are given for are the patient's: the CNS rule stays
    text = "Ongoing use of systemic corticosteroids for control of symptoms of brain metastases at a total daily dose of \\&gt;2 mg of dexamethasone (or equivalent)."
    assert _families(text, "exclusion") == {"cns", "medication"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "MBI is performed after biopsy and neo-adjuvant chemotherapy is planned prior to surgery. Reason: true tumor size will not be able to be ascertained from the final pathology findings",
            {"prior_therapy"},
        ),
        (
            "The effects of lapatinib on the developing human fetus at the recommended therapeutic dose are unknown; women of child-bearing potential must agree to use adequate contraception (hormonal or barrier method of birth control or abstinence) prior to study entry and for the duration of study participation. Should a woman become pregnant or suspect she is pregnant while participating in this study, she should inform her treating physician immediately, the patient should be apprised of the potential hazard to the fetus and potential risk for loss of the pregnancy",
            {"administrative", "pregnancy"},
        ),
    ],
)
def test_rationale_sentence_creates_no_family(text: str, expected: set[str]) -> None:
    assert _families(text, "exclusion") == expected


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # an author's name in a reference is no condition ("Wolff" is not Wolff-Parkinson-White)
        (
            "Triple negative breast cancer defined according to American Society of Clinical Oncology (ASCO) recommendations (Hammond et al., 2010; Wolff et al., 2007);",
            "inclusion",
            {"receptor"},
        ),
        # the nursing mother's treatment is the trial's
        (
            "Pregnant women are excluded from this study; breastfeeding should be discontinued if the mother is treated with OSI-774",
            "exclusion",
            {"pregnancy"},
        ),
        # an age subgroup inside a menopause definition is no age rule; the rest is kept
        (
            "Serum estradiol level assay < 20 pg/mL *Required for patients < 55 years of age and one year or more of amenorrhea",
            "inclusion",
            {"lab", "menopause"},
        ),
    ],
)
def test_reference_mother_and_age_subgroup_create_no_family(
    text: str, kind: str, expected: set[str]
) -> None:
    assert _families(text, kind) == expected


def test_anchor_ends_before_a_new_obligation() -> None:
    # "... prior to start of study treatment and all related toxicities must have resolved":
    # the toxicity rule after "and ... must" is the item's own
    text = "No prior cytotoxic chemotherapy for metastatic breast cancer. Prior immunotherapy and/or monoclonal antibody therapy are acceptable. Prior treatments must have been discontinued at least 30 days prior to start of study treatment and all related toxicities must have resolved to Grade 1 or less."
    assert {"prior_therapy", "toxicity"} <= _families(text)


def test_head_words_of_taking_a_drug_name_a_therapy() -> None:
    # "Patients can take sleep aids (e.g., hypnotics and sedatives)": examples of a drug
    text = "Patients can take sleep aids (e.g., hypnotics and sedatives) for insomnia if they use sleep aids as needed; patients taking sleep aids every night are excluded; use of melatonin every night is permitted and these patients are not excluded"
    assert "medication" in _families(text)


def test_treatment_of_another_cancer_is_part_of_the_other_malignancy_rule() -> None:
    # parser 0.12.0: the treatment another cancer required or received is not a therapy rule
    for text in (
        "Diagnosis of another malignancy requiring systemic treatment within the last two years (except non-melanoma skin cancer or in-situ carcinoma of the cervix)",
        "Diagnosis of additional malignancy that required active treatment (including surgery, systemic therapy, and radiation) within the last 2 years, expect for adequately treated basal cell or squamous cell skin cancer or carcinoma in situ of the breast or the cervix.",
        "No other malignancies within the past 5 years, except for successfully treated cervical carcinoma in situ; lobular carcinoma in situ of the breast; contralateral ductal carcinoma in situ that was treated with mastectomy or lumpectomy with radiotherapy (without tamoxifen); or non-melanoma skin cancer",
    ):
        assert {c.family for c in one(text, "exclusion")} == {"other_malignancy"}, text
    # a treatment history stated as the rule itself keeps its therapies
    got = {
        c.family
        for c in one(
            "No prior or concurrent carcinoma in situ of the contralateral breast treated with partial mastectomy and/or hormonal therapy",
            "exclusion",
        )
    }
    assert {"prior_therapy", "surgery"} <= got


# --- parser 0.18.6


@pytest.mark.parametrize(
    ("text", "kind", "absent", "kept"),
    [
        # a leading subgroup condition, up to its comma or the rule's modal verb
        (
            "if HER2-neu positive must have progressed on trastuzumab, lapatinib, or similar agent",
            "inclusion",
            "receptor",
            "prior_therapy",
        ),
        (
            "For triple-negative breast cancer, a minimum of 1 prior cytotoxic chemotherapy regimen must have been administered for the indication of metastatic disease.",
            "inclusion",
            "receptor",
            "prior_therapy",
        ),
        # read as rules, these required or excluded the subgroup's therapy of every patient
        (
            "For subjects who have received prior anthracycline-based therapy, documentation of left ventricular ejection fraction < 50% by either multiple gated acquisition (MUGA) or echocardiogram (ECHO).",
            "exclusion",
            "prior_therapy",
            "cardiac",
        ),
        (
            "If prior ipsilateral DCIS was treated with lumpectomy and XRT (ionizing radiation therapy), a mastectomy must have been performed for the current cancer.",
            "exclusion",
            "radiotherapy",
            "surgery",
        ),
        # "(i.e., ...)" restates the condition before it in other words
        (
            "Evidence that the cancer is metastatic or locally advanced and not curable by local measures (i.e., surgery, radiation).",
            "inclusion",
            "radiotherapy",
            "diagnosis",
        ),
        (
            "Is of child-bearing potential who has not had a recent negative pregnancy test done outside of this clinical trial (i.e., as part of standard preparation for diagnosis and treatment for her cancer)",
            "exclusion",
            "prior_therapy",
            "pregnancy",
        ),
        # the time of a planned procedure anchors the rule ("at the time of proposed ...")
        (
            "Pregnancy or lactation at the time of proposed radiation. Women of reproductive potential must agree to use an effective non-hormonal method of contraception during therapy.",
            "exclusion",
            "radiotherapy",
            "pregnancy",
        ),
        (
            "Willing to undergo mandatory intraoperative small excisional and core biopsies (4-6 passes) of tumor and normal tissue for research purposes at the time of proposed surgical resection.",
            "inclusion",
            "surgery",
            "administrative",
        ),
        # what a condition rules out is no rule of its own ("precluding transplant")
        (
            "Patients with significant active infection precluding transplant",
            "exclusion",
            "comorbidity",
            "infection",
        ),
    ],
)
def test_a_family_only_in_a_lead_restatement_anchor_or_purpose_scope_is_dropped(
    text: str, kind: str, absent: str, kept: str
) -> None:
    families = _families(text, kind)
    assert absent not in families
    assert kept in families


def test_leading_condition_on_childbearing_potential_is_the_topic() -> None:
    text = "For women of child-bearing age, effective contraception must be used. A written statement must be obtained that the patient is not pregnant. If there is any question of pregnancy at time of therapeutic RT or at time of each SPECT-CT scan, a pregnancy test will be done to confirm the patient is not pregnant."
    assert "administrative" in _families(text)
    # no comma and no modal verb within a few words: no leading scope
    text = "For women of childbearing potential a pregnancy test will be done and an agreement to use a highly-effective non hormonal form of contraception."
    assert "pregnancy" in _families(text)


def test_restatement_that_is_the_rule_itself_is_kept() -> None:
    # "(i.e., patients with HER-2 positive disease ... are ineligible ...)": the rule
    text = "Patients must not be a candidate for Herceptin therapy (i.e., patients with HER-2 positive disease (gene amplification by fluorescence in situ hybridization (FISH) or 3 + overexpression by ICH) and patients with unknown HER-2 status are ineligible unless the treating physicians has determined that Herceptin-based therapy would be inappropriate or not indicated)."
    assert "receptor" in _families(text)


def test_precluding_informed_consent_stays_a_consent_rule() -> None:
    text = "History of uncontrolled seizures, central nervous system disorders or psychiatric disability judged by the investigator to be clinically significant, precluding informed consent, or interfering with compliance of oral drug intake."
    assert "administrative" in _families(text, "exclusion")


def test_a_rationale_leading_its_sentence_runs_to_the_rules_subject() -> None:
    text = "Age ≥18 years. Because no dosing or adverse event data are currently available on the use of trastuzumab, pertuzumab, paclitaxel, trastuzumab deruxtecan, T-DM1 and tucatinib in Participants \\&lt;18 years of age, children are excluded from this study, but will be eligible for future pediatric trials."
    # read as an exclusion of the drugs (within "18 years"), every treated patient failed
    assert _families(text) == {"age"}
