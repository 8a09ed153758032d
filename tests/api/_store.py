"""A test trial database: every open trial of the bundled snapshot, plus a sample of closed ones.

Compiling the eligibility criteria of all 1,253 snapshot trials takes about two
minutes; the open trials (the ones the web app matches by default) plus every
20th closed trial take a fraction of that and are real records all the same.
Built once per test session and shared by the API and web tests.
"""

from __future__ import annotations

import threading
from pathlib import Path

from osteotrials.sources import read_trials
from osteotrials.store import SNAPSHOT_DATE, SQLiteStore
from paths import SNAPSHOT_JSONL

_LOCK = threading.Lock()


def build_test_store(directory: Path) -> Path:
    """The database file under ``directory`` (built on first call, reused afterwards)."""
    path = directory / "web-test-trials.sqlite"
    with _LOCK:
        if path.exists():
            return path
        directory.mkdir(parents=True, exist_ok=True)
        trials = list(read_trials([SNAPSHOT_JSONL]))
        closed = [t for t in trials if not t.is_open]
        chosen = [t for t in trials if t.is_open] + closed[::20]
        tmp = directory / "web-test-trials.building.sqlite"
        tmp.unlink(missing_ok=True)
        store = SQLiteStore(tmp)
        try:
            store.upsert_trials(chosen, batch_size=500)
            store.set_meta("snapshot_date", SNAPSHOT_DATE)
        finally:
            store.close()
        tmp.replace(path)
        return path
