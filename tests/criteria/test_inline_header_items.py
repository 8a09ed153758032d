"""A criterion written on the same line as its "Inclusion Criteria:" header is kept.

Nine snapshot records put their first criterion after the header's colon
(e.g. NCT00091832: "Inclusion Criteria: - Histologically or cytologically
confirmed breast adenocarcinoma"). Treating the whole line as a header silently
dropped that criterion, and a trial could be called eligible without it.
"""

from __future__ import annotations

import json

from osteotrials.criteria import compile_criteria
from paths import SNAPSHOT_JSONL


def criteria_of(nct_id: str) -> str:
    with SNAPSHOT_JSONL.open() as handle:
        for line in handle:
            record = json.loads(line)
            if record["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                return str(record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])
    raise LookupError(nct_id)


def test_first_criterion_after_the_header_is_an_item() -> None:
    text = criteria_of("NCT00091832")
    items = compile_criteria(text)
    criteria = [i for i in items if i.role == "criterion"]
    assert [i.text for i in criteria][:2] == [
        "Histologically or cytologically confirmed breast adenocarcinoma",
        "At least one bone metastasis",
    ]
    first = criteria[0]
    assert first.kind == "inclusion"
    assert text[first.span[0] : first.span[1]] == first.text
    assert "diagnosis" in first.families


def test_inline_bullets_after_the_header_are_separate_items() -> None:
    text = (
        "Inclusion Criteria: - You must be female and at least 18 years old. "
        "- You must have been diagnosed with breast cancer."
    )
    criteria = [i for i in compile_criteria(text) if i.role == "criterion"]
    assert [i.text for i in criteria] == [
        "You must be female and at least 18 years old.",
        "You must have been diagnosed with breast cancer.",
    ]
    assert all(text[i.span[0] : i.span[1]] == i.text for i in criteria)


def test_headers_without_a_criterion_stay_headers() -> None:
    for text in (
        "Exclusion Criteria: None",
        "Inclusion Criteria:(main conditions)",
        "Inclusion Criteria: Patients are eligible only if all of the following apply:",
    ):
        items = compile_criteria(text)
        assert [i.role for i in items] == ["header"], text


def test_other_criteria_may_apply_is_an_item_that_is_never_satisfied() -> None:
    # The list is incomplete by the trial's own words: a matcher must not call the
    # trial eligible, so the line is an item that is unparsed (not administrative).
    text = (
        "Inclusion Criteria:\n\n* Age >= 18\n"
        "* Other protocol-defined inclusion/exclusion criteria may apply."
    )
    items = [i for i in compile_criteria(text) if i.role == "criterion"]
    other = items[-1]
    assert other.text.startswith("Other protocol-defined")
    assert not other.administrative
    assert other.unparsed_reason is not None or other.constraints
