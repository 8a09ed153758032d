"""Sync fixtures: the replay server and stores on both backends."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from osteotrials.store import SQLiteStore, TrialStore
from support.replay_server import ReplayServer, snapshot_studies

_STUDIES = snapshot_studies()


@pytest.fixture
def studies() -> list[dict[str, Any]]:
    """A private copy of the snapshot as served (tests may change it)."""
    return copy.deepcopy(_STUDIES)


@pytest.fixture
def server(studies: list[dict[str, Any]]) -> Iterator[ReplayServer]:
    with ReplayServer(studies) as srv:
        yield srv


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TrialStore]:
    opened: TrialStore
    if request.param == "sqlite":
        opened = SQLiteStore(tmp_path / "sync.sqlite")
    else:
        from osteotrials.store.postgres import PostgresStore

        opened = PostgresStore(request.getfixturevalue("pg_dsn"))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[TrialStore]:
    opened = SQLiteStore(tmp_path / "sync-sqlite.sqlite")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def small_server(studies: list[dict[str, Any]]) -> Iterator[ReplayServer]:
    """300 snapshot records (the first ones, plus the two full API v2 records)."""
    few = studies[:298] + [
        s
        for s in studies[298:]
        if s["protocolSection"]["identificationModule"]["nctId"] in {"NCT02513394", "NCT03377387"}
    ]
    with ReplayServer(few) as srv:
        yield srv
