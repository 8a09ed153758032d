"""Fixtures for the web tests: a test trial database and an in-process client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api._store import build_test_store
from osteotrials.api.app import create_app


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_test_store(tmp_path_factory.getbasetemp() / "shared-web-store")


@pytest.fixture
def browser_client(web_db: Path) -> Iterator[TestClient]:
    """A fresh app and client (its own session) per test."""
    with TestClient(create_app(web_db), base_url="http://127.0.0.1") as test_client:
        yield test_client
