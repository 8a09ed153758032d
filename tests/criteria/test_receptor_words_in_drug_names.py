"""Parser 0.17.0: "HER2-" before a therapy word names a class of drugs, not a negative
status. Read as "HER2 negative" in an exclusion, "Prior treatment with HER2- tyrosine
kinase inhibitor" excluded every HER2-negative patient. Real snapshot text."""

from __future__ import annotations

from tests.criteria.conftest import fam


def test_a_hyphen_before_a_drug_class_is_no_status() -> None:
    text = "Prior treatment with HER2- tyrosine kinase inhibitor other than lapatinib"
    assert fam(text, "receptor", "exclusion") == []
    (therapy,) = fam(text, "prior_therapy", "exclusion")
    assert "her2_tki" in therapy.params["classes"]


def test_a_status_before_based_on_is_still_a_status() -> None:
    (c,) = fam("HER2 negative based on one of the following:", "receptor")
    assert c.params == {"receptor": "her2", "status": "negative"}
