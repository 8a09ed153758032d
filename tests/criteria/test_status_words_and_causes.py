# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.14.0: status words that belong to another noun, therapies named as the cause of a
toxicity, an anticoagulant that exempts from a coagulation limit, and vocabulary additions.
Every text is real snapshot text (``one`` checks)."""

from __future__ import annotations

from tests.criteria.conftest import fam, one

from osteotrials.criteria import compile_criteria


def families(text: str, kind: str = "inclusion") -> set[str]:
    return {c.family for c in one(text, kind)}


def test_pre_menopausal_women_is_not_postmenopausal() -> None:
    (m,) = fam(
        "Pre-menopausal women aged 18 years or over with histologically/cytologically-confirmed oestrogen receptor positive (ER +ve) breast cancer",
        "menopause",
    )
    assert m.params["status"] == ["pre"]


def test_pre_and_post_menopausal_is_no_restriction() -> None:
    (m,) = fam("Female ≥ 18 years of age pre and post-menopausal", "menopause")
    assert m.params == {"no_restriction": True}


def test_tumour_status_word_is_not_the_genes() -> None:
    # "HER2 negative" is the tumour's; the BRCA result is "positive"
    brca = fam(
        "Women age greater than 18 years with advanced/metastatic HER2 negative, BRCA germline positive breast cancer. Estrogen receptor positive (ER+) patients must have progressed on a prior endocrine therapy or are considered inappropriate for any FDA approved endocrine therapies for ER+ breast cancer.",
        "biomarker",
    )
    assert brca and all(c.params["alteration"] == "positive" for c in brca)
    (pdl1,) = fam(
        "Triple negative breast cancer with historic PD-L1 CPS ≥ 1%, must have received at least one line of chemotherapy. In addition, these patients must have previously received sacituzumab govitecan, and in the case of a BRCA mutation a PARP inhibitor, if these treatments are locally approved and accessible to the patient.",
        "biomarker",
    )[:1]
    assert pdl1.params["gene"] == "PD-L1" and "alteration" not in pdl1.params


def test_lacking_negates_the_mutation() -> None:
    brca = fam(
        "At least one prior line of combination therapy for triple negative disease lacking a BRCA1/2 mutation.",
        "biomarker",
    )
    assert brca and all(c.polarity == "exclude" for c in brca)


def test_bone_only_not_eligible_needs_a_measurable_lesion() -> None:
    cs = one(
        "Measurable disease per disease specific Response Evaluation Criteria in Solid Tumors (RECIST) version 1.1 - patients with bone as their only site of disease will not be eligible."
    )
    (md,) = [c for c in cs if c.family == "measurable_disease"]
    assert md.params["requirement"] == "measurable"
    assert md.params["bone_only"] == "requires_measurable_component"
    (site,) = [c for c in cs if c.family == "disease_sites"]
    assert site.params["site"] == "bone" and site.params["extent"] == "only"


def test_therapies_that_caused_a_toxicity_are_no_rules() -> None:
    assert families(
        "Resolution of all chemotherapy or radiation-related toxicities to Grade 1 severity or lower, except for stable sensory neuropathy <= Grade 2 and alopecia."
    ) == {"toxicity"}
    assert families(
        "Resolution of all acute toxic effects of prior chemotherapy or radiotherapy or surgical procedures to NCI CTCAE Version 3.0 grade < or = 1."
    ) == {"toxicity"}
    assert families(
        "Unresolved or unstable, serious toxicity from prior administration of another investigational drug and/or of prior cancer treatment.",
        "exclusion",
    ) == {"toxicity"}


def test_therapy_rule_beside_a_toxicity_is_kept() -> None:
    # (since parser 0.15.0 a past adverse event "during treatment with exemestane and
    # everolimus" names where the harm came from, no rule against the drugs:
    # tests/criteria/test_conditions_in_context.py)
    # a washout in the same item keeps the radiotherapy rule, another sentence its own rule
    assert {"radiotherapy", "prior_therapy"} <= families(
        "Patients who have had radiotherapy within 4 weeks prior to entering the study or those who have not recovered from adverse events due to agents administered more than 4 weeks earlier; patients who have had prior chemotherapy for metastatic disease are not eligible; prior adjuvant or neoadjuvant chemotherapy is allowed",
        "exclusion",
    )


def test_anticoagulant_exempting_from_a_coagulation_limit_is_no_drug_rule() -> None:
    assert families(
        "Partial thromboplastin time (PTT) =< 1.2 times the ULN unless the patient is receiving therapeutic anticoagulation"
    ) == {"lab"}
    # the drug is the rule and the INR a condition of it: kept
    assert "medication" in families(
        "Concurrent full-dose anticoagulants (e.g., warfarin) with PT INR > 1.5 allowed provided the following criteria are met:"
    )


def test_her2_ihc_0_and_1_plus_listed_is_negative() -> None:
    (r,) = fam("Immunohistochemical (IHC) 0, IHC 1+ OR", "receptor")
    assert r.params["status"] == "negative"
    # every score listed is no HER2-negative rule
    (r,) = fam(
        "Immunohistochemistry (IHC) 0 (i.e., negative), 1+, 2+, or 3+ levels of expression, or",
        "receptor",
    )
    assert r.params["status"] != "negative"


def test_covid_vaccination_is_no_infection() -> None:
    assert "infection" not in families(
        "Patients who have received live attenuated vaccines within the 30 days prior to registration are not eligible. Seasonal flu vaccines that do not contain live virus, and coronavirus disease 2019 (COVID-19) vaccinations and boosters are permitted.",
        "exclusion",
    )


def test_allergy_medications_are_no_allergy() -> None:
    assert "hypersensitivity" not in families(
        "Over The Counter (OTC) antiemetics, OTC cold or OTC allergy medications."
    )
    assert fam("A known sensitivity to medications containing testosterone", "hypersensitivity")


def test_vocabulary_additions() -> None:
    (p,) = fam("Prior treatment with any CDK inhibitor.", "prior_therapy", "exclusion")
    assert "cdk46_inhibitor" in p.params["classes"]
    (p,) = fam(
        "Prior systemic anticancer therapy for breast cancer (immunotherapy, hormonotherapy, chemotherapy).",
        "prior_therapy",
        "exclusion",
    )
    assert "endocrine" in p.params["classes"]
    (p,) = fam("Prior therapy with ErbB1 and/or ErbB2 inhibitors.", "prior_therapy", "exclusion")
    assert p.params["classes"] == ["her2_directed"]


def test_courses_and_salvage_regimens_are_counted() -> None:
    (p,) = fam(
        "Previously received >1 course of systemic chemotherapy (not including immunotherapies or targeted therapies) for the treatment of metastatic breast cancer.",
        "prior_therapy",
        "exclusion",
    )
    assert p.params["min_lines"] == 2
    (p,) = fam(
        "Patients may have had 0-1, but no more than one prior course of chemotherapy for metastatic disease",
        "prior_therapy",
    )
    assert p.params["max_lines"] == 1


def test_organ_failure_is_no_progression_on_therapy() -> None:
    # "heart failure" is a heart condition, never a progression on a therapy (since parser
    # 0.15.0 the trastuzumab the harm came with is no prior-therapy rule at all:
    # tests/criteria/test_conditions_in_context.py)
    cs = one(
        "History of a decrease in LVEF to < 40% or symptomatic congestive heart failure (CHF) with previous trastuzumab treatment",
        "exclusion",
    )
    assert any(
        c.family == "cardiac" and "heart_failure" in c.params.get("condition", []) for c in cs
    )
    assert not any("progression" in c.params for c in cs)


def test_nyha_stage_is_no_cancer_stage() -> None:
    assert families("NYHA stage 3 or 4 cardiac disease") == {"cardiac"}


def test_male_and_or_female_is_no_restriction() -> None:
    (s,) = fam(
        "Healthy male and/or female subjects aged 18 to 65 years with suitable veins for cannulation or repeated venipuncture.",
        "sex",
    )
    assert s.params == {"no_restriction": True}


def test_sleep_aids_are_no_aids() -> None:
    assert "infection" not in families(
        "Concomitant nightly use of sleep aids at bedtime", "exclusion"
    )


def test_bone_lesions_in_the_absence_of_measurable_disease_are_the_alternative() -> None:
    # was read as an exclusion of measurable disease ("absence of"): every patient with
    # measurable disease failed the trial
    for text in (
        "Must have at least one lesion that can be accurately measured or bone lesions in the absence of measurable disease.",
        "Bone lesions (lytic or mixed [lytic plus sclerotic]) in the absence of measurable disease as defined above",
    ):
        cs = one(text)
        (md,) = [c for c in cs if c.family == "measurable_disease"]
        assert md.polarity == "require" and md.params["requirement"] == "bone_only_allowed"
        # the bone site is one of two alternatives: it never blocks
        assert all(c.polarity == "allow" for c in cs if c.family == "disease_sites")


def test_a_duration_range_is_no_age() -> None:
    assert "age" not in families(
        "Have undergone treatment with systemic chemotherapy within the last 1-5 years,"
    )


def test_male_slash_female() -> None:
    (s,) = fam(
        "Male/ female with solid, malignant tumour which is unresponsive to standard therapies (Phase I). Female patients with advanced breast cancer with low HER2 expression (Phase II)",
        "sex",
    )
    assert s.params == {"no_restriction": True}
    assert fam("Male/female sterilization", "sex") == []


def test_ecog_or_less_and_or_higher() -> None:
    # "2 or less" had allowed only grade 2: a patient with ECOG 0 failed the trial
    (p,) = fam(
        "Eastern Cooperative Oncology Group (ECOG) performance status 2 or less (Appendix I).",
        "performance_status",
    )
    assert p.params["allowed"] == [0, 1, 2]
    (p,) = fam("Performance status of 2 or better per SWOG criteria", "performance_status")
    assert p.params["allowed"] == [0, 1, 2]


def test_bone_metastases_as_a_bone_agents_indication_is_no_site_rule() -> None:
    # read as an exclusion of bone metastases: the population this project serves
    assert families("Bisphosphonates or Zometa for bone metastases", "exclusion") == {"bone_agent"}
    assert "disease_sites" not in families(
        "Patients may receive concomitant bisphosphonate therapy for bone metastasis."
    )


def test_an_age_inside_a_postmenopausal_definition_is_no_age_rule() -> None:
    assert families("Age 60 or older with a prior hysterectomy without oophorectomy, or") == set()
    assert families("Age < 50 y and amenorrheic for 12 or more months.") == {"menopause"}
    # an age rule beside the status stays
    assert "age" in families("Female participants, >/= 18 years of age")


def test_her2_ihc_1_plus_or_0_is_negative() -> None:
    (r,) = fam("IHC 1+ or 0", "receptor")
    assert r.params["status"] == "negative"


def test_the_radiation_treatment_area_is_a_place() -> None:
    assert "radiotherapy" not in families(
        "Use of oral corticosteroids or topical corticosteroids in the irradiation area",
        "exclusion",
    )


def test_one_of_these_regimens_is_counted() -> None:
    (p,) = fam("At least 1 of these regimens must have contained a taxane.", "prior_therapy")
    assert p.params["min_lines"] == 1 and "taxane" in p.params["classes"]


def test_bone_named_as_the_exception_is_no_exclusion_of_bone() -> None:
    # "non-measurable lesions other than bone metastasis": bone-only patients are allowed
    assert "disease_sites" not in families(
        "Patients with only non-measurable lesions other than bone metastasis (e.g. pleural effusion, ascites etc.).",
        "exclusion",
    )
    # "any metastatic disease other than skeletal metastases" (exclusion): a bone-only rule
    (s,) = fam(
        "Any metastatic disease or history of metastatic disease other than skeletal metastases",
        "disease_sites",
        "exclusion",
    )
    assert s.polarity == "require" and s.params == {"site": "bone", "extent": "only"}
    # a metabolic bone disease is no site of metastases
    assert "disease_sites" not in families(
        "Pre-existing bone disease (e.g. osteomalacia, osteogenesis imperfecta, Paget's disease).",
        "exclusion",
    )
    # a radiopharmaceutical's indication is no site rule
    assert "disease_sites" not in families(
        "Prior treatment with Strontium-89 or Samarium-153 for bone metastases.", "exclusion"
    )


def test_in_the_absence_of_measurable_disease_then_bone_lesions() -> None:
    cs = one(
        "Have measurable lesion(s) according to Response Evaluation Criteria in Solid Tumours version 1.1 (RECIST v1.1) or, in the absence of measurable disease, lytic or mixed bone lesions that can be assessed by computed tomography (CT) or magnetic resonance imaging (MRI)."
    )
    (md,) = [c for c in cs if c.family == "measurable_disease"]
    assert md.params["requirement"] == "bone_only_allowed" and md.polarity == "require"
    assert all(c.polarity == "allow" for c in cs if c.family == "disease_sites")


def test_a_permissive_parenthesis_allows_what_it_names() -> None:
    cs = one(
        "Eastern Cooperative Oncology Group (ECOG) performance status 0-1 (ECOG performance status of 2 will be allowed if only due to debilitating bone disease)"
    )
    ps = sorted((c.params["allowed"], c.polarity) for c in cs if c.family == "performance_status")
    assert ps == [([0, 1], "require"), ([2], "allow")]
    # the bone disease of the exception is no bone-only requirement
    assert all(c.polarity == "allow" for c in cs if c.family == "disease_sites")
    # the trial's own population inside an allowed exception is not excluded
    rs = fam(
        "Bilateral breast cancer (multifocal or multicentric breast cancer is allowed provided that all biopsied lesions are HER2 1+ or 2+, not FISH amplified and are HR positive per ASCO guidelines)",
        "receptor",
        "exclusion",
    )
    assert rs and all(c.polarity == "allow" for c in rs)


def test_a_lone_ecog_grade_is_too_weak_for_not_met() -> None:
    (p,) = fam("ECOG performance status 2", "performance_status")
    assert p.params["allowed"] == [2] and p.confidence < 0.75


def test_measurable_disease_named_as_what_the_patient_lacks() -> None:
    # these exclusions name patients *without* measurable disease; read as excluding
    # measurable disease, they failed every patient who had it
    for text in (
        "Patients with only non-measurable lesions other than bone metastasis (e.g. pleural effusion, ascites etc.).",
        "Subjects with bone or skin as the only site of measurable disease",
        "No measurable disease (including bone only, pleural effusions, etc.)",
    ):
        (md,) = fam(text, "measurable_disease", "exclusion")
        assert md.polarity == "require", text
    # a lesion "not within a previously radiated field" is still a measurable lesion
    cs = one(
        "Participants must have at least one lesion that is not within a previously radiated field that is measurable on computerized tomography (CT) or magnetic resonance imaging (MRI) scan per RECIST version 1.1. Bone lesions are not considered measurable by definition. See Section 11 for the evaluation of measurable disease."
    )
    (md,) = [c for c in cs if c.family == "measurable_disease"]
    assert md.polarity == "require"
    (rt,) = [c for c in cs if c.family == "radiotherapy"]
    assert "non_irradiated_lesion" in rt.params["aspect"] and rt.polarity == "require"
    # a measurable QTc is no measurable disease
    assert "measurable_disease" not in families(
        "Resting EKG with measurable QTc interval of >480msec at 2 or more time points within a 24 hr period.",
        "exclusion",
    )


def test_cns_rules_for_those_who_have_brain_metastases() -> None:
    # required active brain metastases of every patient before
    (c,) = fam(
        "Known, untreated brain metastases must undergo definitive local therapy - as determined by treating physician - prior to study entry.",
        "cns",
    )
    assert c.params["status"] == "treated_stable"
    # "CNS compression" among bone complications is no brain metastasis
    assert "cns" not in families(
        "Non-symptomatic bone lesions, defined as pain absence, lack of bone complications (fracture, hypercalcemia, Central Nervous System (CNS) compression), no need of analgesic chronic administration for bone disease."
    )


def test_a_planned_treatment_is_no_treatment_history() -> None:
    # "candidate for chemotherapy" was read as prior chemotherapy required: a chemo-naive
    # patient failed the trial
    for text in ("candidate for chemotherapy;", "Scheduled to receive adjuvant chemotherapy"):
        (p,) = fam(text, "prior_therapy")
        assert p.params.get("planned") is True and p.confidence < 0.75, text
    # a treatment received is no plan
    (p,) = fam(
        "Disease progression after at least 1, but no more than 2, prior chemotherapy regimens for metastatic disease",
        "prior_therapy",
    )
    assert "planned" not in p.params


def test_not_given_after_the_therapy_negates_it() -> None:
    (p,) = fam(
        "Chemotherapy has not been given for advanced or metastatic breast cancer.",
        "prior_therapy",
    )
    assert p.polarity == "exclude"


def test_a_status_naming_whom_another_rule_is_for() -> None:
    # a postmenopausal patient failed this pregnancy-test rule
    assert "menopause" not in families(
        "A negative serum pregnancy test ≤ 72 hours before starting study treatment for pre-menopausal women and for women < 1 year from the last menstruation date."
    )
    # "cessation of regular menses" is no sign of premenopausal status
    (m,) = fam(
        "Age < 60 years and cessation of regular menses for at least 12 consecutive months with no alternative pathological or physiological cause; or serum estradiol and follicle stimulating hormone levels within the local laboratory's normal reference range for postmenopausal females;",
        "menopause",
    )
    assert m.params["status"] == ["post"]


def test_no_other_measurable_disease_joined_to_another_condition_is_weak() -> None:
    (md,) = fam(
        "Clinical presentation of inflammatory carcinoma with no other measurable disease",
        "measurable_disease",
        "exclusion",
    )
    assert md.polarity == "require" and md.confidence < 0.75


def test_a_lab_limit_is_not_negated_by_another_words_negation() -> None:
    # every patient within these limits failed them
    for text in (
        "In absence of liver metastases, alanine aminotransferase (ALT) and aspartate aminotransferase (AST) ≤ 3.0 × ULN. If the participant has liver metastases, ALT and AST ≤ 5 × ULN",
        "Adequate hematology without ongoing transfusional support (hemoglobin > 9 g/dL, absolute neutrophil count (ANC) > 1,500 per mm^3, platelets > 100,000 per mm^3).",
    ):
        labs = fam(text, "lab")
        assert labs and all(c.polarity == "require" for c in labs), text
    # a limit naming the excluding range stays an exclusion
    (g,) = fam("No diabetes with morning fasting blood glucose of 200 mg/dL or greater", "lab")
    assert g.polarity == "exclude"


def test_the_trials_own_cancer_named_as_an_exception_is_no_receptor_rule() -> None:
    # HER2-positive patients were excluded from this HER2-positive trial
    assert "receptor" not in families(
        "History of other malignancy within the previous 5 years, except for appropriately treated carcinoma in situ of the cervix, non-melanoma skin carcinoma, Stage 1 uterine cancer, synchronous or previously diagnosed HER2-positive breast cancer",
        "exclusion",
    )


def test_a_parenthesis_or_an_unfit_for_treatment_clause_does_not_negate_the_head() -> None:
    # "(NOTE: patients with HER2+ ... are excluded ...)" had turned ER+/HER2- into exclusions
    cs = fam(
        "Documented evidence of ER+HER2- metastatic breast cancer (NOTE: patients with HER2+ metastatic breast cancer are excluded from participation in this study)",
        "receptor",
    )
    by = {(c.params["receptor"], c.params["status"]): c.polarity for c in cs}
    assert by[("er", "positive")] == "require" and by[("her2", "negative")] == "require"
    assert by[("her2", "positive")] == "exclude"
    # "unless patient was ineligible to receive such therapy": unfit for a treatment
    (r,) = fam(
        "Locally advanced unresectable or metastatic TNBC with disease progression following, or intolerance to, at least 2 lines of therapy, unless patient was ineligible to receive such therapy",
        "receptor",
    )
    assert r.polarity == "require"
    # the subtype as the setting of a "no prior therapy" rule is no exclusion of it
    assert (
        fam(
            "No prior chemotherapy or targeted systemic therapy for inoperable locally advanced or metastatic TNBC",
            "receptor",
        )
        == []
    )
    # "with or without PR positivity": no PR rule
    pr = [
        c
        for c in fam(
            "Documentation of ER positive tumor with ≥ 1% staining by immunohistochemistry (IHC) as defined in the 2010 or 2020 American Society for Clinical Oncology (ASCO) recommendations for ER testing, with or without progesterone receptor (PGR) positivity",
            "receptor",
        )
        if c.params["receptor"] == "pr"
    ]
    assert pr and all(c.polarity == "allow" for c in pr)


def test_metastatic_disease_as_a_setting_or_an_alternative_is_no_exclusion() -> None:
    # metastatic patients were excluded from these metastatic trials
    assert all(
        c.polarity != "exclude"
        for c in fam(
            "No prior chemotherapy or hormone therapy for metastatic breast cancer or inoperable breast cancer that is locally recurrent or locally advanced",
            "diagnosis",
        )
    )
    assert all(
        c.polarity == "allow"
        for c in one(
            "Patients that either have received previous treatment with anthracyclines and/or taxanes or not (either as advance or in metastatic disease)."
        )
    )
    # what a life expectancy leaves out is no exclusion
    assert "diagnosis" not in families(
        "Patients should have a life expectancy of at least 10 years, excluding their diagnosis of breast cancer. (Comorbid conditions should be taken into consideration, but not the diagnosis of breast cancer.)"
    )


def test_may_continue_is_permissive() -> None:
    # patients not on bisphosphonates failed these trials
    cs = fam(
        "Patients on bisphosphonates may continue receiving bisphosphonate therapy during study treatment.",
        "bone_agent",
    )
    assert cs and all(c.polarity == "allow" for c in cs)
    (b,) = fam(
        "Patients can be currently receiving trastuzumab and/or lapatinib and/or hormonal therapy and/or bisphosphonate therapy",
        "bone_agent",
    )
    assert b.polarity == "allow"


def test_an_inline_not_specified_is_no_rule() -> None:
    # "Chemotherapy: Not specified" required chemotherapy of every patient
    (item,) = compile_criteria("Inclusion Criteria:\n- Chemotherapy: Not specified")[1:]
    assert item.role == "no_condition" and item.constraints == []
    assert item.unparsed_reason == "states there is no condition on chemotherapy"
