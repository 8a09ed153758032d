"""Store behaviour: upsert, versions, atomicity, checkpoints, read-only, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from osteotrials.model import Trial
from osteotrials.store import SQLiteStore, StoreError, TrialStore


def test_upsert_counts_new_updated_unchanged(
    empty_store: TrialStore, snapshot_trials: list[Trial]
) -> None:
    first = empty_store.upsert_trials(snapshot_trials[:100], batch_size=30)
    assert (first.new, first.updated, first.unchanged) == (100, 0, 0)
    again = empty_store.upsert_trials(snapshot_trials[:100])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 100)
    changed = snapshot_trials[5].model_copy(deep=True)
    changed.eligibility.criteria = (changed.eligibility.criteria or "") + "\n* Amended item."
    changed.record_version = "2026-02-01"
    result = empty_store.upsert_trials([changed, *snapshot_trials[100:110]])
    assert (result.new, result.updated, result.unchanged) == (10, 1, 0)
    assert result.updated_ids == [changed.nct_id]
    assert empty_store.count() == 110


def test_trial_round_trips_with_raw_record(
    empty_store: TrialStore, snapshot_trials: list[Trial]
) -> None:
    original = next(t for t in snapshot_trials if t.nct_id == "NCT03377387")
    empty_store.upsert_trials([original])
    loaded = empty_store.get_trial("nct03377387")
    assert loaded == original
    assert loaded is not None and loaded.raw == original.raw
    assert empty_store.get_trial("NCT99999999") is None


def test_criteria_history_keeps_every_version(
    empty_store: TrialStore, snapshot_trials: list[Trial]
) -> None:
    trial = snapshot_trials[0]
    empty_store.upsert_trials([trial])
    amended = trial.model_copy(deep=True)
    amended.eligibility.criteria = "Inclusion Criteria:\n\n* Amended."
    amended.record_version = "2026-03-01"
    empty_store.upsert_trials([amended])
    empty_store.upsert_trials([amended])  # same text again adds nothing
    history = empty_store.criteria_history(trial.nct_id)
    assert [h.criteria for h in history] == [
        trial.eligibility.criteria,
        amended.eligibility.criteria,
    ]
    assert [h.record_version for h in history] == [trial.record_version, "2026-03-01"]
    current = empty_store.get_trial(trial.nct_id)
    assert (
        current is not None and current.eligibility.criteria == "Inclusion Criteria:\n\n* Amended."
    )


def test_atomic_block_writes_all_or_nothing(
    empty_store: TrialStore, snapshot_trials: list[Trial]
) -> None:
    empty_store.upsert_trials(snapshot_trials[:10])

    def failing() -> object:
        yield from snapshot_trials[10:700]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"), empty_store.atomic():
        empty_store.upsert_trials(failing(), batch_size=100)  # type: ignore[arg-type]
    assert empty_store.count() == 10
    assert empty_store.search("breast") != []  # the index still answers for the kept rows
    assert {h.nct_id for h in empty_store.search("breast cancer", limit=1000)} <= {
        t.nct_id for t in snapshot_trials[:10]
    }


def test_checkpoint_is_written_with_the_batch(
    empty_store: TrialStore, snapshot_trials: list[Trial]
) -> None:
    assert empty_store.get_checkpoint("sync:test") is None
    empty_store.upsert_trials(
        snapshot_trials[:5], checkpoint=("sync:test", {"page": 1, "token": "x"})
    )
    assert empty_store.get_checkpoint("sync:test") == {"page": 1, "token": "x"}
    empty_store.set_checkpoint("sync:test", None)
    assert empty_store.get_checkpoint("sync:test") is None


def test_info_counts_sources_and_statuses(snapshot_store: TrialStore) -> None:
    info = snapshot_store.info()
    assert info.trials == 1253
    assert info.sources["nli4ct"] == 986 and info.sources["ctagent"] == 193
    assert sum(info.sources.values()) == 1253
    assert info.statuses["RECRUITING"] == 189
    assert info.schema_version >= 1


def test_read_only_store_refuses_writes(tmp_path: Path, snapshot_trials: list[Trial]) -> None:
    path = tmp_path / "t.sqlite"
    SQLiteStore(path).close()
    store = SQLiteStore(path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.upsert_trials(snapshot_trials[:1])
    store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'later')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 999"):
        SQLiteStore(path)
