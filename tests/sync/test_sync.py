"""Sync against the loopback replay server, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from osteotrials.cli import cli
from osteotrials.sources.ctgov_api import CtgovClient, RetryPolicy
from osteotrials.store import SQLiteStore, TrialStore
from osteotrials.sync import SyncError, SyncProgress, checkpoint_key, run_sync
from osteotrials.sync.run import CHECKPOINT_PREFIX
from support.replay_server import Fault, ReplayServer, last_update_of, nct_of, status_of
from support.synctools import fingerprint, make_client


def expected_fingerprint(studies: list[dict[str, Any]]) -> dict[str, tuple[str, str, str | None]]:
    return {
        nct_of(s): (str(last_update_of(s)), "last_update_posted", status_of(s)) for s in studies
    }


def test_full_sync_stores_every_record_with_its_version(
    store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    seen: list[SyncProgress] = []
    with make_client(server) as client:
        summary = run_sync(
            store, client, full=True, page_size=200, compile_criteria=False, progress=seen.append
        )
    assert (summary.new, summary.updated, summary.unchanged) == (1253, 0, 0)
    assert summary.pages == 7 and summary.studies == 1253 and summary.total_count == 1253
    assert fingerprint(store) == expected_fingerprint(studies)
    assert store.info().sources == {"ctgov-api": 1253}
    # progress after every committed page, with the registry's total
    assert [p.studies for p in seen] == [200, 400, 600, 800, 1000, 1200, 1253]
    assert {p.total for p in seen} == {1253}
    rec = summary.reconciliation
    assert rec is not None and rec.ok and rec.server_total == rec.local_total == 1253
    assert {r.status: r.server for r in rec.rows} == {
        "ACTIVE_NOT_RECRUITING": 3,
        "COMPLETED": 1,
        "ENROLLING_BY_INVITATION": 3,
        "NOT_YET_RECRUITING": 6,
        "RECRUITING": 189,
        "(no status)": 1051,
    }
    cp = store.get_checkpoint(checkpoint_key(make_query()))
    assert cp is not None and cp["state"] == "complete" and cp["pages"] == 7
    assert cp["counts"]["new"] == 1253 and cp["last_complete"]["since"] is None
    # The stored record is the served one (contacts scrubbed by the reader).
    trial = store.get_trial("NCT03377387")
    assert trial is not None and trial.raw["protocolSection"]["identificationModule"]["nctId"]


def make_query() -> Any:
    from osteotrials.sources.ctgov_api import StudyQuery

    return StudyQuery()


def test_second_run_is_idempotent(sqlite_store: TrialStore, server: ReplayServer) -> None:
    with make_client(server) as client:
        run_sync(sqlite_store, client, full=True, page_size=500, compile_criteria=False)
        before = fingerprint(sqlite_store)
        again = run_sync(sqlite_store, client, full=True, page_size=300, compile_criteria=False)
    assert (again.new, again.updated, again.unchanged, again.withdrawn) == (0, 0, 1253, 0)
    assert fingerprint(sqlite_store) == before and sqlite_store.count() == 1253


def test_incremental_sync_fetches_only_updates(
    store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    with make_client(server) as client:
        run_sync(store, client, full=True, page_size=1000, compile_criteria=False)
        today = dt.date.today().isoformat()
        changed = copy.deepcopy(next(s for s in studies if nct_of(s) == "NCT03377387"))
        status = changed["protocolSection"]["statusModule"]
        status["lastUpdatePostDateStruct"] = {"date": today, "type": "ACTUAL"}
        elig = changed["protocolSection"]["eligibilityModule"]
        old_criteria = elig["eligibilityCriteria"]
        elig["eligibilityCriteria"] = old_criteria + "\n* Amended: bone-only disease allowed."
        withdrawn = copy.deepcopy(next(s for s in studies if nct_of(s) == "NCT02513394"))
        withdrawn["protocolSection"]["statusModule"].update(
            overallStatus="WITHDRAWN", lastUpdatePostDateStruct={"date": today, "type": "ACTUAL"}
        )
        brand_new = copy.deepcopy(changed)
        brand_new["protocolSection"]["identificationModule"]["nctId"] = "NCT99000001"
        for study in (changed, withdrawn, brand_new):
            server.put_study(study)
        server.clear_log()
        summary = run_sync(store, client, page_size=1000, compile_criteria=False)
    # Without --since or --full: since the start date of the last completed run.
    assert summary.since == today
    first = server.requests[0]
    assert first.params["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{today},MAX]"
    assert (summary.new, summary.updated, summary.unchanged, summary.withdrawn) == (1, 2, 0, 1)
    assert store.count() == 1254
    history = store.criteria_history("NCT03377387")
    assert [h.criteria for h in history] == [old_criteria, elig["eligibilityCriteria"]]
    assert [h.record_version for h in history][-1] == today
    got = store.get_trial("NCT02513394")
    assert got is not None and got.overall_status == "WITHDRAWN" and got.record_version == today


def test_status_and_condition_filters_and_their_reconciliation(
    sqlite_store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    with make_client(server) as client:
        summary = run_sync(
            sqlite_store,
            client,
            condition="breast",
            status="recruiting,not_yet_recruiting",
            full=True,
            page_size=50,
            compile_criteria=False,
        )
    expected = {
        nct_of(s)
        for s in server.select(
            {"query.cond": "breast", "filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING"}
        )
    }
    assert set(sqlite_store.nct_ids()) == expected and len(expected) > 150
    rec = summary.reconciliation
    assert rec is not None and rec.ok
    assert sorted(r.status for r in rec.rows) == ["NOT_YET_RECRUITING", "RECRUITING"]


def test_reconciliation_reports_a_mismatch(
    sqlite_store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    with make_client(server) as client:
        run_sync(sqlite_store, client, full=True, compile_criteria=False, reconcile_counts=False)
        # The registry drops a recruiting trial and closes another one.
        gone = next(s for s in studies if status_of(s) == "RECRUITING")
        kept = [s for s in studies if s is not gone]
        closed = copy.deepcopy(next(s for s in kept if status_of(s) == "RECRUITING"))
        closed["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
        server.set_studies([closed if nct_of(s) == nct_of(closed) else s for s in kept])
        from osteotrials.sync import reconcile

        rec = reconcile(sqlite_store, client, make_query())
    assert not rec.ok
    rows = {r.status: (r.local, r.server) for r in rec.rows}
    assert rows["RECRUITING"] == (189, 187) and rows["COMPLETED"] == (1, 2)
    assert {r.status for r in rec.mismatches} == {"RECRUITING", "COMPLETED"}
    assert (rec.local_total, rec.server_total) == (1253, 1252)


@pytest.mark.parametrize(
    "kind", ["429", "500", "503", "slow", "truncated", "invalid_json", "reset"]
)
def test_each_fault_is_survived(tmp_path: Path, small_server: ReplayServer, kind: str) -> None:
    server = small_server
    store = SQLiteStore(tmp_path / f"{kind}.sqlite")
    server.inject(Fault(kind, retry_after=0.05, delay=1.0), times=2)  # type: ignore[arg-type]
    with make_client(server, timeout=0.5) as client:
        summary = run_sync(store, client, full=True, page_size=40, compile_criteria=False)
    assert summary.new == 300 and fingerprint(store) == expected_fingerprint(server.studies())
    assert [r.outcome for r in server.requests].count(kind if kind != "slow" else "slow:200") >= 2
    store.close()


def test_retry_budget_exhausted_mid_run_then_resume(
    store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    with make_client(server, retry=RetryPolicy(max_attempts=3, base_delay=0.001)) as client:
        # Pages 1-2 succeed, then the server fails every request.
        original = server._page

        calls = {"n": 0}

        def flaky(params: dict[str, str]) -> tuple[int, dict[str, Any]]:
            calls["n"] += 1
            if calls["n"] >= 2:
                server.inject("500", times=100)
            return original(params)

        server._page = flaky  # type: ignore[method-assign]
        with pytest.raises(SyncError, match=r"stopped after 2 pages \(200 studies\).*resume") as e:
            run_sync(store, client, full=True, page_size=100, compile_criteria=False)
        assert e.value.pages_done == 2
        # The database is consistent: exactly the committed pages, and their checkpoint.
        assert store.count() == 200
        cp = store.get_checkpoint(checkpoint_key(make_query()))
        assert cp is not None and cp["state"] == "running" and cp["pages"] == 2
        assert cp["counts"]["studies"] == 200 and cp["page_token"]
        server._page = original  # type: ignore[method-assign]
        server.clear_faults()
        server.clear_log()
        summary = run_sync(store, client, full=True, page_size=100, compile_criteria=False)
    assert summary.resumed and summary.new == 1253 and summary.pages == 13
    assert "pageToken" in server.requests[0].params  # continued from the saved page
    assert fingerprint(store) == expected_fingerprint(studies)


def test_chaos_sync_equals_a_clean_one(tmp_path: Path, small_server: ReplayServer) -> None:
    server = small_server
    server.chaos(0.35, seed=5, retry_after=0.01, delay=0.6)
    store = SQLiteStore(tmp_path / "chaos.sqlite")
    with make_client(
        server, timeout=0.3, retry=RetryPolicy(max_attempts=15, base_delay=0.001, max_delay=0.01)
    ) as client:
        summary = run_sync(store, client, full=True, page_size=15, compile_criteria=False)
    faults = {r.outcome for r in server.requests} - {"ok:200"}
    assert len(faults) >= 4, faults
    assert summary.new == 300 and fingerprint(store) == expected_fingerprint(server.studies())
    store.close()


def test_expired_page_token_restarts_the_query(
    sqlite_store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    key = checkpoint_key(make_query())
    sqlite_store.set_checkpoint(
        key,
        {
            "state": "running",
            "since": None,
            "page_token": "expired-token",
            "pages": 3,
            "counts": {"studies": 300, "new": 300, "updated": 0, "unchanged": 0, "withdrawn": 0},
            "total_count": 1253,
            "skipped": 0,
            "started_at": "2026-01-01T00:00:00Z",
        },
    )
    with make_client(server) as client:
        summary = run_sync(sqlite_store, client, full=True, page_size=400, compile_criteria=False)
    assert any("started again" in n for n in summary.notes)
    assert summary.new == 1253 and fingerprint(sqlite_store) == expected_fingerprint(studies)


def test_bad_records_are_skipped_and_named(
    sqlite_store: TrialStore, server: ReplayServer, studies: list[dict[str, Any]]
) -> None:
    bad = copy.deepcopy(studies[0])
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT99000002"
    bad["protocolSection"]["eligibilityModule"] = {"eligibilityCriteria": 42}
    server.put_study(bad)
    with make_client(server) as client:
        summary = run_sync(sqlite_store, client, full=True, compile_criteria=False)
    assert summary.skipped == 1 and "NCT99000002" in summary.skipped_examples[0]
    assert sqlite_store.count() == 1253 and sqlite_store.get_trial("NCT99000002") is None


def test_sync_compiles_criteria_of_new_records(
    tmp_path: Path, studies: list[dict[str, Any]]
) -> None:
    from osteotrials.store import compile as compiling

    if compiling.parser_version() is None:
        pytest.fail("the eligibility engine is not importable")
    few = [s for s in studies if nct_of(s) in {"NCT03377387", "NCT02513394", "NCT00869206"}]
    store = SQLiteStore(tmp_path / "compiled.sqlite")
    with ReplayServer(few) as srv, make_client(srv) as client:
        run_sync(store, client, full=True)
    compiled = store.get_compiled("NCT03377387")
    assert compiled is not None and compiled.record_version == "2023-04-18"
    assert compiled.items
    store.close()


# -- CLI ------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_offline_leaves_the_database_untouched(tmp_path: Path) -> None:
    new_db = tmp_path / "never-created.sqlite"
    url = f"http://127.0.0.1:{_closed_port()}"
    runner = CliRunner()
    args = ["--base-url", url, "--retries", "2", "--timeout", "1", "--full"]
    result = runner.invoke(cli, ["--db", str(new_db), "sync", *args])
    assert result.exit_code == 2, result.output
    assert "Cannot reach ClinicalTrials.gov" in result.output
    assert "database is unchanged" in result.output
    assert not new_db.exists()
    existing = tmp_path / "existing.sqlite"
    SQLiteStore(existing).close()
    digest = hashlib.sha256(existing.read_bytes()).hexdigest()
    result = runner.invoke(cli, ["--db", str(existing), "sync", *args])
    assert result.exit_code == 2
    assert hashlib.sha256(existing.read_bytes()).hexdigest() == digest


def test_cli_sync_into_a_new_file_holds_only_synced_trials(
    tmp_path: Path, server: ReplayServer
) -> None:
    import json

    db = tmp_path / "synced.sqlite"
    runner = CliRunner()
    base = ["--db", str(db)]
    result = runner.invoke(
        cli,
        [
            *base,
            "sync",
            "--base-url",
            server.base_url,
            "--rate-limit",
            "0",
            "--status",
            "RECRUITING",
            "--no-compile",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["new"] == 189 and out["reconciliation"]["ok"] is True
    info = json.loads(runner.invoke(cli, [*base, "data", "info", "--json"]).output)
    assert info["trials"] == 189 and info["sources"] == {"ctgov-api": 189}
    assert info["statuses"] == {"RECRUITING": 189}
    table = runner.invoke(
        cli,
        [
            *base,
            "sync",
            "--base-url",
            server.base_url,
            "--rate-limit",
            "0",
            "--status",
            "recruiting",
            "--no-compile",
        ],
    )
    assert table.exit_code == 0, table.output
    assert "Counts match the registry" in table.output and "Unchanged" in table.output


def test_cli_rejects_since_with_full_and_bad_status(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "x.sqlite")]
    r = runner.invoke(cli, [*db, "sync", "--full", "--since", "2026-01-01"])
    assert r.exit_code == 2 and "either --since or --full" in r.output
    r = runner.invoke(cli, [*db, "sync", "--status", "open-ish"])
    assert r.exit_code == 2 and "unknown overall status" in r.output
    r = runner.invoke(cli, [*db, "sync", "--since", "yesterday"])
    assert r.exit_code == 2 and "not a date" in r.output


def test_checkpoint_keys_depend_on_the_query_only() -> None:
    from osteotrials.sources.ctgov_api import StudyQuery

    a = StudyQuery(condition="breast cancer", statuses=("RECRUITING", "COMPLETED"))
    b = StudyQuery(
        condition="breast cancer", statuses=("COMPLETED", "RECRUITING"), since=dt.date(2026, 1, 1)
    )
    c = StudyQuery(condition="breast cancer")
    assert checkpoint_key(a) == checkpoint_key(b) != checkpoint_key(c)
    assert checkpoint_key(a).startswith(CHECKPOINT_PREFIX)


def test_client_with_unreachable_server_before_any_page(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "offline.sqlite")
    client = CtgovClient(
        f"http://127.0.0.1:{_closed_port()}",
        requests_per_minute=None,
        retry=RetryPolicy(max_attempts=2, base_delay=0.001),
    )
    with client, pytest.raises(SyncError, match="Nothing was written"):
        run_sync(store, client, full=True)
    assert store.count() == 0 and store.get_checkpoint(checkpoint_key(make_query())) is None
    store.close()
