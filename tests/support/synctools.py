"""Helpers for sync tests and benchmarks."""

from __future__ import annotations

from typing import Any

from osteotrials.sources.ctgov_api import CtgovClient, RetryPolicy
from osteotrials.store import TrialStore
from support.replay_server import ReplayServer


def make_client(server: ReplayServer, **kw: Any) -> CtgovClient:
    kw.setdefault("requests_per_minute", None)
    kw.setdefault("retry", RetryPolicy(max_attempts=6, base_delay=0.005, max_delay=0.02))
    kw.setdefault("timeout", 2.0)
    return CtgovClient(server.base_url, **kw)


def fingerprint(store: TrialStore) -> dict[str, tuple[str, str, str | None]]:
    """NCT id -> (record version, basis, status) for every stored trial."""
    return {
        t.nct_id: (t.record_version, t.record_version_basis, t.overall_status)
        for t in store.iter_trials()
    }
