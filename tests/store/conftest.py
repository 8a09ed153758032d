"""Store fixtures, parametrised over the backends (the same tests run on each)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from osteotrials.model import Trial
from osteotrials.sources import read_trials
from osteotrials.store import SQLiteStore, TrialStore
from paths import SNAPSHOT_JSONL

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def snapshot_trials() -> list[Trial]:
    return list(read_trials([SNAPSHOT_JSONL]))


def _open(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> TrialStore:
    if backend == "sqlite":
        return SQLiteStore(tmp_path / "trials.sqlite")
    if backend == "postgres":
        from osteotrials.store.postgres import PostgresStore

        return PostgresStore(request.getfixturevalue("pg_dsn"))
    raise ValueError(backend)


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TrialStore]:
    store = _open(request.param, tmp_path, request)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def snapshot_store(
    request: pytest.FixtureRequest, tmp_path: Path, snapshot_trials: list[Trial]
) -> Iterator[TrialStore]:
    store = _open(request.param, tmp_path, request)
    # Criteria compilation has its own tests (test_compiled_criteria.py).
    store.upsert_trials(snapshot_trials, batch_size=1000, compile_criteria=False)
    try:
        yield store
    finally:
        store.close()
