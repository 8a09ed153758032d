"""An ingest in one transaction defers FTS5's segment merging to its end
(SQLiteStore._defer_merging): the index it commits is complete, merged, searches
exactly like one built batch by batch, and automerge is back on."""

from __future__ import annotations

from pathlib import Path

import pytest

from osteotrials.model import Trial
from osteotrials.store import SQLiteStore

QUERIES = [
    "bone metastases zoledronic acid every 12 weeks",
    "HER2-low trastuzumab deruxtecan",
    "denosumab",
    "elderly metastatic breast cancer chemotherapy",
    "palbociclib letrozole first line",
]


def _config(store: SQLiteStore) -> dict[str, object]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT k, v FROM trials_fts_config")}


def _rankings(store: SQLiteStore) -> list[list[tuple[str, float]]]:
    return [
        [(h.nct_id, h.score) for h in store.search(q, limit=30, method=method)]
        for q in QUERIES
        for method in ("fts5", "postings")
    ]


def _check(store: SQLiteStore) -> None:
    # FTS5 raises SQLITE_CORRUPT_VTAB when the index disagrees with the content.
    store.conn.execute("INSERT INTO trials_fts(trials_fts, rank) VALUES ('integrity-check', 1)")
    assert _config(store).get("automerge") in (None, 4)


@pytest.fixture(scope="module")
def batch_by_batch(
    tmp_path_factory: pytest.TempPathFactory, snapshot_trials: list[Trial]
) -> list[list[tuple[str, float]]]:
    """The rankings of a store written one committed batch at a time (no deferral)."""
    store = SQLiteStore(tmp_path_factory.mktemp("reference") / "trials.sqlite")
    store.upsert_trials(snapshot_trials, batch_size=100, compile_criteria=False)
    assert "automerge" not in _config(store)  # never deferred outside a transaction
    rankings = _rankings(store)
    store.close()
    return rankings


def test_one_transaction_ingest_into_an_empty_store(
    tmp_path: Path, snapshot_trials: list[Trial], batch_by_batch: list[list[tuple[str, float]]]
) -> None:
    store = SQLiteStore(tmp_path / "trials.sqlite")
    with store.atomic():
        summary = store.upsert_trials(snapshot_trials, batch_size=100, compile_criteria=False)
        assert _config(store)["automerge"] == 0  # deferred while the transaction runs
    assert summary.new == len({t.nct_id for t in snapshot_trials})
    _check(store)
    assert _rankings(store) == batch_by_batch
    assert any(hit for ranking in batch_by_batch for hit in ranking)


def test_one_transaction_ingest_into_a_larger_index(
    tmp_path: Path, snapshot_trials: list[Trial], batch_by_batch: list[list[tuple[str, float]]]
) -> None:
    # Fewer rows written than the index holds: merged level by level ('merge'), not
    # rewritten whole; updated rows (delete + insert in FTS5) included.
    store = SQLiteStore(tmp_path / "trials.sqlite")
    store.upsert_trials(snapshot_trials[:1000], batch_size=100, compile_criteria=False)
    changed = [t.model_copy(update={"brief_title": "Changed title"}) for t in snapshot_trials[:5]]
    with store.atomic():
        store.upsert_trials(changed, compile_criteria=False)
        store.upsert_trials(snapshot_trials[1000:], batch_size=50, compile_criteria=False)
    with store.atomic():  # one batch (a sync page): left to automerge, never deferred
        again = store.upsert_trials(snapshot_trials[:5], compile_criteria=False)
        assert "automerge" not in _config(store) or _config(store)["automerge"] == 4
    assert again.updated == 5
    _check(store)
    assert _rankings(store) == batch_by_batch


def test_rolled_back_ingest_leaves_the_index_and_merging_as_they_were(
    tmp_path: Path, snapshot_trials: list[Trial]
) -> None:
    store = SQLiteStore(tmp_path / "trials.sqlite")
    store.upsert_trials(snapshot_trials[:200], compile_criteria=False)
    before = _rankings(store)
    with pytest.raises(RuntimeError), store.atomic():
        store.upsert_trials(snapshot_trials[200:700], batch_size=100, compile_criteria=False)
        raise RuntimeError("crash in the middle of an ingest")
    assert store.count() == 200
    assert "automerge" not in _config(store)
    _check(store)
    assert _rankings(store) == before
