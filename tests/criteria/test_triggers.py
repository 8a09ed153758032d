"""The token pre-filter changes speed, not results."""

from __future__ import annotations

from tests.criteria.conftest import criteria_texts

from osteotrials.criteria.pipeline import compile_segments


def test_triggers_do_not_change_output() -> None:
    texts = list(criteria_texts().values())[::25]
    for text in texts:
        fast = [i.model_dump(mode="json") for i in compile_segments(text)]
        slow = [i.model_dump(mode="json") for i in compile_segments(text, use_triggers=False)]
        assert fast == slow
