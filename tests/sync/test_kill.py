"""kill -9 the sync process at random points, resume, and compare with an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from osteotrials.sources.ctgov_api import StudyQuery
from osteotrials.store import SQLiteStore, TrialStore, open_store
from osteotrials.sync import checkpoint_key
from support.replay_server import ReplayServer

SEED = int(os.environ.get("OSTEOTRIALS_KILL_SEED", "20261127"))
KEY = checkpoint_key(StudyQuery())


def sync_cmd(db: str, url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "osteotrials",
        "--db",
        db,
        "sync",
        "--full",
        "--base-url",
        url,
        "--rate-limit",
        "0",
        "--page-size",
        "10",
        "--no-compile",
        "--no-reconcile",
        "--json",
    ]


def snapshot_of(store: TrialStore) -> dict[str, Any]:
    """Everything a resumed run must reproduce: ids, versions, content, no duplicates."""
    rows = {
        t.nct_id: (t.record_version, t.model_dump_json(exclude={"raw"}))
        for t in store.iter_trials()
    }
    return {"ids": sorted(rows), "rows": rows, "count": store.count()}


def duplicates(store: TrialStore) -> tuple[int, int, int]:
    """(trials, distinct NCT ids, full-text index rows or -1)."""
    if isinstance(store, SQLiteStore):
        c = store.conn
        return (
            int(c.execute("SELECT count(*) FROM trials").fetchone()[0]),
            int(c.execute("SELECT count(DISTINCT nct_id) FROM trials").fetchone()[0]),
            int(c.execute("SELECT count(*) FROM trials_fts").fetchone()[0]),
        )
    conn = store.conn  # type: ignore[attr-defined]
    row = conn.execute("SELECT count(*), count(DISTINCT nct_id) FROM trials").fetchone()
    return int(row[0]), int(row[1]), int(row[0])


def checkpoint_pages(db: str) -> tuple[str | None, int]:
    """The sync checkpoint's state and page count, read without opening a store."""
    try:
        if db.startswith("postgresql://"):
            import psycopg

            with psycopg.connect(db, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT value FROM sync_checkpoints WHERE key = %s", (KEY,)
                ).fetchone()
        else:
            conn3 = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                row = conn3.execute(
                    "SELECT value FROM sync_checkpoints WHERE key = ?", (KEY,)
                ).fetchone()
            finally:
                conn3.close()
    except Exception:  # no database or no table yet
        return None, 0
    if not row:
        return None, 0
    value = json.loads(row[0])
    return value.get("state"), int(value.get("pages", 0))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "kills"),
    [("sqlite", 20), pytest.param("postgres", 12, marks=pytest.mark.postgres)],
)
def test_kill_9_and_resume_equals_an_uninterrupted_run(
    backend: str, kills: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rng = random.Random(SEED)
    with ReplayServer(latency=0.03) as server:
        reference_db = str(tmp_path / "reference.sqlite")
        done = subprocess.run(
            sync_cmd(reference_db, server.base_url), capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["new"] == 1253
        db = (
            str(tmp_path / "killed.sqlite")
            if backend == "sqlite"
            else request.getfixturevalue("pg_dsn")
        )
        killed = 0
        mid_sync = 0  # kills that left a committed, unfinished run behind
        runs = 0
        log: list[tuple[int, str | None, int]] = []
        while killed < kills:
            runs += 1
            assert runs < kills * 3, f"could not kill mid-run: {log}"
            state, pages = checkpoint_pages(db)
            base = pages if state == "running" else 0
            # Kill once the run has committed a random number of pages (0: at once,
            # possibly during start-up), then at a random moment inside the next page.
            target = rng.randint(0, 6)
            proc = subprocess.Popen(
                sync_cmd(db, server.base_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + 60
            while target and proc.poll() is None and time.monotonic() < deadline:
                now_state, now_pages = checkpoint_pages(db)
                if now_state == "running" and now_pages >= base + target:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.05))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                assert proc.wait(timeout=30) == -signal.SIGKILL
                killed += 1
                after_state, after_pages = checkpoint_pages(db)
                log.append((target, after_state, after_pages))
                if after_state == "running" and after_pages > base:
                    mid_sync += 1
            else:
                proc.wait()
        # One last run to the end.
        final = subprocess.run(
            sync_cmd(db, server.base_url), capture_output=True, text=True, timeout=300
        )
        assert final.returncode == 0, final.stderr

    print(f"\nkills={killed} runs={runs} mid_sync={mid_sync} log={log}")
    assert killed >= kills
    assert mid_sync >= kills * 2 // 3, log  # most kills really hit a sync in progress
    with open_store(reference_db) as ref, open_store(db) as got:
        assert snapshot_of(got) == snapshot_of(ref)
        trials, distinct, index_rows = duplicates(got)
        assert trials == distinct == index_rows == 1253
        cp = got.get_checkpoint(KEY)
        assert cp is not None and cp["state"] == "complete"
        assert got.info().sources == {"ctgov-api": 1253}
