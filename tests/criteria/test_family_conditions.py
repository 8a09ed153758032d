# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""cardiac, menopause, pregnancy, other_malignancy, infection, comorbidity,
trial_participation, administrative and diagnosis components."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts, fam, one

from osteotrials.criteria import compile_criteria
from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


def test_lvef_and_qtc() -> None:
    (lvef,) = fam("Left ventricular ejection fraction >50% and more;", "cardiac")
    assert lvef.params["measure"] == "lvef" and lvef.params["value"] == 50
    qtc = fam(
        "QTc interval \\>450 ms for men or 470 ms for women, or known history of QTc prolongation or Torsades de Pointes.",
        "cardiac",
        "exclusion",
    )
    assert qtc[0].params["measure"] == "qtc" and qtc[0].params["value"] == 450


def test_cardiac_history() -> None:
    (c,) = fam(
        "History of myocardial infarction within 6 months of randomization", "cardiac", "exclusion"
    )
    assert c.params["condition"] == ["myocardial_infarction"]
    assert (
        c.time_window is not None
        and c.time_window.relation == "within"
        and c.time_window.unit == "months"
    )


def test_menopause() -> None:
    assert fam("Post-menopausal women", "menopause")[0].params["status"] == ["post"]
    assert fam("History of bilateral oophorectomy", "menopause")[0].params["status"] == ["post"]
    assert fam(
        "Be premenopausal or perimenopausal with a negative serum pregnancy test.", "menopause"
    )[0].params["status"] == ["peri", "pre"]


def test_pregnancy_and_contraception() -> None:
    (p,) = fam("Pregnant or lactating women", "pregnancy", "exclusion")
    assert p.params["aspect"] == ["breastfeeding", "pregnant"] and p.polarity == "exclude"
    text = "Patients who are pregnant or breastfeeding are not eligible; women of child bearing potential must agree to practice adequate contraception"
    assert fam(text, "pregnancy", "exclusion")
    assert fam(text, "administrative", "exclusion")[0].params["aspect"] == ["contraception"]


def test_other_malignancy_years_and_exceptions() -> None:
    text = "History of other malignancy within the last 5 years, except for carcinoma in situ of the cervix, basal cell carcinoma or squamous cell carcinoma of the skin that has been previously treated with curative intent"
    (c,) = fam(text, "other_malignancy", "exclusion")
    assert c.params["years"] == 5
    assert "carcinoma in situ of the cervix" in c.params["exceptions"][0]


def test_infections() -> None:
    assert fam("Active hepatitis B or C", "infection", "exclusion")[0].params["agent"] == [
        "hbv",
        "hcv",
    ]
    assert fam(
        "Has a known history of Human Immunodeficiency Virus (HIV).", "infection", "exclusion"
    )[0].params["agent"] == ["hiv"]
    assert fam("Patients on antiretroviral therapy.", "infection", "exclusion") == []


def test_comorbidity() -> None:
    (c,) = fam(
        "History of interstitial lung disease (ILD) or pneumonitis that required treatment with systemic steroids, or any evidence of active ILD or pneumonitis, including but not limited to those listed in the protocol.",
        "comorbidity",
        "exclusion",
    )
    assert "lung" in c.params["condition"]


def test_trial_participation() -> None:
    (c,) = fam(
        "Participation in another experimental drug study within four weeks prior to the first day of study treatment.",
        "trial_participation",
        "exclusion",
    )
    assert c.params["aspect"] == "other_trial"
    assert (
        fam(
            "Patients who have provided written consent to participate in this study",
            "trial_participation",
        )
        == []
    )


def test_administrative_only_item() -> None:
    cs = [
        c
        for c in __import__("tests.criteria.conftest", fromlist=["one"]).one(
            "Signed informed consent"
        )
    ]
    assert [c.family for c in cs] == ["administrative"] and cs[0].params["aspect"] == ["consent"]


def test_diagnosis() -> None:
    (c,) = fam(
        "Histologically confirmed invasive breast cancer with incurable stage IIIB, IIIC with T4 lesion or stage IV disease at primary diagnosis or at relapse after curative intent surgery.",
        "diagnosis",
    )
    assert c.params["cancer"] == "breast"
    assert {"metastatic", "locally_advanced"} <= set(c.params["setting"])
    assert c.params["confirmation"] == "histologically"


# --- parser 0.7.0: words that are context of another rule emit no family of their own


def _families(text: str, kind: str = "inclusion") -> set[str]:
    return {c.family for c in one(text, kind)}


@pytest.mark.parametrize(
    "text",
    [
        # the disease an earlier therapy was given for, or the setting it was given in
        "Participant has not received prior biologic therapy for metastatic or locally recurrent and inoperable breast cancer",
        "No more than 2 prior chemotherapy regimens given in a metastatic or locally advanced setting and prior treatment in the metastatic setting must have included a taxane",
        "Prior endocrine therapy for any histologically-confirmed cancer or prevention of breast cancer in the last 10 years is not allowed.",
        "Prior tamoxifen for history of ductal breast carcinoma in situ (DCIS) allowed, but no prior aromatase inhibitor, no prior chemotherapy and no prior HER2-targeted therapy",
        # a diagnosis as a time anchor
        "An interval of <6 months from the last dose of vinca-alkaloid or taxane cytotoxic chemotherapy until the time of metastatic diagnosis",
    ],
)
def test_diagnosis_not_read_from_therapy_context(text: str) -> None:
    fams = _families(text)
    assert "prior_therapy" in fams and "diagnosis" not in fams


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Uncontrolled tumor-related pain", "exclusion"),  # disease as a modifier
        (
            "Stage II-IV neuropathy according to Common Terminology Criteria for Adverse Events (CTCAE) v.4.0;",
            "exclusion",
        ),
        (
            "AST and ALT ( 3 x ULN without liver metastases) ( 5 xULN if documented liver metastases)",
            "inclusion",
        ),
        ("No currently active pituitary secreting tumors up to physician discretion", "inclusion"),
        (
            "Serious cardiac illness or medical conditions that would preclude the use of trastuzumab, specifically: history of documented congestive heart failure (CHF), high-risk uncontrolled arrhythmias, angina pectoris requiring medication, clinically significant valvular disease, evidence of transmural infarction on electrocardiogram (ECG), diagnosed poorly controlled hypertension",
            "exclusion",
        ),
    ],
)
def test_no_diagnosis_from_passing_disease_words(text: str, kind: str) -> None:
    assert "diagnosis" not in _families(text, kind)


def test_diagnosis_still_read_when_the_tumour_is_named() -> None:
    assert "diagnosis" in _families(
        "Be a female diagnosed by x-ray mammography (performed within 90 days prior to the study procedure) as having a solid breast mass or abnormal area without a mass."
    )
    assert "diagnosis" in _families(
        "Diagnosis of platinum resistant or refractory OVCA having received 2 or fewer prior lines, or recurrent advanced NSCLC having received 3 or fewer prior lines"
    )


def test_comorbidity_not_read_from_indications_allergens_or_anatomy() -> None:
    assert _families("No known sensitivity to benzyl alcohol") == {"hypersensitivity"}
    assert "comorbidity" not in _families(
        "Progressing lesions may not be located within 3 cm of previously irradiated critical structures such as the spinal cord, brachial plexus, brainstem, stomach, and/or small/large bowel that would render the metastasis unsafe to target with SBRT per the treating radiation oncologist"
    )
    assert "comorbidity" not in _families("Neurologic function score 0, 1, or 2.")
    cs = fam(
        "Patients receiving any medications or substances that are potent inhibitors or inducers of cytochrome P450, family 3, subfamily A, polypeptide 4 (CYP 450 3A4) are ineligible; however, patients will be permitted regular dietary consumption of caffeine; glyburide will be allowed for the treatment of hyperglycemia",
        "comorbidity",
        "exclusion",
    )
    assert cs == []
    # taking medication for a condition still says the person has it
    (c,) = fam("Currently on medication for diabetes treatment", "comorbidity", "exclusion")
    assert c.params["condition"] == ["diabetes"]


def test_tumour_embolisation_and_radiation_targets_are_no_comorbidity() -> None:
    text = "Surgery or tumor embolisation within 28 days prior to the first dose of pazopanib. At least 4 weeks since radiotherapy, with full recovery. The measurable disease must be completely outside the radiated field or there must be pathological proof of progressive disease."
    assert "comorbidity" not in _families(text, "exclusion")
    assert "comorbidity" not in _families(
        "Prior radiopharmaceutical therapy, including radioembolization.", "exclusion"
    )
    text = "Radiation therapy to painful bone lesions or impending fractures is allowed as long as there is measurable or evaluable disease outside the radiated area."
    assert "comorbidity" not in _families(text)
    # an embolism is still one
    (c,) = fam("History of deep vein thrombosis or pulmonary embolism.", "comorbidity", "exclusion")
    assert c.params["condition"] == ["bleeding_thrombosis"]


def test_stage_iv_is_read_whole() -> None:
    (c,) = fam("Stage IV HER2 (+) breast cancer.", "diagnosis")
    assert c.params["stage"] == "Stage IV"
    (c,) = fam("Diagnosed with female breast or gynecologic cancer at stage I-IV", "diagnosis")
    assert c.params["stage"] == "stage I-IV"


def test_comorbidity_kept_beside_an_infection() -> None:
    text = "Concurrent severe, uncontrolled infection or intercurrent illness including, but not limited to, ongoing or active infection, or psychiatric illness/social situations that would limit compliance with study requirements."
    assert _families(text, "exclusion") == {"comorbidity", "infection"}
    text = "Any disease, metabolic dysfunction, physical examination finding, or clinical laboratory finding that contraindicates the use of an investigational drug or that may affect the interpretation of the results or render the participant at high risk from treatment complications"
    assert _families(text, "exclusion") == {"comorbidity"}  # the study drug, not another trial


def test_condition_a_drug_may_cause_is_not_cardiac_history() -> None:
    text = "Treatment with QT prolonging medication known to have a risk to induce Torsades de Pointes, and the treatment cannot be discontinued or switched to a different medication prior to starting study drug"
    assert _families(text, "exclusion") == {"medication"}


def test_vaccine_target_is_not_an_infection() -> None:
    text = "Vaccination, including but not limited to vaccination against COVID-19, during the 7 days prior to starting trial therapy."
    assert _families(text, "exclusion") == {"medication"}


def test_investigational_product_as_study_treatment_or_anchor() -> None:
    assert "trial_participation" not in _families(
        "Major surgery within 30 days before first dose of investigational product", "exclusion"
    )
    assert "trial_participation" not in _families(
        "Patients who cannot give proper informed consent to the experimental therapy due to an active psychiatric disorder or inability to understand the nature of the proposed therapy and attendant risk.",
        "exclusion",
    )
    (c,) = fam(
        "Participants may not be receiving any other investigational agents", "trial_participation"
    )
    assert c.params["aspect"] == "investigational_agent"


def test_a_test_one_cannot_complete_is_not_compliance() -> None:
    text = "Pregnancy test (if necessary) is not negative, or the patient is unable to complete the pregnancy test"
    assert _families(text, "exclusion") == {"pregnancy"}


def test_tumour_tissue_is_a_sample_not_a_diagnosis() -> None:
    assert _families("Archived tumor tissue available.") == {"administrative"}


def test_other_illnesses_listed_between_infections_stay_comorbidity() -> None:
    text = "history of active/uncontrolled congestive heart failure, chronic hepatitis, hepatic cirrhosis, or HIV infection"
    assert _families(text, "exclusion") == {"cardiac", "comorbidity", "infection"}
    agents = [c.params["agent"] for c in fam(text, "infection", "exclusion")]
    assert agents == [["hepatitis"], ["hiv"]]


def test_investigator_opinion_qualifies_the_clinical_rule() -> None:
    assert _families("Life expectancy, in the opinion of the Investigator, of ≥ 3 months") == {
        "life_expectancy"
    }
    # alone it is the rule
    assert _families(
        "Any investigator judgment that the individual would not be an appropriate study subject.",
        "exclusion",
    ) == {"administrative"}


def test_contraception_named_as_a_time_frame_is_no_rule() -> None:
    text = "Pregnant or breastfeeding, or intention of becoming pregnant during the study or within the time frame in which contraception is required"
    assert _families(text, "exclusion") == {"pregnancy"}


def test_pathologic_proof_of_progression_is_no_diagnosis() -> None:
    text = "Patient has to be fully recovered from previous radiotherapy. At least one measurable lesion must be completely outside the radiation field or there must be pathologic proof of progressive disease"
    assert _families(text) == {"measurable_disease", "radiotherapy"}


def test_menopause_definition_ages_and_radiation_castration() -> None:
    text = "Postmenopausal status, defined as: >= 60 years of age; or < 60 years of age and amenorrheic for >= 12 months prior to day 1 if intact uterus/ovaries; or < 60 years of age, and the last menstrual period 6-12 months prior to day 1, if intact uterus/ovaries and meets biochemical criteria for menopause (FSH and estradiol within institutional standards for postmenopausal status)"
    assert "age" not in _families(text) and "radiotherapy" not in _families(text)
    assert _families("Radiation castration and amenorrheic for >= 3 months") == {"menopause"}
    # an age written before the definition is still an age rule
    text = "Women over 18 years of age, for whom (A) neoadjuvant treatment with an aromatase inhibitor would be clinically indicated, and (B) adjuvant treatment with one of the following would be clinically indicated: tamoxifen; anastrozole; letrozole. Women must be postmenopausal, defined as last menstrual period \\>2 years prior to registration, or \\>1 yearer prior to registration with FSH and estradiol in post-menopausal range."
    (c,) = fam(text, "age")
    assert c.params["min"] == 18


def test_site_named_as_what_an_allowed_drug_treats_is_no_site_rule() -> None:
    text = "Concurrent bisphosphonates (i.e., pamidronate or zoledronate) are allowed for the treatment of hypercalcemia or palliation of skeletal metastases"
    assert "disease_sites" not in _families(text)
    assert "bone_agent" in _families(text)


def test_either_hormone_receptor_is_hr() -> None:
    text = "histological confirmed diagnosis of estrogen receptor and/or progesterone receptor positive breast cancer (Stage I-III) who have completed local therapy"
    (c,) = fam(text, "receptor")
    assert c.params == {"receptor": "hr", "status": "positive"}
    text = "Documented estrogen receptor (ER) positive and/or progesterone receptor (PgR) positive by immunohistochemistry. The threshold to qualify as ER or PgR positive is ≥1% per ASCO/CAP guidelines."
    assert {"receptor": "hr", "status": "positive"} in [c.params for c in fam(text, "receptor")]


def test_section_sub_header_is_no_administrative_rule() -> None:
    assert _families("Failure to meet requirements in Inclusion Criteria", "exclusion") == {
        "administrative"
    }
    assert one("Inclusion Criteria Part B") == []


def test_family_history_and_breast_paget_are_not_the_patients_rules() -> None:
    text = "A first degree relative with breast cancer under the age of 60 or multiple second degree relatives with breast cancer."
    assert _families(text) == set()
    assert "comorbidity" not in _families("Paget's disease of the nipple.", "exclusion")
    assert "diagnosis" not in _families(
        "Implementation of clips in the tumor bed intraoperatively,"
    )
    (d,) = fam("Stage I, II, or IIIA (cT1-3, N0-1, M0)", "diagnosis")
    assert d.params["stage"] == "Stage I, II, or IIIA"


def test_hiv_is_no_immunodeficiency_comorbidity_and_symptoms_a_trial_manages() -> None:
    text = "Participants known to be human immunodeficiency (HIV) positive, hepatitis B positive, or hepatitis C positive."
    assert _families(text, "exclusion") == {"infection"}
    text = "Have known human immunodeficiency virus (HIV) infection or acquired immunodeficiency syndrome (AIDS)"
    assert _families(text, "exclusion") == {"infection"}
    text = "Human immunodeficiency virus (HIV)-positive patients and those with other acquired/inherited immunodeficiencies are ineligible"
    assert _families(text, "exclusion") == {"comorbidity", "infection"}
    text = "Currently enrolled in an interventional supportive treatment trial to manage cancer symptoms."
    assert _families(text, "exclusion") == {"trial_participation"}


def test_accessible_lesion_is_no_availability_rule() -> None:
    text = "Biopsy Requirements: For Subjects with accessible disease amenable to biopsy: A biopsy will be obtained pre-treatment and in during cycle 1 (while patient is receiving drug) for molecular markers of the cell cycle, and its inhibition."
    assert "administrative" not in _families(text)
    # a patient who is accessible is one
    (c,) = fam(
        "Patient is accessible and willing to comply with treatment and follow-up", "administrative"
    )
    assert "availability" in c.params["aspect"]


def test_tissue_source_is_no_diagnosis() -> None:
    text = "Patient must agree to provide tumour tissue from the most recent pathological tumour specimen."
    assert "diagnosis" not in _families(text)
    assert _families(
        "Congenital or acquired immune deficiency at increased risk of infection.", "exclusion"
    ) == {"comorbidity"}


def test_lab_condition_and_hypothetical_drug_exposure() -> None:
    text = (
        "2.5×ULN if subject has Gilbert's syndrome AST and ALT 5×ULN if documented liver metastases"
    )
    assert _families(text) == {"lab"}
    text = "Renal dysfunction for which exposure to cisplatin would require dose modifications"
    assert _families(text, "exclusion") == {"comorbidity"}
    # a drug that "would be clinically indicated" is still the therapy rule
    text = "Women  age 18, for whom adjuvant treatment with an aromatase inhibitor would be clinically indicated. Women must be either post-menopausal, or pre-menopausal having undergone oophorectomy."
    (c,) = fam(text, "prior_therapy")
    assert "aromatase_inhibitor" in c.params["classes"]


def test_questionnaire_module_is_no_diagnosis() -> None:
    text = "Patients willing and able to complete the EORTC (European Organization for Research on the Treatment of Cancer) quality of life questionnaire (QLQ-C30 with breast cancer module QLQ-BR23)"
    assert "diagnosis" not in _families(text)


# --- parser 0.9.0


def test_compliance_boilerplate_is_no_psychiatric_illness() -> None:
    text = "Any psychological, familial, sociological or geographical condition potentially hampering compliance with the trial protocol."
    assert fam(text, "comorbidity", "exclusion") == []
    assert fam(text, "administrative", "exclusion")
    # a psychological illness on its own stays
    assert fam(
        "Significant cognitive impairment indicated in medical chart or during telephone screening on a mental status questionnaire",
        "comorbidity",
        "exclusion",
    )


def test_telephone_screening_is_no_availability_rule() -> None:
    text = "Significant cognitive impairment indicated in medical chart or during telephone screening on a mental status questionnaire"
    assert fam(text, "administrative", "exclusion") == []
    assert fam("Access to a telephone", "administrative")


def test_symptoms_of_an_infection_are_no_comorbidity() -> None:
    text = "No recurrence of fever or other symptoms related to infection for at least 1 week (7 days) following completion of antibiotics"
    assert fam(text, "comorbidity", "exclusion") == []


def test_pacemaker_of_a_heart_rhythm_rule_is_cardiac() -> None:
    text = "Bradycardia defined as heart rate < 50 beats per minute. Patients with a pacemaker and heart rate > 50 beats per minute are eligible."
    assert fam(text, "comorbidity", "exclusion") == []
    assert fam(text, "cardiac", "exclusion")


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have undergone major surgery or have ongoing persistent toxicities within 2 weeks prior to study entry. Patients must have recovered to baseline or ≤ Grade 1 from any effects of any major surgery prior to study entry with the exception of any grade of alopecia and persistent grade ≤ 2 peripheral neuropathy",
        "Resolution of all chemotherapy or radiation-related toxicities to Grade 1 severity or lower, except for stable sensory neuropathy <= Grade 2 and alopecia.",
    ],
)
def test_neuropathy_excepted_from_a_toxicity_rule_is_no_comorbidity(text: str) -> None:
    cs = one(text, "exclusion")
    assert "comorbidity" not in {c.family for c in cs} and "toxicity" in {c.family for c in cs}


def test_underlying_malignancy_is_the_trials_own_cancer() -> None:
    # a lead-in line of its trial (alone it would be read as a header)
    text = "Therapy for underlying malignancy within 2 weeks prior to start of study treatment:"
    (item,) = [i for i in compile_criteria(criteria_texts()["NCT02435680"]) if i.text == text]
    assert "other_malignancy" not in item.families


def test_other_cancers_closing_a_basket_list_are_no_second_cancer() -> None:
    text = "Diagnosed with advanced NSCLC, breast cancer, GBM or other cancers (such as head and neck, colorectal, pancreatic, renal cancers); patients will undergo anti-angiogenesis treatment or treatment with other drugs that may alter angiogenesis"
    assert fam(text, "other_malignancy") == []
    assert fam(text, "diagnosis")
    # a second cancer rule with a list of exceptions stays
    (c,) = fam(
        "History of other malignancy within the last 5 years which could affect the diagnosis or assessment of breast cancer",
        "other_malignancy",
        "exclusion",
    )
    assert c.params["years"] == 5


def test_diagnosis_named_as_a_time_anchor_is_no_diagnosis() -> None:
    text = "Patient is premenopausal at diagnosis of breast cancer (spontaneous and regular menses with premenopausal estradiol levels (>10 ng/dL)"
    assert fam(text, "diagnosis") == []
    assert fam(text, "menopause")
    text = "Prior adjuvant taxane allowed if completed > 6 months before diagnosis of metastatic breast cancer"
    assert fam(text, "diagnosis") == []


@pytest.mark.parametrize(
    "text",
    [
        "Locally advanced or metastatic disease not amenable to surgery or radiation therapy with curative intent",
        "Patients must have histologically or cytologically confirmed metastatic or recurrent breast cancer not amenable to local therapy (surgery and radiation) (histologic/cytologic confirmation of recurrence preferred, but not required)",
        "Locally recurrent disease must not be amenable to surgical resection or radiation with curative intent.",
    ],
)
def test_disease_not_amenable_to_curative_local_therapy_is_a_diagnosis_rule(text: str) -> None:
    fams = {c.family for c in one(text)}
    assert not fams & {"surgery", "radiotherapy", "prior_therapy"}


def test_lines_after_a_not_amenable_clause_stay() -> None:
    text = "Histologically proven recurrent or persistent endometrial cancer that is not amenable to curative treatment with surgery and/or radiation therapy AND has failed 2 previous treatment regimens"
    (c,) = fam(text, "prior_therapy")
    assert c.params["min_lines"] == 2


def test_more_context_words_that_are_no_comorbidity() -> None:
    # an anti-seizure medication is a medication, not epilepsy
    text = "Women being treated with oral glucocorticoid therapy >3 months for suppression therapy, and certain anti-seizure medications which may adversely affect bone metabolism (phenobarbital, phenytoin, carbamazepine)."
    assert fam(text, "comorbidity", "exclusion") == []
    # the cancer itself ("concomitant gross metastatic disease") is no intercurrent illness
    text = "Locally advanced breast cancers or primary breast cancers with concomitant gross metastatic disease are eligible. Locally advanced cancers must be of clinical and/or radiologic size >/- 5 cm, and/or are deemed surgically inoperable, with Stage IIIb, IIIc, or IV disease."
    assert fam(text, "comorbidity") == []
    (c,) = fam(
        "No other serious nonmalignant disease (e.g., systemic lupus erythematosus or scleroderma) that would preclude definitive surgery or radiotherapy",
        "comorbidity",
    )
    assert "autoimmune" in c.params["condition"]
    # symptoms deciding a staging work-up
    text = "Complete staging work-up with CT of chest, abdomen, and pelvis plus bone scan or alternatively with PET scan for stage II and higher disease, or as determined by symptoms for all other stages. Additional staging work-up as per symptoms."
    assert fam(text, "comorbidity") == []


def test_half_life_and_pathologic_nodes_are_no_diagnosis() -> None:
    text = "Treatment with an anti-cancer small molecule within 5 half-lives (t1/2), or 2 weeks, whichever is shorter"
    assert fam(text, "diagnosis", "exclusion") == []
    assert fam(text, "prior_therapy", "exclusion")
    text = "Must not have taken exogenous sex hormones since biopsy diagnosing DCIS and must agree not to use exogenous sex hormones while on study."
    assert fam(text, "diagnosis", "exclusion") == []


def test_diagnostic_procedures_are_no_diagnosis_rule() -> None:
    assert (
        fam(
            "Previous surgery for breast cancer (except diagnostic biopsies)",
            "diagnosis",
            "exclusion",
        )
        == []
    )
    text = "Patients with microinvasion on diagnostic core biopsy, defined as tumor  1 mm in greatest dimension, will be allowed to participate."
    assert fam(text, "diagnosis") == []
    # "diagnosis of" stays
    assert fam(
        "Histologically or cytologically confirmed diagnosis of unresectable locally advanced or stage IV breast cancer.",
        "diagnosis",
    )


def test_surgery_as_the_end_of_a_contraception_period_is_no_surgery_rule() -> None:
    text = "The patient must be willing to use effective non-hormonal contraception after the pregnancy test and up to surgery. Oral, injectable, or implant hormonal contraceptives or medicated IUD are not allowed within 2 months prior to randomization and during the trial."
    assert fam(text, "surgery") == []


@pytest.mark.parametrize(
    "text",
    [
        "Concurrent cancer therapy (chemotherapy, radiation therapy, immunotherapy, biologic therapy).",
        "Has ongoing toxicity related to prior cancer therapy",
        "Major surgery, chemotherapy, radiotherapy, investigational agents or other cancer therapy within 1 week of treatment day 1",
    ],
)
def test_cancer_therapy_is_no_other_malignancy(text: str) -> None:
    assert fam(text, "other_malignancy", "exclusion") == []


def test_surgery_in_the_exceptions_of_an_other_malignancy_rule_is_no_surgery_rule() -> None:
    text = "History of malignancy within the past 5 years (excluding breast cancer), except basal cell or squamous cell carcinoma of the skin curatively treated by surgery."
    assert fam(text, "surgery", "exclusion") == []
    assert fam(text, "other_malignancy", "exclusion")


def test_medication_excepted_from_a_toxicity_rule_is_no_medication_rule() -> None:
    text = "Any ongoing toxicity from prior anti-cancer therapy that is grade 3-4 and/or that is progressing in severity, except alopecia or anemia controlled by growth factors."
    assert fam(text, "medication", "exclusion") == []
    assert fam(text, "toxicity", "exclusion")


def test_premenopausal_women_are_not_postmenopausal() -> None:
    (c,) = fam("Premenopausal women", "menopause", "exclusion")
    assert c.params["status"] == ["pre"]
    (c,) = fam("postmenopausal women;", "menopause")
    assert c.params["status"] == ["post"]


def test_an_earlier_pregnancy_is_no_pregnancy_rule() -> None:
    text = "Premenopausal or perimenopausal women who have either been pregnant or had at least one menstrual period in the last 24 months or have/had an IUD in place"
    assert fam(text, "pregnancy") == []


def test_indication_of_an_allowed_bone_agent_is_no_comorbidity() -> None:
    text = "Concurrent bisphosphonates for prevention or treatment of osteoporosis allowed"
    assert fam(text, "comorbidity") == []
    assert fam(text, "bone_agent")


def test_thyroid_cancer_is_no_endocrine_comorbidity() -> None:
    assert fam("Thyroid cancer", "comorbidity") == []
    assert fam("Thyroid cancer", "diagnosis")


def test_lesions_targeted_by_an_allowed_radiotherapy_are_no_site_rule() -> None:
    text = "Radiotherapy within 14 days prior to randomization except in case of localized radiotherapy for analgesic purpose or for lytic lesions at risk of fracture, which can then be completed within 7 days prior to randomization. Subjects must have recovered from radiotherapy toxicities prior to randomization"
    assert fam(text, "disease_sites", "exclusion") == []


def test_disease_named_as_an_exception_is_no_diagnosis() -> None:
    text = "Patients should have a life expectancy of at least 10 years, excluding their diagnosis of breast cancer."
    assert fam(text, "diagnosis") == []
    assert (
        fam(
            "Past or current history of neoplasm other than breast carcinoma.",
            "diagnosis",
            "exclusion",
        )
        == []
    )


def test_qt_named_as_a_drug_effect_is_no_cardiac_measure() -> None:
    assert (
        fam(
            "Current use of drugs that are known to prolong the QT interval", "cardiac", "exclusion"
        )
        == []
    )
    cs = fam("Prolonged QTc on pre-entry ECG (> 450 msec).", "cardiac", "exclusion")
    assert [c.params.get("value") for c in cs if c.params.get("measure") == "qtc"] == [450]


def test_therapy_for_breast_or_any_other_cancer_is_no_other_malignancy_rule() -> None:
    text = "Prior therapy for breast cancer or any other cancer, such as chemotherapy, hormonal therapy or immunotherapy."
    assert fam(text, "other_malignancy", "exclusion") == []
    assert fam(text, "prior_therapy", "exclusion")
    # treatment for another cancer within N years stays an other-malignancy rule
    (c,) = fam(
        "Treatment for another cancer within the last 5 years", "other_malignancy", "exclusion"
    )
    assert c.params["years"] == 5


@pytest.mark.parametrize("text", ["HIV negative", "Hepatitis C antibody negative", "HIV-negative"])
def test_negative_infection_status_excludes_the_infection(text: str) -> None:
    (c,) = fam(text, "infection")
    assert c.polarity == "exclude"


def test_potential_participation_in_a_trial_is_no_trial_participation_rule() -> None:
    text = "The above information is not intended to contain all considerations relevant to a patient's potential participation in a clinical trial."
    assert fam(text, "trial_participation", "exclusion") == []


# --- parser 0.10.0


@pytest.mark.parametrize(
    "text",
    [
        "Postmenopausal status defined as history of at least 12 months without spontaneous menstrual bleeding or a documented hysterectomy and bilateral salpingo oophorectomy",
        "Women are eligible to participate if they are 40 years or older and have been menopausal (had no menstrual bleeding during the past 12 months)",
    ],
)
def test_menstrual_bleeding_is_menopause_not_a_bleeding_disorder(text: str) -> None:
    assert "comorbidity" not in _families(text)
    assert "menopause" in _families(text)


def test_pregnancy_as_the_cause_of_another_condition_is_no_pregnancy_rule() -> None:
    text = "No history of deep venous thrombosis not related to trauma or pregnancy"
    assert _families(text) == {"comorbidity"}


# --- parser 0.11.0: investigator-judgement boilerplate around a clinical condition
@pytest.mark.parametrize(
    "text",
    [
        "Any condition which, in the investigator's opinion, makes the subject unsuitable for trial participation",
        "Patient has a history or current evidence of any condition, therapy, or lab abnormality that might confound the results of the study, interfere with the patient's participation for the full duration of the study or is not in the best interest of the patient to participate",
        "Rapidly progressive disease which, in the opinion of the Investigator, may predispose to inability to tolerate treatment or trial procedures.",
        "No uncontrolled medical problems",
    ],
)
def test_condition_qualified_by_investigator_judgement_is_comorbidity(text: str) -> None:
    # the judgement qualifies a clinical condition: the item is a comorbidity rule, not
    # an administrative one (the judgement aspect is dropped beside a clinical family)
    assert _families(text, "exclusion") == {"comorbidity"}


@pytest.mark.parametrize(
    "text",
    [
        "Prisoners or subjects who are involuntarily incarcerated, or who are compulsorily detained for treatment of either a psychiatric or physical illness.",
        "Patients who are compulsorily detained for treatment of either a psychiatric or physical (eg, infectious disease) illness.",
        "Currently incarcerated",
    ],
)
def test_legal_status_is_administrative(text: str) -> None:
    # prisoners and compulsory detention: an administrative rule; the illness detained
    # for is its indication (criteria/incidental.py), not a comorbidity rule
    assert _families(text, "exclusion") == {"administrative"}
    assert one(text, "exclusion")[0].params["aspect"] == ["legal_status"]


def test_pericardial_effusion_among_serous_effusions_is_a_site() -> None:
    # parser 0.12.0: several effusion sites -> disease_sites, not a heart condition
    for text in (
        "No pleural or pericardial effusion",
        "Pleural/pericardial effusion",
        "Uncontrolled pleural effusion, pericardial effusion, or ascites requiring recurrent drainage procedures (once monthly or more frequently).",
        "with symptomatic serous cavity effusion, which needs to be surgically managed (including pleural effusion, ascites, pericardial effusion);",
    ):
        got = one(text, "exclusion")
        assert {c.family for c in got} == {"disease_sites"}, text
    # a pericardial effusion alone stays a cardiac condition
    assert fam("Clinically significant pericardial effusion", "cardiac", "exclusion")


def test_pacemaker_is_a_heart_rule_unless_named_as_an_implant_for_imaging() -> None:
    # parser 0.12.0: dev4 annotates a pacemaker or ICD as `cardiac`
    for text in (
        "Presence of a pacemaker and/or ICD generator with any of the following limitations/conditions:",
        "Have an implantable pacemaker or automatic implantable cardioverter defibrillator",
    ):
        got = one(text, "exclusion")
        assert {c.family for c in got} == {"cardiac"}, text
        assert got[0].params["condition"] == ["cardiac_device"]
    # named inside another heart rule, the device qualifies that rule
    got = one(
        "Ventricular tachycardia  20 consecutive beats without an ICD within 3 months of consent, or symptomatic Mobitz II or higher degree atrioventricular block without a functioning pacemaker within 3 months of consent",
        "exclusion",
    )
    assert {c.family for c in got} == {"cardiac"}
    assert got[0].params["condition"] == ["arrhythmia"]
    # an implant the study's imaging cannot be used with stays a comorbidity
    got = one(
        "Absolute contraindication to MRI, including presence of implanted electrical device (pacemaker or neurostimulator), aneurysm clip, or metallic foreign body",
        "exclusion",
    )
    assert "cardiac" not in {c.family for c in got}


def test_lymphedema_stage_is_not_a_cancer_stage() -> None:
    # parser 0.12.0: a stage of lymphoedema (ISL staging) sets no diagnosis
    for text in (
        "stage II or III unilateral secondary upper extremity lymphedema (as defined by the International Society of Lymphology)",
        "Stage II or greater lymphedema at screening, based on the International Society of Lymphology (ISL) staging system",
    ):
        assert {c.family for c in one(text)} == {"comorbidity"}, text


def test_current_and_haematological_other_malignancy() -> None:
    # parser 0.12.0: "current" and "hematologic" between the lead word and "malignancy"
    for text in (
        "Current hematologic malignancies, acute or chronic leukemia.",
        "Any other current malignancy or malignancy diagnosed within the past five (5) years (other than bilateral primary breast cancer, metastases to the contralateral breast, non-melanomatous skin cancer and in situ cervical cancer).",
    ):
        assert {c.family for c in one(text, "exclusion")} == {"other_malignancy"}, text
    # the patient's own cancer ("the current malignancy") is no other malignancy
    got = {
        c.family for c in one("Prior anti-cancer therapies for current malignancy.", "exclusion")
    }
    assert "other_malignancy" not in got


# --- parser 0.18.6


@pytest.mark.parametrize(
    ("text", "family", "qualified"),
    [
        ("Uncontrolled hypertension.", "cardiac", ["hypertension"]),
        ("No cardiac arrhythmia not controlled with medication", "cardiac", ["arrhythmia"]),
        ("Poorly controlled diabetes mellitus", "comorbidity", ["diabetes"]),
    ],
)
def test_an_uncontrolled_condition_is_marked_so(
    text: str, family: str, qualified: list[str]
) -> None:
    (c,) = fam(text, family, "exclusion")
    assert c.params["uncontrolled"] == qualified


def test_uncontrolled_qualifies_only_its_own_condition() -> None:
    text = "Subjects with active or uncontrolled infection and/ or with history of uncontrolled or symptomatic angina, arrhythmias, or congestive heart failure."
    (c,) = fam(text, "cardiac", "exclusion")
    assert "angina" in c.params["uncontrolled"]
    assert "heart_failure" not in c.params["uncontrolled"]


def test_the_examples_of_an_uncontrolled_illness_are_uncontrolled() -> None:
    text = "Uncontrolled intercurrent illness including, but not limited to, ongoing or active infection, symptomatic congestive heart failure, unstable angina pectoris, cardiac arrhythmia, or psychiatric illness/social situations that would limit compliance with study requirements."
    (c,) = fam(text, "cardiac", "exclusion")
    # read as any arrhythmia, a patient with controlled atrial fibrillation failed the
    # standard NCI exclusion
    assert set(c.params["uncontrolled"]) == {"angina", "arrhythmia", "heart_failure"}


@pytest.mark.parametrize(
    ("text", "family", "params"),
    [
        (
            "Known hypercoaguable disorder requiring use of anticoagulant",
            "comorbidity",
            {"condition": ["bleeding_thrombosis"]},
        ),
        (
            "Concurrent coumarin-type anticoagulation therapy",
            "medication",
            {"classes": ["coumarin_anticoagulant"]},
        ),
    ],
)
def test_clotting_rules_name_what_they_exclude(
    text: str, family: str, params: dict[str, list[str]]
) -> None:
    found = one(text, "exclusion")
    assert [(c.family, {k: c.params[k] for k in params}) for c in found] == [(family, params)]


def test_cancer_genetic_testing_is_no_other_malignancy() -> None:
    assert fam("Prior cancer genetic testing", "other_malignancy", "exclusion") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Known additional malignancy that is progressing or has required active treatment within the past 5 years.",
            "exclusion",
        ),
        ("Patients must not have another active malignancy that requires treatment.", "inclusion"),
    ],
)
def test_another_cancer_that_needs_treatment_is_checked_by_hand(text: str, kind: str) -> None:
    # an active cancer that is neither progressing nor treated (on active surveillance)
    # does not bar the patient, and the patient file does not say which (parser 0.18.6)
    (c,) = fam(text, "other_malignancy", kind)
    assert c.params["active_only"] is True
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_any_active_other_cancer_stays_a_clear_rule() -> None:
    (c,) = fam("Active second primary malignancy", "other_malignancy", "exclusion")
    assert c.confidence >= MIN_CONFIDENCE_FOR_NOT_MET
