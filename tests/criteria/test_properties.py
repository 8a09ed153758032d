"""Property tests: the parser never raises on any text and is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteotrials.criteria import compile_criteria

_PIECES = st.sampled_from(
    [
        "Inclusion Criteria:",
        "Exclusion Criteria:",
        "* ",
        "  * ",
        "1. ",
        "- ",
        "\\>=",
        "≥",
        "≤",
        "ANC",
        "1,500/µL",
        "x ULN",
        "ECOG 0-1",
        "HER2-",
        "ER+",
        "age",
        "18",
        "years",
        "liver metastases",
        "(",
        ")",
        ";",
        ":",
        "\n",
        "  ",
        "Gilbert",
        "within 4 weeks",
        "PATIENT CHARACTERISTICS:",
        "Age:",
        "brain metastases",
        "bisphosphonates",
        "No prior",
        "or",
        "and",
        "unless",
        "CDK4/6",
        "%",
    ]
)
_TEXT = st.one_of(st.text(max_size=400), st.lists(_PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_never_raises_and_spans_are_valid(text: str) -> None:
    items = compile_criteria(text)
    for item in items:
        assert text[item.span[0] : item.span[1]] == item.text
        for c in item.constraints:
            assert 0 <= c.span[0] <= c.span[1] <= len(text)
            assert text[c.span[0] : c.span[1]] == c.text
            assert 0.0 <= c.confidence <= 1.0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_deterministic(text: str) -> None:
    first = [i.model_dump(mode="json") for i in compile_criteria(text)]
    second = [i.model_dump(mode="json") for i in compile_criteria(text)]
    assert first == second
