# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: a menopausal status read in its context. A symptom ("perimenopausal
symptoms", "Postmenopausal uterine bleeding") or what a treatment is for ("GnRH analogs to
achieve post menopausal status") is no status rule; "if woman is pre-menopausal" and "In
pre-/peri-menopausal ... patients" name whom a rule is for; an inclusion item that bars
postmenopausal women is a definition, checked by hand. Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Current history of poorly controlled migraines or perimenopausal symptoms", "exclusion"),
        ("Postmenopausal uterine bleeding. Vaginal bleeding of unknown etiology.", "exclusion"),
        ("The use of GnRH analogs to achieve post menopausal status is not allowed.", "inclusion"),
        (
            "Systemic drug treatment to induce ovarian suppression if woman is pre-menopausal.",
            "exclusion",
        ),
    ],
)
def test_no_status_rule(text: str, kind: str) -> None:
    # each had excluded every patient of that menopausal status
    assert not fam(text, "menopause", kind)


@pytest.mark.parametrize(
    "text",
    [
        "Has not undergone a hysterectomy or bilateral oophorectomy",
        "Has had menses at any time in the preceding 12 consecutive months (and therefore has not been naturally postmenopausal for > 12 months)",
        "No menses for < 1 year with FSH and estradiol levels in postmenopausal range",
    ],
)
def test_a_definition_that_bars_postmenopausal_women_is_checked_by_hand(text: str) -> None:
    # definitions of childbearing potential or of a status had failed every postmenopausal
    # patient of two trials for postmenopausal women
    (c,) = fam(text, "menopause")
    assert c.polarity == "exclude" and c.params["status"] == ["post"]
    assert c.confidence < 0.75


def test_a_real_bar_on_premenopausal_women_stays_hard() -> None:
    (c,) = fam("No patients with premenopausal status", "menopause")
    assert c.polarity == "exclude" and c.params["status"] == ["pre"] and c.confidence >= 0.75
    (c,) = fam("Premenopausal status.", "menopause", "exclusion")
    assert c.polarity == "exclude" and c.params["status"] == ["pre"] and c.confidence >= 0.75
