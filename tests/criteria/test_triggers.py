"""The token pre-filter changes speed, not results."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria.pipeline import compile_segments
from osteotrials.vocab._regex import AnchorIndex


def test_triggers_do_not_change_output() -> None:
    texts = list(criteria_texts().values())[::25]
    for text in texts:
        fast = [i.model_dump(mode="json") for i in compile_segments(text)]
        slow = [i.model_dump(mode="json") for i in compile_segments(text, use_triggers=False)]
        assert fast == slow


def test_literal_gates_do_not_change_output(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = list(criteria_texts().values())[::20]
    gated = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    # every gate open: ``active`` and ``active_indices`` both read ``mask``
    monkeypatch.setattr(AnchorIndex, "mask", lambda self, text: (1 << len(self.gates)) - 1)
    ungated = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    assert gated == ungated
