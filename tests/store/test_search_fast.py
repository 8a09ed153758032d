"""The postings ranking (store/impact.py) against FTS5's own bm25() on the real snapshot.

``SQLiteStore.search`` ranks large corpora from cached per-phrase postings instead of
FTS5's ``bm25()``; these tests hold the two to the same results: same trials, same
order, same scores (to the 4 decimals a hit carries), with and without filters, and
the cached postings following every write.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_search_relevance import RELEVANCE

from osteotrials.model import Trial
from osteotrials.sources import read_trials
from osteotrials.store import SQLiteStore
from osteotrials.store.base import SearchHit, StatusFilter
from osteotrials.store.impact import decode_varints
from osteotrials.store.search import match_plan
from osteotrials.store.terms import phrase_terms
from paths import SNAPSHOT_JSONL

# Broad queries (matching most of the snapshot) and narrow ones, as typed by people.
QUERIES = [
    *(query for query, _, _ in RELEVANCE),
    "bone metastases zoledronic acid every 12 weeks",
    "elderly metastatic breast cancer chemotherapy",
    "pain radiotherapy bone metastases single fraction",
    "HER2-low trastuzumab deruxtecan",
    "bone-only disease measurable",
    "brain metastases tucatinib",
    "FDG PET response bone dominant",
    "capivasertib fulvestrant PIK3CA AKT1 PTEN",
    "premenopausal ovarian suppression ribociclib",
    "exercise quality of life",
    "metastatic breast cancer bone",
    "breast cancer",
    "her2/neu akt1/pten",
    "PD-0332991",
]
#: (status, phase) filters
FILTERS: list[tuple[StatusFilter, str | None]] = [("all", None), ("recruiting", None), ("all", "3")]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    path = tmp_path_factory.mktemp("fast") / "trials.sqlite"
    store = SQLiteStore(path)
    store.upsert_trials(read_trials([SNAPSHOT_JSONL]), batch_size=1000, compile_criteria=False)
    try:
        yield store
    finally:
        store.close()


def assert_same_ranking(fast: list[SearchHit], plain: list[SearchHit]) -> None:
    """Same scores in the same order; same trials, except which of several trials
    tied at the last score FTS5 returns (it cuts ties there arbitrarily)."""
    assert [h.score for h in fast] == [h.score for h in plain]
    if not plain:
        return
    last = plain[-1].score
    assert [h.nct_id for h in fast if h.score != last] == [
        h.nct_id for h in plain if h.score != last
    ]


@pytest.mark.parametrize("query", QUERIES)
def test_postings_rank_like_fts5(store: SQLiteStore, query: str) -> None:
    for status, phase in FILTERS:
        plain = store.search(query, limit=20, method="fts5", status=status, phase=phase)
        fast = store.search(query, limit=20, method="postings", status=status, phase=phase)
        assert plain or (status, phase) != ("all", None), query
        assert_same_ranking(fast, plain)


def test_every_match_is_found(store: SQLiteStore) -> None:
    """Deep in the list too: all matching trials, in FTS5's order."""
    plain = store.search("bone metastases pain", limit=2000, method="fts5")
    fast = store.search("bone metastases pain", limit=2000, method="postings")
    assert len(plain) > 100
    assert_same_ranking(fast, plain)
    assert {h.nct_id for h in fast} == {h.nct_id for h in plain}


def test_user_text_cannot_break_the_postings_path(store: SQLiteStore) -> None:
    for nasty in ['"', "NEAR(", "bone OR", "*", "her2 AND -x", "title:bone", "))(("]:
        assert_same_ranking(
            store.search(nasty, method="postings"), store.search(nasty, method="fts5")
        )
    assert store.search("the of and", method="postings") == []


def test_row_lengths_are_fts5s(store: SQLiteStore) -> None:
    lengths = store._ranker.row_lengths()
    assert lengths.rows == store.count()
    store.conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_rows "
        "USING fts5vocab(main, trials_fts, 'row')"
    )
    tokens = store.conn.execute("SELECT sum(cnt) FROM temp.check_rows").fetchone()[0]
    assert lengths.total == tokens


def test_varints() -> None:
    encoded = bytes([0x00, 0x7F, 0x81, 0x00, 0xFF, 0x7F, 0x81, 0x80, 0x00])
    assert decode_varints(encoded).tolist() == [0, 127, 128, 16383, 16384]


def test_postings_follow_writes(tmp_path: Path, snapshot_trials: list[Trial]) -> None:
    """A write in one connection retires the postings cached by another."""
    path = tmp_path / "trials.sqlite"
    writer = SQLiteStore(path)
    writer.upsert_trials(snapshot_trials[:300], compile_criteria=False)
    reader = SQLiteStore(path)
    try:
        before = reader.search("zoledronic acid", method="postings")
        broad = reader.search("bone metastases zoledronic acid every 12 weeks", method="postings")
        stored = reader.conn.execute("SELECT count(*) FROM search_postings").fetchone()[0]
        assert stored > 10  # computed once, kept in the file for the next process
        # A fresh connection ranks from the stored postings (it computes none: the
        # table does not grow), with the same results.
        again = SQLiteStore(path)
        assert again.search("zoledronic acid", method="postings") == before
        assert (
            again.search("bone metastases zoledronic acid every 12 weeks", method="postings")
            == broad
        )
        assert again.conn.execute("SELECT count(*) FROM search_postings").fetchone()[0] == stored
        plan = match_plan("bone metastases zoledronic acid every 12 weeks", again._is_common)
        assert plan
        for phrase in (p for clause in plan for p in clause.all_phrases()):
            assert again._ranker._load(" ".join(phrase_terms(phrase))) is not None, phrase
        again.close()

        changed = snapshot_trials[0].model_copy(deep=True)
        changed.brief_title = "Zoledronic acid zoledronic acid for bone metastases"
        summary = writer.upsert_trials([changed, *snapshot_trials[300:400]], compile_criteria=False)
        assert summary.updated == 1 and summary.new == 100
        assert writer.conn.execute("SELECT count(*) FROM search_postings").fetchone()[0] == 0

        assert changed.nct_id not in {h.nct_id for h in before}
        after = reader.search("zoledronic acid", method="postings", limit=100)
        assert changed.nct_id in {h.nct_id for h in after}
        assert_same_ranking(after, reader.search("zoledronic acid", method="fts5", limit=100))
    finally:
        reader.close()
        writer.close()
