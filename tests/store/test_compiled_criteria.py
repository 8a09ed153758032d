"""Criteria are compiled at ingest and stored with the record and parser versions."""

from __future__ import annotations

from pathlib import Path

from osteotrials.criteria import PARSER_VERSION
from osteotrials.model import Trial
from osteotrials.store import SQLiteStore


def test_ingest_compiles_and_stores_with_versions(
    tmp_path: Path, snapshot_trials: list[Trial]
) -> None:
    store = SQLiteStore(tmp_path / "t.sqlite")
    sample = snapshot_trials[:40]
    store.upsert_trials(sample)
    assert store.compiled_counts() == {PARSER_VERSION: 40}
    trial = sample[7]
    compiled = store.get_compiled(trial.nct_id)
    assert compiled is not None
    assert compiled.nct_id == trial.nct_id
    assert compiled.record_version == trial.record_version
    assert compiled.parser_version == PARSER_VERSION
    assert compiled.items, "every snapshot record has criteria text"
    pairs = list(store.iter_compiled_trials())
    assert [t.nct_id for t, _ in pairs] == sorted(t.nct_id for t in sample)
    assert all(c.nct_id == t.nct_id for t, c in pairs)
    store.close()


def test_changed_criteria_are_compiled_again(tmp_path: Path, snapshot_trials: list[Trial]) -> None:
    store = SQLiteStore(tmp_path / "t.sqlite")
    trial = snapshot_trials[3]
    store.upsert_trials([trial])
    amended = trial.model_copy(deep=True)
    amended.eligibility.criteria = "Inclusion Criteria:\n\n* ECOG performance status 0-1"
    amended.record_version = "2026-04-01"
    store.upsert_trials([amended])
    compiled = store.get_compiled(trial.nct_id)
    assert compiled is not None and compiled.record_version == "2026-04-01"
    assert [i.text for i in compiled.items if i.role == "criterion"] == [
        "ECOG performance status 0-1"
    ]
    store.close()


def test_recompile_replaces_outdated_parser_versions(
    tmp_path: Path, snapshot_trials: list[Trial]
) -> None:
    store = SQLiteStore(tmp_path / "t.sqlite")
    store.upsert_trials(snapshot_trials[:10])
    store.conn.execute("UPDATE compiled_criteria SET parser_version='0.0-old' WHERE rowid <= 4")
    assert store.compiled_counts() == {PARSER_VERSION: 6, "0.0-old": 4}
    # an outdated compilation is never served: it is compiled again on the fly
    for _, compiled in store.iter_compiled_trials():
        assert compiled.parser_version == PARSER_VERSION
    assert store.recompile() == 4
    assert store.compiled_counts() == {PARSER_VERSION: 10}
    assert store.recompile() == 0
    assert store.recompile(force=True) == 10
    store.close()


def test_ingest_can_skip_compilation(tmp_path: Path, snapshot_trials: list[Trial]) -> None:
    store = SQLiteStore(tmp_path / "t.sqlite")
    store.upsert_trials(snapshot_trials[:5], compile_criteria=False)
    assert store.compiled_counts() == {}
    assert store.get_compiled(snapshot_trials[0].nct_id) is not None  # compiled on demand
    assert store.recompile() == 5
    store.close()
