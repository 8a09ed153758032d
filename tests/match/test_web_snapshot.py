"""The web page's verdict snapshot counts unknown facts from the fast path's arrays."""

from __future__ import annotations

from datetime import date

import pytest
from tests.match.conftest import example

from osteotrials.match import rank_index
from osteotrials.match.index import MatchIndex
from osteotrials.web.results import snapshot


@pytest.mark.parametrize(
    "name", ["hr-her2low-bone-only-post-cdk46", "tnbc-germline-brca1", "male-hr-positive"]
)
def test_snapshot_counts_equal_built_profiles(snapshot_index: MatchIndex, name: str) -> None:
    ranked = rank_index(snapshot_index, example(name), as_of=date(2026, 11, 27), status="all")
    got = snapshot(ranked)
    assert ranked.missing_of is not None  # the fast path answered without building outcomes
    expected = {
        snapshot_index.entries[tid].nct_id: (
            verdict,
            len(ranked.profiles[snapshot_index.entries[tid].profile_id].missing_keys),
        )
        for verdict, tids in ranked.order.items()
        for tid in tids
    }
    assert got == expected
    assert any(n > 0 for _, n in got.values())  # some trials do have unknown facts
