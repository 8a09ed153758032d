"""What the HTTP surfaces need from the library: one store, used safely from threads.

FastAPI runs plain ``def`` endpoints in a thread pool; the SQLite connection is
shared, so every store call goes through one lock. The compiled criteria of
every trial are read once (on first use) and kept in memory for matching.
"""

from __future__ import annotations

import threading
from pathlib import Path

from osteotrials.match import MatchIndex
from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial
from osteotrials.store import SNAPSHOT_DATE, SearchHit, TrialStore, open_store
from osteotrials.store.base import StatusFilter
from osteotrials.store.compile import compile_trial


class TrialService:
    """Thread-safe access to one trial store."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.store: TrialStore = open_store(db)
        self._lock = threading.RLock()
        self._compiled: list[tuple[Trial, CompiledTrial]] | None = None
        self._by_id: dict[str, tuple[Trial, CompiledTrial]] = {}
        self._index: MatchIndex | None = None
        #: Matching is CPU-bound Python (and pauses the garbage collector while it runs):
        #: one match at a time answers queued requests in order instead of slowing every
        #: one of them down together, and keeps the collector switch safe.
        self.match_lock = threading.Lock()
        self.snapshot_date: str = self.store.get_meta("snapshot_date") or SNAPSHOT_DATE

    def close(self) -> None:
        with self._lock:
            self.store.close()

    @property
    def location(self) -> str:
        return self.store.location

    def search(
        self,
        query: str,
        *,
        status: StatusFilter = "all",
        phase: str | None = None,
        study_type: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        with self._lock:
            return self.store.search(
                query, status=status, phase=phase, study_type=study_type, limit=limit
            )

    def trial(self, nct_id: str) -> Trial | None:
        with self._lock:
            cached = self._by_id.get(nct_id)
            if cached is not None:
                return cached[0]
            return self.store.get_trial(nct_id)

    def compiled(self, nct_id: str) -> CompiledTrial | None:
        """The trial's compiled criteria (compiled now when the store has none current)."""
        with self._lock:
            cached = self._by_id.get(nct_id)
            if cached is not None:
                return cached[1]
            found = self.store.get_compiled(nct_id)
            if found is not None:
                return found
            trial = self.store.get_trial(nct_id)
        return None if trial is None else compile_trial(trial)

    def compiled_trials(self) -> list[tuple[Trial, CompiledTrial]]:
        """Every trial with its compiled criteria, read once and kept in memory."""
        with self._lock:
            if self._compiled is None:
                self._compiled = list(self.store.iter_compiled_trials())
                self._by_id = {t.nct_id: (t, c) for t, c in self._compiled}
            return self._compiled

    def index(self) -> MatchIndex:
        """The match index over every compiled trial (built once)."""
        pairs = self.compiled_trials()
        with self._lock:
            if self._index is None:
                self._index = MatchIndex.from_pairs(pairs)
            return self._index

    def subset_index(self, nct_ids: list[str]) -> MatchIndex:
        """A match index over only ``nct_ids`` (for one trial page or the visit sheet)."""
        wanted = set(nct_ids)
        pairs = []
        for nct in nct_ids:
            trial = self.trial(nct)
            compiled = self.compiled(nct) if trial is not None else None
            if trial is not None and compiled is not None and nct in wanted:
                pairs.append((trial, compiled))
                wanted.discard(nct)
        return MatchIndex.from_pairs(pairs)
