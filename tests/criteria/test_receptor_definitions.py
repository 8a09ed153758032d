# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.0: receptor statuses that define another rather than add a rule, and
"Unknown hormone receptor status". Each of these failed all six example patients. Real
snapshot text."""

from __future__ import annotations

from tests.criteria.conftest import fam


def test_the_parts_of_triple_negative_are_no_rules_of_their_own() -> None:
    # an exclusion of TNBC had excluded every HER2-negative and every HR-negative patient
    rules = fam(
        "Known triple negative (estrogen receptor-negative, progesterone receptor-negative and HER2-negative) breast cancer",
        "receptor",
        "exclusion",
    )
    assert [(c.params["receptor"], c.polarity) for c in rules] == [("tnbc", "exclude")]
    rules = fam("Index cancer is triple-negative, defined as ER-, PR-, and HER2-.", "receptor")
    assert [c.params["receptor"] for c in rules] == ["tnbc"]


def test_a_definition_with_cut_offs_of_its_own_is_kept() -> None:
    rules = fam(
        "Participants must have histologically confirmed estrogen receptor (ER)-negative, progesterone receptor (PR)-negative, and HER2-negative breast cancer (TNBC) defined as ER \\< 5%, PR \\< 5%, and HER2 negative (per 2020 American Society of Clinical Oncology \\[ASCO\\] College of American Pathologists \\[CAP\\] guidelines)",
        "receptor",
    )
    assert any(c.params.get("value") == 5.0 for c in rules)


def test_a_status_defined_after_it_was_named_is_no_second_rule() -> None:
    # "either HER2-negative or HER2-positive ... HER2-negative is defined as ..." had required
    # both statuses
    rules = fam(
        "Patients must be either HER2-negative or HER2-positive and no longer a candidate for trastuzumab therapy. HER2-negative is defined as 0 or 1+ staining on immunohistochemistry or FISH negative for gene amplification. HER2-positive is defined as 3+ staining on immunohistochemistry or FISH positive for gene amplification.",
        "receptor",
    )
    assert [c.params["status"] for c in rules] == ["any"]
    # named only once, the defined status is the rule
    (c,) = fam("HER2+, defined by IHC 3+ or FISH ratio > 2.0", "receptor")
    assert c.params["status"] == "positive" and c.polarity == "require"


def test_unknown_receptor_status_excluded_means_it_must_be_known() -> None:
    (c,) = fam(
        "Unknown hormone receptor status (estrogen and progesterone receptor).",
        "receptor",
        "exclusion",
    )
    assert c.params["status"] == "known" and c.polarity == "require"
