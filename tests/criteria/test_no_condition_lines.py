"""Parser 0.17.0: a line that states there is no condition ("Not specified" under a PDQ
label, "Age: Not specified", "Menopausal status not specified", "Any" under "Menopausal
status:") is a ``no_condition`` item. It has no constraints, says why, and, like a
section header, takes no part in coverage or in a verdict. Typed as a no-restriction
constraint it had counted as a rule it is not; "Age: Not specified" had even been
unparsed (unknown for every patient). Every text is real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts, fam

from osteotrials.criteria import compile_criteria
from osteotrials.model.criteria import CriterionItem


def _item(nct_id: str, text: str) -> CriterionItem:
    items = [i for i in compile_criteria(criteria_texts()[nct_id]) if i.text == text]
    assert items, (nct_id, text)
    return items[0]


@pytest.mark.parametrize(
    ("nct_id", "text", "reason"),
    [
        ("NCT00006110", "Age: Not specified", "states there is no condition on age"),
        ("NCT00167414", "Age: no limit", "states there is no condition on age"),
        (
            "NCT00003404",
            "Chemotherapy: Not specified",
            "states there is no condition on chemotherapy",
        ),
        ("NCT00075764", "Not specified", "states there is no condition on age"),
        (
            "NCT00693719",
            "Menopausal status not specified",
            "states there is no condition on menopause",
        ),
        (
            "NCT00377156",
            "Hormone receptor status not specified",
            "states there is no condition on receptor",
        ),
        ("NCT00005879", "Any", "states there is no condition on menopause"),
    ],
)
def test_a_line_that_states_no_condition_is_no_rule(nct_id: str, text: str, reason: str) -> None:
    item = _item(nct_id, text)
    assert item.role == "no_condition"
    assert item.constraints == []
    assert item.unparsed_reason == reason


def test_an_allowed_either_way_is_still_a_rule() -> None:
    # "Male or female" says both are allowed: a sex rule that states no restriction,
    # which the annotation conventions type (`sex`); only "not specified"-like lines change
    (c,) = fam("Male or female", "sex")
    assert c.params == {"no_restriction": True}


def test_none_after_an_unknown_label_is_not_read_as_no_condition() -> None:
    # "Prior therapy: None" may mean that no prior therapy is allowed
    items = compile_criteria("Inclusion Criteria:\n- Prior immunotherapy: None")
    assert all(i.role != "no_condition" for i in items)
