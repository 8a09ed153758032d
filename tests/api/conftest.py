"""Fixtures for the REST API tests: one app over real snapshot trials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api._store import build_test_store
from osteotrials.api.app import create_app


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Open snapshot trials (and a sample of closed ones) in a test database."""
    return build_test_store(tmp_path_factory.getbasetemp() / "shared-web-store")


@pytest.fixture(scope="session")
def client(snapshot_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(snapshot_db), base_url="http://127.0.0.1") as test_client:
        yield test_client
