# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""prior_therapy component: drugs, classes, lines, settings, polarity."""

from __future__ import annotations

from tests.criteria.conftest import fam


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
