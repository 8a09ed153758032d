# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""prior_therapy component: drugs, classes, lines, settings, polarity."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one


def test_named_drugs_and_classes() -> None:
    text = "previous treatment with Xeloda, continuous 5-fluorouracil infusion, or other oral fluoropyrimidines;"
    (c,) = fam(text, "prior_therapy", "exclusion")
    assert set(c.params["drugs"]) == {"capecitabine", "fluorouracil"}
    assert "antimetabolite" in c.params["classes"]
    assert c.polarity == "exclude"


def test_required_prior_taxane() -> None:
    (c,) = fam("Prior taxane therapy", "prior_therapy")
    assert "taxane" in c.params["classes"] and c.polarity == "require"


def test_max_lines_with_metastatic_scope() -> None:
    (c,) = fam("No more than 1 prior chemotherapy regimen for metastatic disease", "prior_therapy")
    assert c.params["max_lines"] == 1 and c.params["line_scope"] == "metastatic"
    assert c.polarity == "require"  # "no more than" is a bound, not a negation


def test_more_than_n_lines_excluded() -> None:
    (c,) = fam(
        "More than three prior chemotherapy lines for advanced disease.",
        "prior_therapy",
        "exclusion",
    )
    assert c.params["min_lines"] == 4 and c.polarity == "exclude"


def test_allowed_prior_therapy() -> None:
    (c,) = fam("Prior chemotherapy or endocrine therapy is allowed", "prior_therapy")
    assert c.polarity == "allow"
    assert {"chemotherapy", "endocrine"} <= set(c.params["classes"])


def test_code_names_resolve() -> None:
    text = "Prior treatment with PD-0332991 or other CDK4/6 inhibitors"
    import pytest

    pytest.importorskip("osteotrials.vocab")
    # not every phrasing is in the snapshot; use the vocabulary directly for code names
    from osteotrials.vocab import drugs

    assert [d.name for d, *_ in drugs.find_drugs(text)] == ["palbociclib"]


def test_time_anchor_is_not_therapy_history() -> None:
    text = (
        "Left ventricular ejection fraction (LVEF) of greater than or equal to (>=) 55 percent (%) "
        "measured by echocardiography (ECHO) or multiple gated acquisition (MUGA) scan prior to first "
        "dose of trastuzumab SC"
    )
    assert fam(text, "prior_therapy") == []
    assert fam(text, "cardiac")[0].params["value"] == 55


# --- parser 0.7.0: therapy words that are context, anchors or other families


def test_minimum_and_maximum_number_of_regimens() -> None:
    text = "Patient has minimum of 2 and a maximum of 5 prior cytotoxic chemotherapy regimens with the last dose administered within 6 months. A minimum of two chemotherapy regimens had to be for locally recurrent and/or metastatic disease. All therapy received prior to a diagnosis of metastatic disease (eg, neoadjuvant, adjuvant or repeated adjuvant therapy following a second resection) is counted as one regimen."
    (c,) = fam(text, "prior_therapy")
    assert (c.params["min_lines"], c.params["max_lines"]) == (2, 5)
    assert "chemotherapy" in c.params["classes"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # ovarian suppression included in a menopausal-status definition
        (
            "Postmenopausal status for women (including women on or starting luteinizing hormone-releasing hormone \\[LHRH\\] agonist for ovarian suppression prior to randomization)",
            "inclusion",
        ),
        # a drug or class naming a time anchor
        (
            "Hypokalemia or hypomagnesemia if it cannot be corrected prior to dasatinib administration.",
            "exclusion",
        ),
        (
            "Hemoglobin \\>= 9.5 g/dL (determined within 30-60 days prior to enrollment; re-evaluated within 14 days of beginning conditioning chemotherapy)",
            "inclusion",
        ),
        # concurrent non-cancer medication and investigational products
        (
            "Chronic systemic therapy with immunosuppressive agents including cortico¬steroids.",
            "exclusion",
        ),
        ("Concurrent treatment with other experimental drugs.", "exclusion"),
        # the study's own treatment inside a consent rule
        (
            "Patients who cannot give proper informed consent to the experimental therapy due to an active psychiatric disorder or inability to understand the nature of the proposed therapy and attendant risk.",
            "exclusion",
        ),
    ],
)
def test_no_prior_therapy_from_context(text: str, kind: str) -> None:
    assert fam(text, "prior_therapy", kind) == []


def test_required_ovarian_suppression_stays_a_therapy_rule() -> None:
    text = "Pre-menopausal / peri-menopausal women and men must be concurrently receiving a luteinizing hormone-releasing hormone (LHRH) agonist starting at least 3-4 weeks before the start of trial therapy and is planning to continue LHRH during the study."
    (c,) = fam(text, "prior_therapy")
    assert "ovarian_suppression" in c.params["classes"] and c.polarity == "require"


def test_drugs_naming_the_study_treatment_are_not_therapy_history() -> None:
    text = "Women of childbearing potential and men should agree to use an effective form of contraception and to continue its use for the duration of study treatment and for at least 7 months after the last dose of study treatment (trastuzumab and/or pertuzumab)"
    assert fam(text, "prior_therapy") == []


def test_therapy_named_as_anchor_or_kinetics_object_is_no_rule() -> None:
    text = "MammoSite® brachytherapy radiation accepted when performed immediately following surgery and prior to receiving chemotherapy."
    assert fam(text, "prior_therapy") == []
    text = "Patients who received radiation therapy ≤14 days prior to initiation of investigational agents are excluded."
    assert fam(text, "prior_therapy", "exclusion") == []
    text = "Eligibility of patients receiving medications or substances known to affect, or with the potential to affect the activity or pharmacokinetics of GW572016 will be determined following review of their use by the Principal Investigator"
    assert fam(text, "prior_therapy", "exclusion") == []
    # corticosteroids are concurrent medication, not anticancer therapy
    text = "Concomitant treatment with oral or intravenous corticosteroids"
    assert fam(text, "prior_therapy", "exclusion") == []
    assert fam(text, "medication", "exclusion")


def test_earlier_trial_of_a_drug_whether_or_not_received() -> None:
    text = "Patients who participated in a prior E7389 clinical trial whether or not E7389 was received."
    assert fam(text, "prior_therapy", "exclusion") == []
    assert fam(text, "trial_participation", "exclusion")
    # a withdrawal from a parent trial of the drug is both
    text = "Withdrawal from a parent ZD1839 trial because of tumor progress"
    assert fam(text, "trial_participation", "exclusion")
    assert fam(text, "prior_therapy", "exclusion")[0].params["drugs"] == ["gefitinib"]


def test_lines_of_drug_containing_regimens() -> None:
    text = "Patient receiving progressive disease after Herceptin plus chemotherapy or Herceptin alone. No more than two Herceptin containing regimens."
    (c,) = fam(text, "prior_therapy")
    assert c.params["max_lines"] == 2 and "trastuzumab" in c.params["drugs"]


def test_therapy_named_as_a_cause_or_biological_as_an_adjective() -> None:
    text = "Concurrent short term corticosteroid therapy (to prevent/treat chemotherapy-induced nausea/vomiting) allowed"
    assert fam(text, "prior_therapy") == []
    text = "Availability of tumor tissue suitable for biological and molecular examination before starting primary treatment"
    assert fam(text, "prior_therapy") == []
    # "biological" as the therapy still is one
    (c,) = fam(
        "At least 3 weeks since prior chemotherapy, biological or hormonal therapy.",
        "prior_therapy",
    )
    assert {"biologic_therapy", "chemotherapy", "endocrine"} <= set(c.params["classes"])
    # the drug of a leading subgroup condition is no rule on every patient (parser
    # 0.18.6; until then another mention of the drug kept it as a required therapy)
    text = "For subjects that previously received capecitabine, all capecitabine related toxicities must have completely resolved"
    assert fam(text, "prior_therapy") == []
    assert fam(text, "toxicity")


# --- parser 0.9.0


@pytest.mark.parametrize(
    "text",
    [
        "3 weeks if immediately preceding treatment was chemotherapy/targeted therapy administered every 2 weeks",
        "Has had prior chemotherapy, targeted small molecule therapy, or radiation therapy within 2 weeks prior to study day 1 or who has not recovered (i.e., =\\< grade 1 or at baseline) from adverse events due to a previously administered agent",
    ],
)
def test_targeted_therapy_is_the_targeted_umbrella_class(text: str) -> None:
    (c,) = fam(text, "prior_therapy", "exclusion")
    assert {"chemotherapy", "targeted"} <= set(c.params["classes"])


def test_her2_targeted_keeps_its_own_class() -> None:
    (c,) = fam("HER-2-targeted therapies allowed", "prior_therapy")
    assert c.params["classes"] == ["her2_directed"]


def test_treatment_of_an_infection_is_no_anticancer_therapy() -> None:
    text = "PRIMARY TREATMENT: Untreated and/or uncured hepatitis C virus (HCV) infection, as evidenced by detectable hepatitis B core (HBC) ribonucleic acid (RNA) by polymerase chain reaction (PCR). Prior treatment, concurrent treatment, and natural resolution of HCV infection are not exclusionary given (1) no"
    assert fam(text, "prior_therapy", "exclusion") == []
    assert fam(text, "infection", "exclusion")


@pytest.mark.parametrize(
    ("text", "kind", "want"),
    [
        (
            "No more than 1 prior cytotoxic chemotherapy for metastatic disease",
            "inclusion",
            {"max_lines": 1.0},
        ),
        (
            "Patient has received > 1 chemotherapy for the treatment of advanced/metastatic breast cancer",
            "exclusion",
            {"min_lines": 2.0},
        ),
        # "and/or more than one hormonotherapy" is no "or more"
        (
            "More than one previous chemotherapy and/or more than one hormonotherapy for advanced disease.",
            "exclusion",
            {"min_lines": 2.0},
        ),
        (
            "0, 1 or 2 chemotherapies in the metastatic setting",
            "inclusion",
            {"min_lines": 0, "max_lines": 2.0},
        ),
    ],
)
def test_number_of_prior_chemotherapies_is_a_line_count(
    text: str, kind: str, want: dict[str, float]
) -> None:
    (c,) = fam(text, "prior_therapy", kind)
    assert {k: c.params.get(k) for k in want} == want


def test_grade_or_agent_counts_are_no_line_count() -> None:
    text = "Unresolved or unstable serious toxic side effects of prior chemotherapy or radiotherapy, i.e., ≥ Grade 2 per Common Terminology Criteria for Adverse Events (CTCAE) v5.0, except fatigue, alopecia, and Grade 2 chemotherapy-induced neuropathy"
    cs = one(text, "exclusion")
    assert not any("min_lines" in c.params or "max_lines" in c.params for c in cs)
    # since 0.14.0 the therapies named as the toxicity's cause are no rule at all
    assert [(c.family, c.params.get("max_grade")) for c in cs] == [("toxicity", 2)]


def test_concurrent_hormone_replacement_is_no_anticancer_therapy() -> None:
    assert (
        fam(
            "Concurrent treatment with ovarian hormonal replacement therapy.",
            "prior_therapy",
            "exclusion",
        )
        == []
    )


@pytest.mark.parametrize(
    "text",
    [
        "Be chemotherapy naïve",
        "Patient must be naive to chemotherapy at the time of enrollment",
        "Chemotherapy-naïve patients (for this malignancy)",
    ],
)
def test_naive_to_a_therapy_excludes_it(text: str) -> None:
    (c,) = fam(text, "prior_therapy")
    assert c.polarity == "exclude" and "chemotherapy" in c.params["classes"]


def test_naive_or_treated_long_ago_is_left_as_written() -> None:
    # alternatives ("naive or treated > 5 years ago") are not read as a plain exclusion
    (c,) = fam(
        "Chemotherapy naïve or have received prior chemotherapy > 5 years ago", "prior_therapy"
    )
    assert c.polarity == "require"


def test_number_words_inside_words_are_no_line_count() -> None:
    # "horm-one therapy treatments", "anti-HER-2 therapies"
    text = "Pregnant or lactating women. Adequate contraceptive methods must be used during chemotherapy and hormone therapy treatments."
    # (since 0.17.0 the therapies there are the time of the contraception rule: no rule)
    assert all("min_lines" not in c.params for c in fam(text, "prior_therapy", "exclusion"))
    (c,) = fam("A maximum of two hormone therapy lines for metastatic disease.", "prior_therapy")
    assert c.params["max_lines"] == 2


def test_medications_and_time_anchors_are_no_anticancer_therapy() -> None:
    text = "History of uncontrolled seizures; (Note: patients are eligible for the study if the seizures are well controlled with standard medications)"
    assert fam(text, "prior_therapy", "exclusion") == []
    text = "Treatment with systemically active antibiotics within 72 hours before chemotherapy"
    assert fam(text, "prior_therapy", "exclusion") == []
    assert fam(text, "medication", "exclusion")


def test_drug_named_for_its_interactions_is_no_prior_therapy() -> None:
    text = "Known history of human immunodeficiency virus (HIV) (HIV 1/2 antibodies), due to concerns for potential drug-drug interactions with entinostat and anti-retroviral medications."
    assert fam(text, "prior_therapy", "exclusion") == []
    assert fam(text, "infection", "exclusion")


@pytest.mark.parametrize(
    "text",
    [
        "Has an active infection requiring systemic therapy.",
        "Active autoimmune disease that has required systemic treatment in the past 2 years",
    ],
)
def test_treatment_an_illness_required_is_no_anticancer_therapy(text: str) -> None:
    assert fam(text, "prior_therapy", "exclusion") == []


def test_lhrha_is_ovarian_suppression() -> None:
    text = "Patients who have received LHRHa as adjuvant therapy for breast cancer within 48 weeks before randomisation"
    (c,) = fam(text, "prior_therapy", "exclusion")
    assert "ovarian_suppression" in c.params["classes"]


def test_biologic_relatives_are_no_biologic_therapy() -> None:
    text = 'Biologic relatives of an individual meeting this protocol\'s definition of "Familial Cancer," who are either affected or unaffected by cancer.'
    assert fam(text, "prior_therapy") == []


# --- parser 0.10.0


def _line_params(text: str, kind: str = "inclusion") -> dict[str, object]:
    (c,) = [
        c
        for c in fam(text, "prior_therapy", kind)
        if "min_lines" in c.params or "max_lines" in c.params
    ]
    return {k: v for k, v in c.params.items() if k in ("min_lines", "max_lines")}


def test_comparison_words_with_a_lost_symbol_bound_the_lines() -> None:
    # NLI4CT lost the symbol, not the words: "Less than or equal to (  ) 3"
    text = "Less than or equal to (  ) 3 chemotherapy regimens prior to study entry"
    assert _line_params(text) == {"max_lines": 3.0}


@pytest.mark.parametrize(
    ("text", "kind", "bounds"),
    [
        (
            "At least one prior regimen of chemotherapy in the setting of metastatic breast cancer; no upper limit on the number of prior endocrine regimens for metastatic breast cancer, however no more than 6 chemotherapeutic regimens may have been given in the metastatic setting",
            "inclusion",
            {"min_lines": 1.0, "max_lines": 6.0},
        ),
        (
            "Has received at least one line, but not more than three lines, of systemic therapy for metastatic disease",
            "exclusion",
            {"min_lines": 1.0, "max_lines": 3.0},
        ),
        # an upper bound in another sentence counts another therapy: no range
        (
            "For Arm I: at least two lines of prior endocrine therapy (in adjuvant and/or metastatic settings) are required. Up to two prior cytotoxic chemotherapies are allowed in the metastatic setting (prior adjuvant and neoadjuvant chemotherapy is allowed).",
            "inclusion",
            {"min_lines": 2.0},
        ),
    ],
)
def test_a_later_upper_bound_after_but_completes_the_lower(
    text: str, kind: str, bounds: dict[str, float]
) -> None:
    assert _line_params(text, kind) == bounds


def test_anti_her_and_targeted_systemic_therapies_are_classes() -> None:
    (c,) = fam(
        "Previous treatment with Herceptin or other anti-HER therapies, or any previous chemotherapy for advanced or metastatic disease",
        "prior_therapy",
        "exclusion",
    )
    assert "her2_directed" in c.params["classes"] and c.params["drugs"] == ["trastuzumab"]
    (c,) = fam(
        "No prior chemotherapy or targeted systemic therapy for inoperable locally advanced or metastatic TNBC",
        "prior_therapy",
    )
    assert set(c.params["classes"]) == {"chemotherapy", "targeted"}


@pytest.mark.parametrize(
    ("text", "kind", "bounds"),
    [
        # parser 0.12.0: a setting word between the count and "regimen"
        ("No more than 1 prior adjuvant chemotherapy regimen", "inclusion", {"max_lines": 1}),
        # a symbol restated in parentheses after a worded operator
        (
            "Prior treatment with greater than (>) 1 cytotoxic chemotherapy regimen for metastatic breast cancer",
            "exclusion",
            {"min_lines": 2},
        ),
        (
            "Participants must have received less than or equal to (≤)5 prior lines of treatment for advanced or metastatic disease",
            "inclusion",
            {"max_lines": 5},
        ),
        # "at least one but no more than 3": both bounds
        (
            "Participants must have progressed following at least one but no more than 3 prior lines of treatment for metastatic or relapsed disease",
            "inclusion",
            {"min_lines": 1, "max_lines": 3},
        ),
        # a count that is permitted is an upper bound
        (
            "May have received one prior adjuvant chemotherapy regimen",
            "inclusion",
            {"max_lines": 1},
        ),
    ],
)
def test_line_counts_round2(text: str, kind: str, bounds: dict[str, int]) -> None:
    (c,) = fam(text, "prior_therapy", kind)
    for key, value in bounds.items():
        assert c.params[key] == value, (text, c.params)
    for key in {"min_lines", "max_lines"} - set(bounds):
        assert key not in c.params, (text, c.params)


@pytest.mark.parametrize(
    ("text", "kind", "classes"),
    [
        # parser 0.12.0: class names the drug vocabulary missed
        (
            "No prior anti-ErbB1/ErbB2 inhibitor for breast cancer other than trastuzumab.",
            "exclusion",
            {"her2_directed"},
        ),
        (
            "Adjuvant trastuzumab (Herceptin®) therapy or other HER-2 directed therapies are allowed for patients with HER-2 positive tumors and must be declared prior to randomization",
            "inclusion",
            {"her2_directed"},
        ),
        (
            "Previous treatment with any therapy that contains a TOP1i (eg. irinotecan, topotecan, trastuzumab deruxtecan, etc.)",
            "exclusion",
            {"topoisomerase_i"},
        ),
        (
            "Biological products including immuno-oncology agents: 28 days",
            "exclusion",
            {"biologic_therapy", "immunotherapy"},
        ),
        (
            "Anti-cancer therapy within 14 days (28 days for anticancer antibody based treatment) or 5 half-lives, whichever is shorter.",
            "exclusion",
            {"biologic_therapy"},
        ),
    ],
)
def test_class_names_round2(text: str, kind: str, classes: set[str]) -> None:
    # one rule, or one per time window (parser 0.18.3: "within 14 days (28 days for
    # anticancer antibody based treatment)" is two)
    found = fam(text, "prior_therapy", kind)
    assert found
    named = set().union(*(set(c.params.get("classes", [])) for c in found))
    assert classes <= named, (text, [c.params for c in found])


def test_non_antibody_based_therapy_is_not_biologic() -> None:
    (c,) = fam(
        "Immunotherapy (non-antibody-based therapy): ≥ 2 weeks", "prior_therapy", "exclusion"
    )
    assert c.params["classes"] == ["immunotherapy"]


@pytest.mark.parametrize(
    ("text", "except_classes"),
    [
        (
            "Prior systemic anti-cancer therapy other than endocrine therapy for locally "
            "recurrent or metastatic disease",
            ["endocrine"],
        ),
        (
            "Prior systemic therapy for metastatic disease (except endocrine therapy).",
            ["endocrine"],
        ),
        (
            "Other anticancer therapy for locally advanced or metastatic breast cancer except "
            "for prior hormonal therapy.",
            ["endocrine"],
        ),
    ],
)
def test_agents_named_as_exceptions(text: str, except_classes: list[str]) -> None:
    # the exception is not the rule's agent: the rule is any anticancer therapy but those
    [c] = fam(text, "prior_therapy", "exclusion")
    assert c.params.get("except_classes") == except_classes
    assert c.params.get("any_anticancer") is True
    assert not c.params.get("classes")


def test_a_list_after_the_exception_cue_is_excepted_whole() -> None:
    text = (
        "Prior cancer therapy (except for endocrine therapy, denosumab, or bisphosphonates) "
        "must be discontinued for 2 weeks prior to initiation of study drugs. Recovery from "
        "adverse events of previous cancer therapies to baseline or Grade 1 except for alopecia "
        "or stable Grade 2 neuropathy."
    )
    [c] = fam(text, "prior_therapy")
    # the bone agents of the list are exceptions of this rule too (and allowed by bone_agent)
    assert c.params.get("except_classes") == [
        "bisphosphonate",
        "bone_modifying_agent",
        "endocrine",
        "rank_ligand_inhibitor",
    ]
    assert c.params.get("except_drugs") == ["denosumab"] and c.params.get("any_anticancer")


def test_an_exception_stated_after_the_agents() -> None:
    # NCT03106077: read before as "require hormonal therapy", the rule turned upside down
    [c] = fam(
        "(For cohort A only): Time from prior therapy: a. Systemic anti-neoplastic therapy: "
        "five half-lives or four weeks, whichever is shorter. Hormonal therapy is not "
        "considered anti-neoplastic therapy.",
        "prior_therapy",
    )
    assert c.params.get("any_anticancer") is True
    assert c.params.get("except_classes") == ["endocrine"] and not c.params.get("classes")


def test_agents_that_do_not_count_as_anticancer_therapy() -> None:
    # NCT04553770: ovarian suppression and bone agents were read as excluded
    cons = one(
        "Other concurrent anti-cancer therapy. Note: ovarian function suppression drugs "
        "(goserelin, leuprolide, or triptorelin) and/or bone modifying agents (bisphosphonates, "
        "denosumab) do not count as anti-cancer therapy for this criteria.",
        kind="exclusion",
    )
    [c] = [c for c in cons if c.family == "prior_therapy"]
    assert c.polarity == "exclude" and c.params.get("any_anticancer") is True
    assert {"goserelin", "leuprolide", "triptorelin", "denosumab"} <= set(c.params["except_drugs"])
    assert not c.params.get("drugs") and not c.params.get("classes")
    assert {c.polarity for c in cons if c.family == "bone_agent"} == {"allow"}


def test_a_line_limit_whose_other_agents_do_not_count() -> None:
    # NCT00924352: the limit is on chemotherapy lines; hormonal therapy is not one
    [c] = fam(
        "Patient has had more than 2 prior lines of chemotherapy for locally recurrent or "
        "metastatic breast cancer. A line of chemotherapy will be defined as one or more agents "
        "used continuously or discontinuously (i.e., allowing a break or chemo holiday) without "
        "the addition of a new agent. Hormonal therapy will not be considered a line of therapy.",
        "prior_therapy",
    )
    assert c.params["classes"] == ["chemotherapy"] and c.params["except_classes"] == ["endocrine"]
    assert c.params["min_lines"] == 3


def test_a_counting_note_without_a_rule_keeps_its_agents() -> None:
    # NCT02447003: no head of its own, so the note is about the agents it names
    [c] = fam(
        "For the purposes of this study, neoadjuvant and/or adjuvant chemotherapy regimens do "
        "not count as a prior line of therapy.",
        "prior_therapy",
    )
    assert c.params.get("classes") == ["chemotherapy"] and not c.params.get("except_classes")


def test_an_exception_list_runs_on_past_a_parenthesis() -> None:
    # NCT05952557: the RANKL inhibitors and the example in parentheses are exceptions too
    cons = one(
        "Any concurrent anti-cancer treatment not specified in the protocol with the exception "
        "of bisphosphonates (e.g. zoledronic acid) or RANKL inhibitors ( eg, denosumab)",
        kind="exclusion",
    )
    bone = [c for c in cons if c.family == "bone_agent"]
    assert len(bone) == 4 and {c.polarity for c in bone} == {"allow"}
    [c] = [c for c in cons if c.family == "prior_therapy"]
    assert c.polarity == "exclude" and c.params.get("any_anticancer") is True


def test_words_of_a_closed_parenthesis_do_not_except_the_list_after_it() -> None:
    # NCT01178411: "excluding" belongs to the parenthesis; immunotherapy stays excluded
    [c] = fam(
        "Requirement to receive other concurrent chemotherapy (excluding combination therapy "
        "defined in original protocol), immunotherapy, radiotherapy, or any other "
        "investigational drug while on study.",
        "prior_therapy",
    )
    assert {"chemotherapy", "immunotherapy"} <= set(c.params["classes"])
    assert not c.params.get("except_classes")


def test_an_example_of_another_agent_is_not_an_exception() -> None:
    # neratinib and T-DM1 exemplify the ErbB2 inhibitors excluded, not trastuzumab
    [c] = fam(
        "Prior therapy with lapatinib or an ErbB2 inhibitor other than trastuzumab (including "
        "but not limited to trastuzumab-DM1 and neratinib) and capecitabine;",
        "prior_therapy",
    )
    assert c.params["except_drugs"] == ["trastuzumab"]
    assert {"neratinib", "trastuzumab emtansine", "capecitabine"} <= set(c.params["drugs"])


def test_agents_in_parentheses_qualify_a_generic_head() -> None:
    # the 14-day washout covers every anticancer therapy; antibodies get 28 days (parser
    # 0.18.3: a rule of their own)
    general, antibodies = fam(
        "Anti-cancer therapy within 14 days (28 days for anticancer antibody based treatment) "
        "or 5 half-lives, whichever is shorter.",
        "prior_therapy",
        "exclusion",
    )
    assert general.params.get("any_anticancer") is True
    assert general.time_window is not None and general.time_window.days == 14
    assert antibodies.time_window is not None and antibodies.time_window.days == 28
    [c] = fam(
        "Concurrent cancer therapy (chemotherapy, radiation therapy, immunotherapy, biologic "
        "therapy).",
        "prior_therapy",
        "exclusion",
    )
    assert c.params.get("any_anticancer") is True
    # a class outside parentheses still names the rule's own agent
    [c] = fam(
        "Prior anthracyclines as part of prior anticancer therapy.", "prior_therapy", "exclusion"
    )
    assert c.params.get("classes") and not c.params.get("any_anticancer")
