"""Trial stores (SQLite by default, PostgreSQL at scale) behind one interface."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import platformdirs

from osteotrials.store.base import (
    CriteriaVersion,
    SearchHit,
    StoreError,
    StoreInfo,
    TrialStore,
    UpsertSummary,
)
from osteotrials.store.bundle import SNAPSHOT_DATE, bundled_database
from osteotrials.store.sqlite import SQLiteStore

__all__ = [
    "SNAPSHOT_DATE",
    "CriteriaVersion",
    "SQLiteStore",
    "SearchHit",
    "StoreError",
    "StoreInfo",
    "TrialStore",
    "UpsertSummary",
    "default_user_db",
    "open_store",
]


def default_user_db() -> Path:
    """The user's own database, in the platform user-data directory."""
    return Path(platformdirs.user_data_dir("osteotrials")) / "osteotrials.sqlite"


def _is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def open_store(db: str | Path | None = None, *, write: bool = False) -> TrialStore:
    """Open the trial store named by ``db``.

    ``db`` is a SQLite path or a ``postgresql://`` URL; ``None`` means
    ``$OSTEOTRIALS_DB``, else the user's database when it exists (or when
    ``write`` is asked for: it starts as a copy of the bundled snapshot), else
    the bundled snapshot, read-only. An explicitly named new file starts empty.
    """
    if db is None:
        db = os.environ.get("OSTEOTRIALS_DB") or None
    if db is not None:
        text = str(db)
        if _is_postgres(text):
            from osteotrials.store.postgres import PostgresStore

            return PostgresStore(text)
        return SQLiteStore(Path(text).expanduser())
    user_db = default_user_db()
    if user_db.exists():
        return SQLiteStore(user_db)
    if write:
        user_db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_database(), user_db)
        store = SQLiteStore(user_db)
        store.set_meta("origin", "copy of the bundled snapshot")
        return store
    return SQLiteStore(bundled_database(), read_only=True)
