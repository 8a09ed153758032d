"""Shared fixtures.

Services: tests that need PostgreSQL or Chromium use the ``pg_dsn`` and
``chromium_path`` fixtures. Locally they skip with the reason when the service
is missing; in CI (``CI=true`` or ``OSTEOTRIALS_REQUIRE_SERVICES=1``) they fail
instead, because a skipped test is not a passed test.
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes tests/paths.py importable

PG_BASE_DSN = os.environ.get("OSTEOTRIALS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def services_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true"
        or os.environ.get("OSTEOTRIALS_REQUIRE_SERVICES") == "1"
    )


def missing_service(reason: str) -> None:
    if services_required():
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, _session_cache: Path
) -> Path:
    """Keep tests away from the developer's own osteotrials data.

    The user-data directory is new for every test; the cache (where the bundled
    snapshot database is built in an editable install) is shared by the session.
    """
    data_home = tmp_path_factory.mktemp("xdg-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_session_cache))
    monkeypatch.delenv("OSTEOTRIALS_DB", raising=False)
    return data_home


@pytest.fixture
def pg_dsn() -> Iterator[str]:
    """A DSN for a fresh, empty schema on the local PostgreSQL server (dropped afterwards)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a hard dependency
        missing_service("psycopg is not installed")
        raise
    try:
        admin = psycopg.connect(PG_BASE_DSN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        missing_service(f"PostgreSQL not reachable at {PG_BASE_DSN}: {exc}")
        raise
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_BASE_DSN else "?"
    try:
        yield f"{PG_BASE_DSN}{sep}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path to Debian's chromium binary (never downloaded by Playwright)."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        missing_service("Debian's chromium is not installed (apt-get install chromium)")
        raise RuntimeError("unreachable")
    return path


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests save screenshots and other artefacts for people to look at."""
    out = Path(__file__).resolve().parent.parent / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out
