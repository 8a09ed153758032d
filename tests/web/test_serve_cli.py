"""``osteotrials serve``: loopback by default, a warning otherwise, no access log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from osteotrials.cli import cli
from osteotrials.cli.serve import is_loopback


def test_loopback_addresses() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "192.168.1.20", "::", "example.org"):
        assert not is_loopback(host), host


def run_serve(monkeypatch: pytest.MonkeyPatch, db: Path, *args: str) -> tuple[str, dict[str, Any]]:
    """Run the command with uvicorn.run captured (the server itself is tested in the
    browser tests, which start ``osteotrials serve`` for real)."""
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen["app"] = app
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = CliRunner().invoke(cli, ["--db", str(db), "serve", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output, seen


def test_serve_defaults_to_localhost(monkeypatch: pytest.MonkeyPatch, web_db: Path) -> None:
    output, seen = run_serve(monkeypatch, web_db)
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert seen["access_log"] is False
    assert "Warning" not in output
    # --db reached the app
    assert seen["app"].state.service.location.endswith(web_db.name)


def test_serve_warns_when_reachable_from_the_network(
    monkeypatch: pytest.MonkeyPatch, web_db: Path
) -> None:
    output, seen = run_serve(monkeypatch, web_db, "--host", "0.0.0.0", "--port", "8123")
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert "Warning" in output and "other computers" in " ".join(output.split())
