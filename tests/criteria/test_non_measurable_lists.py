# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.0: RECIST's list of non-measurable lesions ("The following are considered
non-measurable disease:" then "Bone lesions", "Leptomeningeal disease", "Ascites",
"Inflammatory breast disease") defines words of the measurable-disease rule. Read as rules,
its items required leptomeningeal disease, ascites or inflammatory breast cancer of every
patient (the criteria failing all six example patients). Nested or flat, they are now
`no_condition` items; the list ends at the first item that reads as a rule."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import compile_criteria


@pytest.mark.parametrize(
    ("nct_id", "after"),
    [
        # flat (old PDQ text), nested, and a head that defines "truly non-measurable" lesions
        (
            "NCT00110084",
            "HER2(human epidermal growth factor receptor 2)-positive disease allowed provided patient has received prior treatment with trastuzumab",
        ),
        ("NCT00390455", None),
        ("NCT00369655", "No known CNS metastases"),
    ],
)
def test_the_list_items_make_no_rules(nct_id: str, after: str | None) -> None:
    items = compile_criteria(criteria_texts()[nct_id])
    by_text = {i.text: i for i in items}
    for name in ("Leptomeningeal disease", "Cystic lesions"):
        item = by_text[name]
        assert item.role == "no_condition" and item.constraints == []
        assert item.unparsed_reason and "non-measurable" in item.unparsed_reason
    # the measurable-disease rule itself stays, and so does the first rule after the list
    assert any(c.family == "measurable_disease" for i in items for c in i.constraints)
    if after is not None:
        assert by_text[after].role == "criterion" and by_text[after].constraints
