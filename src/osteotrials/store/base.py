"""The store interface shared by the SQLite and PostgreSQL backends."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Literal

from pydantic import BaseModel, Field

from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial

StatusFilter = Literal["recruiting", "open", "all"]
Progress = Callable[[int], None]

#: Overall statuses included by each ``--status`` filter.
STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "recruiting": frozenset({"RECRUITING"}),
    "open": frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}),
    "all": None,
}


class StoreError(RuntimeError):
    """A store that cannot be opened or written (read-only, wrong schema, ...)."""


class UpsertSummary(BaseModel):
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_ids: list[str] = Field(default_factory=list, repr=False)
    updated_ids: list[str] = Field(default_factory=list, repr=False)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def add(self, other: UpsertSummary) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.new_ids.extend(other.new_ids)
        self.updated_ids.extend(other.updated_ids)


class SearchHit(BaseModel):
    nct_id: str
    title: str | None
    status: str | None
    phases: list[str]
    study_type: str | None
    score: float
    record_version: str


class CriteriaVersion(BaseModel):
    """One distinct eligibility text seen for a trial, oldest first."""

    nct_id: str
    record_version: str
    criteria: str | None
    first_seen: str


class StoreInfo(BaseModel):
    db_path: str
    backend: str
    schema_version: int
    trials: int
    snapshot_date: str | None
    sources: dict[str, int]
    statuses: dict[str, int]
    read_only: bool


class TrialStore(abc.ABC):
    """A trial corpus: upsert, fetch, full-text search, history, checkpoints."""

    location: str
    read_only: bool

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def atomic(self) -> AbstractContextManager[None]:
        """Everything inside is one transaction: all of it is written or none."""

    @abc.abstractmethod
    def upsert_trials(
        self,
        trials: Iterable[Trial],
        *,
        batch_size: int = 500,
        checkpoint: tuple[str, dict[str, Any]] | None = None,
        progress: Progress | None = None,
        compile_criteria: bool = True,
    ) -> UpsertSummary:
        """Insert or update trials by NCT id, one transaction per batch.

        The eligibility text being replaced is kept in the criteria history;
        new and changed trials have their criteria compiled (unless
        ``compile_criteria`` is false); the checkpoint, when given, is written
        in the same transaction as the last batch so a resumed sync never skips
        or repeats a page.
        """

    @abc.abstractmethod
    def get_trial(self, nct_id: str) -> Trial | None: ...

    @abc.abstractmethod
    def iter_trials(self) -> Iterator[Trial]: ...

    @abc.abstractmethod
    def nct_ids(self) -> list[str]: ...

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def search(
        self,
        query: str,
        *,
        status: StatusFilter = "all",
        phase: str | None = None,
        study_type: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]: ...

    @abc.abstractmethod
    def criteria_history(self, nct_id: str) -> list[CriteriaVersion]: ...

    @abc.abstractmethod
    def get_compiled(self, nct_id: str) -> CompiledTrial | None:
        """The trial's compiled criteria for its current record and parser version."""

    @abc.abstractmethod
    def iter_compiled_trials(self) -> Iterator[tuple[Trial, CompiledTrial]]:
        """Every trial with its compiled criteria."""

    @abc.abstractmethod
    def recompile(self, progress: Progress | None = None, *, force: bool = False) -> int:
        """Compile and store criteria that are missing or outdated; returns the count."""

    @abc.abstractmethod
    def info(self) -> StoreInfo: ...

    @abc.abstractmethod
    def get_checkpoint(self, key: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def set_checkpoint(self, key: str, value: dict[str, Any] | None) -> None:
        """Store (or with ``None`` delete) a sync checkpoint."""

    @abc.abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abc.abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...
