"""PostgreSQL-only behaviour of the store (the shared behaviour is in tests/store)."""

from __future__ import annotations

import threading

import psycopg
import pytest

from osteotrials.model import Trial
from osteotrials.sources import read_trials
from osteotrials.store import StoreError, open_store
from osteotrials.store.postgres import SCHEMA_VERSION, PostgresStore, redact_dsn
from paths import SNAPSHOT_JSONL

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def few_trials() -> list[Trial]:
    wanted = {"NCT03377387", "NCT02513394", "NCT00869206", "NCT00375427", "NCT06374459"}
    return [t for t in read_trials([SNAPSHOT_JSONL]) if t.nct_id in wanted]


def test_open_store_dispatches_postgres_urls(pg_dsn: str) -> None:
    with open_store(pg_dsn) as store:
        assert isinstance(store, PostgresStore)
        info = store.info()
    assert info.backend == "postgresql" and info.schema_version == SCHEMA_VERSION
    assert info.trials == 0 and info.db_path.startswith("postgresql://postgres@127.0.0.1:5432/test")


def test_concurrent_first_opens_migrate_once(pg_dsn: str) -> None:
    errors: list[BaseException] = []

    def open_close() -> None:
        try:
            PostgresStore(pg_dsn).close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_close) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(pg_dsn) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_newer_schema_is_refused(pg_dsn: str) -> None:
    PostgresStore(pg_dsn).close()
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'later')")
    with pytest.raises(StoreError, match="schema version 999"):
        PostgresStore(pg_dsn)


def test_unreachable_server_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://u@127\.0\.0\.1:1/x"):
        PostgresStore("postgresql://u:secret@127.0.0.1:1/x")


def test_dsn_redaction_drops_the_password() -> None:
    assert redact_dsn("postgresql://me:s3cret@db.example:6543/trials") == (
        "postgresql://me@db.example:6543/trials"
    )
    assert "s3cret" not in redact_dsn("host=db user=me password=s3cret dbname=trials")


def test_read_only_store_refuses_writes(pg_dsn: str, few_trials: list[Trial]) -> None:
    PostgresStore(pg_dsn).close()
    store = PostgresStore(pg_dsn, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.upsert_trials(few_trials)
    store.close()


def test_compiled_criteria_are_stored_and_recompiled(pg_dsn: str, few_trials: list[Trial]) -> None:
    from osteotrials.store import compile as compiling

    version = compiling.parser_version()
    if version is None:
        pytest.fail("the eligibility engine is not importable")
    store = PostgresStore(pg_dsn)
    store.upsert_trials(few_trials)
    assert store.compiled_counts() == {version: len(few_trials)}
    compiled = store.get_compiled("NCT03377387")
    assert compiled is not None and compiled.items and compiled.parser_version == version
    store.conn.execute("UPDATE compiled_criteria SET parser_version = '0.0-old'")
    assert all(c.parser_version == version for _, c in store.iter_compiled_trials())
    assert store.recompile() == len(few_trials)
    assert store.recompile() == 0
    assert store.compiled_counts() == {version: len(few_trials)}
    store.close()


def test_search_cache_follows_writes(pg_dsn: str, few_trials: list[Trial]) -> None:
    store = PostgresStore(pg_dsn)
    store.upsert_trials(
        [t for t in few_trials if t.nct_id != "NCT03377387"], compile_criteria=False
    )
    assert store.search("neratinib") == []
    store.upsert_trials(
        [t for t in few_trials if t.nct_id == "NCT03377387"], compile_criteria=False
    )
    hits = store.search("Nerlynx")  # brand name -> neratinib, via the synonym table
    assert [h.nct_id for h in hits] == ["NCT03377387"] and hits[0].score > 0
    assert store.search("the of and") == []
    store.close()
