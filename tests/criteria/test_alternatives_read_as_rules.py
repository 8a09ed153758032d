# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.16.0: two readings that failed nearly every patient of their trials, found by
listing the criteria that fail all six example patients. "Measurable disease or
non-measurable bone only disease" required both measurable disease and bone-only disease
(no patient has both); "Estrogen receptor- and/or progesterone receptor-positive" read
the suspended hyphen after "receptor" as "ER negative". Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import one


@pytest.mark.parametrize(
    "text",
    [
        "Measurable disease or non-measurable bone only disease as defined by RECIST version 1.1",
        "Measurable disease evaluable per Response Evaluation Criterion in Solid Tumors (RECIST) v.1.1 or non-measurable bone-only disease.",
        "Breast cancer, with measurable, locally recurrent or metastatic lesions, or patients with bone metastasis only.",
    ],
)
def test_measurable_or_bone_only_is_one_rule_with_two_alternatives(text: str) -> None:
    cs = one(text)
    (m,) = [c for c in cs if c.family == "measurable_disease"]
    assert m.params["requirement"] == "bone_only_allowed" and m.params["bone_only"] == "allowed"
    # the bone-only reading no longer blocks a patient with measurable disease elsewhere
    assert all(c.polarity == "allow" for c in cs if c.family == "disease_sites")


@pytest.mark.parametrize(
    "text",
    [
        "Estrogen receptor- and/or progesterone receptor-positive",
        "Estrogen receptor- and/or progesterone receptor-positive tumor",
        "Estrogen receptor- and/or progesterone receptor-positive disease must have progressed on  1 hormonal therapy in the metastatic setting",
    ],
)
def test_a_suspended_hyphen_is_no_negative_status(text: str) -> None:
    receptors = [c for c in one(text) if c.family == "receptor"]
    assert [(c.params["receptor"], c.params["status"]) for c in receptors] == [("hr", "positive")]


def test_minus_signs_stay_negative() -> None:
    receptors = [
        c
        for c in one(
            "hormone-receptor poor, ER- and PR-negative, or staining present in <1% by immunohistochemistry (IHC)"
        )
        if c.family == "receptor"
    ]
    assert receptors
    assert all(c.params.get("status") == "negative" or "op" in c.params for c in receptors)
