# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.17.0: a therapy given during the study ("Concurrent anti-cancer therapy ...
while taking study medication", "No other concurrent chemotherapy") is kept at low
confidence. Read as a rule on therapy received, it failed every treated patient; a patient
on a line stops it before starting, so a failure is checked by hand. A washout of a prior
therapy in the same item keeps its confidence. Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("No concurrent chemotherapy or radiotherapy", "inclusion"),
        ("Concurrent immunotherapy or hormonal therapy", "exclusion"),
        # the generic head starts with the word (0.18.0; it had kept confidence 0.85)
        ("Concurrent treatment with any other anti-cancer therapy.", "exclusion"),
        (
            "Patient is receiving concurrent cancer therapy (chemotherapy, radiation therapy, immunotherapy, biologic therapy, or hormonal therapy for cancer).",
            "exclusion",
        ),
        (
            "Concurrent chemotherapy, radiation therapy, immunotherapy, biologic therapy, or hormonal therapy for treatment of cancer;",
            "exclusion",
        ),
    ],
)
def test_concurrent_therapy_is_checked_by_hand(text: str, kind: str) -> None:
    rules = fam(text, "prior_therapy", kind)
    assert rules and all(c.confidence < MIN_CONFIDENCE_FOR_NOT_MET for c in rules)


def test_a_prior_therapy_beside_it_keeps_its_confidence() -> None:
    (c,) = fam("At least 2 weeks since prior and no concurrent hormonal therapy", "prior_therapy")
    assert c.confidence >= MIN_CONFIDENCE_FOR_NOT_MET
