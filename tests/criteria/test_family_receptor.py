# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""receptor component: ER/PR/HR, HER2 by IHC/ISH, triple-negative."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


def _status(text: str, kind: str = "inclusion") -> dict[str, str]:
    return {c.params["receptor"]: c.params.get("status", "") for c in fam(text, "receptor", kind)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HER2-positive.", {"her2": "positive"}),
        ("HER-2 negative disease.", {"her2": "negative"}),
        ("HER2-low metastatic breast cancer;", {"her2": "low"}),
        (
            "Documented amplification of ErbB2 by Fluorescence in situ hybridization (FISH)",
            {"her2": "positive"},
        ),
        (
            "HER2+ status defined as IHC 3+ staining or in situ hybridization positive",
            {"her2": "positive"},
        ),
        (
            "Patients must have histologically confirmed ER+ and/or PR+, HER2-, early invasive breast cancer.",
            {"hr": "positive", "her2": "negative"},
        ),
        (
            "Biopsy proven hormone receptor positive, HER2 negative stage I-III invasive breast cancer",
            {"hr": "positive", "her2": "negative"},
        ),
    ],
)
def test_receptor_status(text: str, expected: dict[str, str]) -> None:
    assert _status(text) == expected


def test_her2_negative_by_ihc_or_fish() -> None:
    assert _status("HER2-negative - either IHC 0-1+ or FISH ratio < 2.0")["her2"] == "negative"


def test_triple_negative_with_percent_cutoffs() -> None:
    text = (
        "Triple negative breast cancer (defined as ER < 1%, PR < 1%, HER2 negative, as per ASCO CAP "
        "guidelines), with disease progression on at least one prior chemotherapy regimen in the "
        "metastatic setting."
    )
    cs = fam(text, "receptor")
    assert any(c.params["receptor"] == "tnbc" for c in cs)
    er = [c for c in cs if c.params["receptor"] == "er"]
    assert er and er[0].params["op"] == "<" and er[0].params["value"] == 1.0


def test_basket_trial_tumour_list_is_not_a_receptor_rule() -> None:
    text = (
        "The Cohort Expansion stage will enroll subjects with multiple tumor types (non-small cell lung "
        "cancer, hormone-receptor-positive breast cancer, head and neck cancer, esophageal squamous "
        "cell, triple-negative breast cancer)."
    )
    assert fam(text, "receptor") == []


def test_er_plus_sign() -> None:
    assert _status("Documented ER+ tumor") == {"er": "positive"}


# --- parser 0.9.0


def test_er_slash_pgr_negativity_is_hormone_receptor_negative() -> None:
    (c,) = fam("ER/PgR negativity to follow local guidelines", "receptor")
    assert c.params == {"receptor": "hr", "status": "negative"}


def test_er_positive_pgr_negative_is_not_hormone_receptor_negative() -> None:
    text = "Patient must have any one of the following types of breast cancer (primary or metastatic): ER+/PgR+/HER2- or ER+/PgR-/HER2-."
    cs = fam(text, "receptor")
    assert {"receptor": "hr", "status": "negative"} not in [c.params for c in cs]
    assert {"receptor": "er", "status": "positive"} in [c.params for c in cs]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("If IHC HER2 2+, a negative FISH test is required", "negative"),
        (
            "HER2 positive disease defined as HER2-amplified by FISH or IHC 3+. HER2 2+ must be negative by FISH",
            "negative",
        ),
        ("HER2 2+ by IHC allowed", "equivocal"),
    ],
)
def test_her2_2plus_takes_the_ish_result_the_item_states(text: str, status: str) -> None:
    statuses = {c.params["status"] for c in fam(text, "receptor") if c.params["receptor"] == "her2"}
    assert status in statuses and (status == "equivocal" or "equivocal" not in statuses)


def test_her2_nonoverexpressing_is_negative() -> None:
    text = "Histologically documented (either primary or metastatic site) breast cancer that is estrogen receptor- (ER-) negative, PR-negative, and HER-2 nonoverexpressing by immunohistochemistry (0,1) or non-gene amplified by FISH performed upon the primary tumor or metastatic lesion. HER-2 2+ by immunohistochemistry is usually negative by FISH, and this confirmatory test should be performed when possible, however may participate if fulfill other criteria."
    her2 = [c for c in fam(text, "receptor") if c.params["receptor"] == "her2"]
    assert her2 and all(c.params["status"] == "negative" for c in her2)


@pytest.mark.parametrize(
    ("text", "receptor"),
    [
        ("HER2/NEU positive or negative", "her2"),
        ("Estrogen receptor positive or negative", "er"),
        ("Hormone receptor positive or hormone receptor negative HER2-negative disease", "hr"),
        (
            "Advanced or metastatic breast cancer that is HER-2 negative (HR positive or HR negative)",
            "hr",
        ),
    ],
)
def test_positive_or_negative_is_either_status(text: str, receptor: str) -> None:
    statuses = [
        c.params["status"] for c in fam(text, "receptor") if c.params["receptor"] == receptor
    ]
    assert statuses == ["any"]


def test_er_and_progesterone_receptor_negative_is_hormone_receptor_negative() -> None:
    (c,) = fam("ER and Progesterone Receptor (PR) negative breast cancer", "receptor", "exclusion")
    assert c.params == {"receptor": "hr", "status": "negative"}


@pytest.mark.parametrize(
    ("text", "kind", "status"),
    [
        ("Hormone receptor status known", "inclusion", "known"),
        ("Estrogen and progesterone receptor status known", "inclusion", "known"),
        ("estrogen receptor status unknown", "exclusion", "unknown"),
    ],
)
def test_receptor_status_known_is_no_positive_status(text: str, kind: str, status: str) -> None:
    (c,) = fam(text, "receptor", kind)
    assert c.params["status"] == status


def test_regardless_of_a_list_of_receptors_is_any_status() -> None:
    text = "Participant has a known breast cancer diagnosis of AJCC Stage 0-III breast cancer, regardless of hormone-receptor status or HER2-overexpression, before the start of planned adjuvant or neoadjuvant chemotherapy and/or hormonal therapy."
    statuses = {c.params["receptor"]: c.params["status"] for c in fam(text, "receptor")}
    assert statuses.get("her2") == "any"


# --- parser 0.10.0


@pytest.mark.parametrize(
    "text",
    [
        "Primary tumor must be ER negative and PR negative",
        "Estrogen receptor-negative and progesterone receptor-negative tumor",
        "All tumors must be ER-, PGR- and HER2-negative",
    ],
)
def test_er_negative_and_pr_negative_is_hormone_receptor_negative(text: str) -> None:
    assert _status(text) == {"hr": "negative"} | ({"her2": "negative"} if "HER2" in text else {})


def test_er_and_pr_negative_give_one_rule_not_three() -> None:
    # "hormone-receptor poor, ER- and PR-negative": the merged rule is stated once
    text = "hormone-receptor poor, ER- and PR-negative, or staining present in <1% by immunohistochemistry (IHC)"
    assert [c.params for c in fam(text, "receptor")] == [{"receptor": "hr", "status": "negative"}]


def test_hormone_positive_is_hormone_receptor_positive() -> None:
    text = "Participants must have histologically or cytologically confirmed diagnosis of hormone positive HER2 negative metastatic breast cancer per ASCO/CAP criteria, with diagnosis established through either a breast/axillary biopsy or biopsy of a metastatic lesion."
    assert _status(text) == {"hr": "positive", "her2": "negative"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "No prior chemotherapy or targeted systemic therapy for inoperable stage IV or metastatic TNBC；",
            "inclusion",
        ),
        (
            "Prior therapy for metastatic TNBC (chemotherapy, hormone therapy or biological therapy), Patients may receive bisphosphonates and other therapies to treat bone metastases, however if used, bone lesions will not be considered as measurable disease.",
            "exclusion",
        ),
    ],
)
def test_disease_an_excluded_therapy_was_for_is_no_receptor_rule(text: str, kind: str) -> None:
    assert fam(text, "receptor", kind) == []


def test_disease_a_required_therapy_was_for_stays_the_patients() -> None:
    text = "At least one prior line of targeted therapy for HER2-positive disease"
    assert _status(text) == {"her2": "positive"}


def test_her2_low_or_zero_is_her2_negative() -> None:
    text = "Has confirmed HER2 IHC 1+ or IHC 2+/ISH- (HER2-low) status or HER2 IHC 0 status as determined according to ASCO CAP 2018 guidelines1 based on sample collected during Tissue Screening as described above."
    assert _status(text) == {"her2": "negative"}
    assert _status("HER2-low metastatic breast cancer;") == {"her2": "low"}


def test_er_and_or_pgr_positive_is_hormone_receptor_positive() -> None:
    # parser 0.12.0: "PgR" (not "PR") alone vouches for "ER"; a name and its abbreviation
    # ("oestrogen receptor positive (ER+)") no longer block the hr merge
    for text in (
        "ER-positive and/or PgR-positive tumor based on local laboratory results",
        "Estrogen-receptor positive (ER+) and/or progesterone-receptor positive (PR+)",
    ):
        got = [c.params for c in fam(text, "receptor")]
        assert got == [{"receptor": "hr", "status": "positive"}], text


def test_each_receptor_named_before_have_been_determined_must_be_known() -> None:
    # parser 0.12.0: one "known" constraint per receptor named, not one hr
    got = fam("Estrogen receptor (ER), PgR and HER2 expression have been determined", "receptor")
    assert sorted(c.params["receptor"] for c in got) == ["er", "her2", "pr"]
    assert {c.params["status"] for c in got} == {"known"}
