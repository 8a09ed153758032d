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
