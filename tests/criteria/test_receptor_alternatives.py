# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0: receptor subtypes joined by "or" are alternatives. Read as rules that
all must hold, "HER2-neu-negative or HER2-neu-positive breast cancer" and "TNBC or
HR+/HER2-negative" failed every patient. Alternatives of one receptor status each form an
``or`` group; when an alternative is a profile of several receptors (a flat group cannot
say "(ER+ and HER2-) or TNBC"), the item's receptor rules stay at low confidence, so a
"not met" is checked by hand. The last connective outside parentheses decides ("ER/PgR
positive or negative and HER2 negative" keeps "and"); "histological or cytological" and
exclusions are left alone. Every text is real snapshot text."""

from __future__ import annotations

from tests.criteria.conftest import fam

from osteotrials.criteria.families.receptor import ALTERNATIVES_GROUP
from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


def test_single_status_alternatives_form_an_or_group() -> None:
    for text in (
        "infiltrating (invasive) HER2-neu-negative or HER2-neu-positive breast cancer.",
        "ER/PR negative or ER positive. ER/PR status will be evaluated with Allred score (semi-quantitative measurement) following ASCO CAP guidelines 2009.",
        "HER2 negative (IHC 0) or HER2 3+ or FISHDual-ISH amplified (FISH >2.0); Dual-ISH >2.0",
    ):
        rules = fam(text, "receptor")
        assert len(rules) == 2, text
        assert all(
            c.logic.connective == "or" and c.logic.group == ALTERNATIVES_GROUP for c in rules
        )


def test_profile_alternatives_are_checked_by_hand() -> None:
    for text in (
        "Archival or fresh tumor tissue comprised of TNBC or HR+/HER2-negative invasive breast cancer available for NECTIN4 gene amplification testing.",
        "Histological confirmation of ER positive, HER2 negative invasive breast cancer (Group 1) or invasive triple-negative breast cancer (Group 2)",
    ):
        rules = fam(text, "receptor")
        assert len(rules) >= 2
        assert all(c.logic.connective == "and" for c in rules)
        assert all(c.confidence < MIN_CONFIDENCE_FOR_NOT_MET for c in rules), text


def test_and_after_or_keeps_and() -> None:
    rules = fam(
        "Primary tumor may be estrogen or progesterone receptor negative or positive, and human epidermal growth factor receptor 2 (HER-2/neu) negative as determined by either Fluorescent In Situ Hybridization (FISH) or 0-2+ staining by immunohistochemistry (IHC) (Hercept™).",
        "receptor",
    )
    her2 = next(c for c in rules if c.params["receptor"] == "her2")
    assert her2.params["status"] == "negative"
    assert her2.logic.connective == "and" and her2.confidence >= MIN_CONFIDENCE_FOR_NOT_MET


def test_a_definition_of_the_other_status_is_no_rule() -> None:
    rules = fam(
        "Estrogen receptor (ER) and progesterone receptor negative (a tumor is ER and/or progesterone receptor positive if at least 1 percent (%) of the cells examined have estrogen and/or progesterone receptors)",
        "receptor",
    )
    assert [c.params for c in rules] == [{"receptor": "hr", "status": "negative"}]


def test_exclusions_keep_and() -> None:
    for c in fam("Erbb2 negative and/or ER and PgR negative", "receptor", "exclusion"):
        assert c.logic.connective == "and"


# --- parser 0.18.6


def test_both_statuses_are_either_status_and_a_status_as_subject_names_a_subgroup() -> None:
    text = "Both HER2-positive and HER2-negative disease (as defined by IHC or by fluorescence in situ hybridization [FISH]). HER2+ must have had prior treatment with trastuzumab and/or lapatinib."
    found = fam(text, "receptor")
    # read as two requirements, every patient failed one of them
    assert {c.params["status"] for c in found} == {"any", "positive"}
    (positive,) = [c for c in found if c.params["status"] == "positive"]
    assert positive.confidence < MIN_CONFIDENCE_FOR_NOT_MET


def test_the_status_of_the_cancer_an_excepted_therapy_was_for_is_no_rule() -> None:
    text = "Any anticancer therapy within 14 days prior to the first dose of study drug, including: small molecules, immunotherapy, chemotherapy, monoclonal antibody therapy, radiotherapy, or any other agents to treat cancer (anti-hormonal therapy given for advanced prostate cancer or as adjuvant therapy for early stage, HR positive breast cancer is not considered cancer therapy for the purpose of this protocol)."
    # read as an exclusion of HR-positive disease, every HR-positive patient failed
    assert fam(text, "receptor", "exclusion") == []
