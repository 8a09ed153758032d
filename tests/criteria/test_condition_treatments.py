# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.6: a drug named as what a condition requires ("infection requiring
intravenous antibiotic use", "organ allograft requiring immunosuppression") defines the
infection or transplant rule; it is no medication rule of its own (read as one, every
patient on the drug was excluded for a reason the item does not give). Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import one


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Infection requiring intravenous antibiotic use within 1 week.", "infection"),
        ("Infection requiring antibiotic use within one week of randomization.", "infection"),
        (
            "Severe/uncontrolled intercurrent illness/infection required administration of antibiotic injection",
            "infection",
        ),
        ("Prior organ allograft requiring immunosuppression", "comorbidity"),
        ("Organ allografts requiring immunosuppressive therapy", "comorbidity"),
    ],
)
def test_a_drug_a_condition_requires_is_part_of_that_condition(text: str, family: str) -> None:
    families = {c.family for c in one(text, "exclusion")}
    assert family in families
    assert "medication" not in families


def test_a_drug_rule_of_its_own_stays_a_medication_rule() -> None:
    families = {
        c.family
        for c in one(
            "Active infection; or chronic infection requiring chronic suppressive antibiotics.",
            "exclusion",
        )
    }
    assert "infection" in families
    families = {
        c.family for c in one("Patients requiring full systemic anticoagulation", "exclusion")
    }
    assert "medication" in families


@pytest.mark.parametrize(
    "text",
    [
        "Prior history of DVT/PE or embolic stroke, unless currently on therapeutic anticoagulation",
    ],
)
def test_a_drug_that_makes_a_condition_acceptable_is_no_medication_rule(text: str) -> None:
    # parser 0.18.6: read as a rule, every patient on an anticoagulant failed
    families = {c.family for c in one(text, "exclusion")}
    assert "medication" not in families
    assert "comorbidity" in families
