"""The bundled snapshot: a read-only SQLite database built from the shipped JSONL.

Wheels carry the database pre-built (see ``hatch_build.py``). When it is
missing (an editable install) or was built by another version of the code, it
is built once into the user cache directory from the same JSONL.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

import platformdirs

from osteotrials.sources import read_trials
from osteotrials.store.sqlite import SCHEMA_VERSION, SQLiteStore

BUNDLED_DB_NAME = "snapshot.sqlite"
SNAPSHOT_JSONL = "breast-snapshot.jsonl"
#: Date of the newest record pull in the bundled snapshot (the clinical-trial-agent
#: export of 2026-01-05; see docs/data-provenance.md). Shown to every user.
SNAPSHOT_DATE = "2026-01-05"


def snapshot_jsonl() -> Path:
    return Path(str(resources.files("osteotrials").joinpath(f"data/snapshot/{SNAPSHOT_JSONL}")))


def build_fingerprint() -> str:
    """Identifies the snapshot content and the code that builds the database."""
    digest = hashlib.sha256(snapshot_jsonl().read_bytes()).hexdigest()[:16]
    parts = [f"schema{SCHEMA_VERSION}", digest]
    try:
        import osteotrials.criteria as criteria
    except ImportError:
        criteria = None  # type: ignore[assignment]
    parser_version = getattr(criteria, "PARSER_VERSION", None)
    if parser_version:
        parts.append(f"parser{parser_version}")
    return "-".join(parts)


def build_bundled_database(out: Path) -> Path:
    """Build the snapshot database at ``out`` (atomically: temp file, then rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".snapshot-", suffix=".sqlite", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        store = SQLiteStore(tmp)
        try:
            with store.atomic():
                store.upsert_trials(read_trials([snapshot_jsonl()]), batch_size=2000)
                store.set_meta("snapshot_date", SNAPSHOT_DATE)
                store.set_meta("build_fingerprint", build_fingerprint())
                store.set_meta("origin", "bundled snapshot")
            store.conn.execute("PRAGMA journal_mode=DELETE")
            store.optimize()
        finally:
            store.close()
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _is_current(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        store = SQLiteStore(path, read_only=True)
    except Exception:  # any unreadable file is simply rebuilt
        return False
    try:
        return store.get_meta("build_fingerprint") == build_fingerprint()
    finally:
        store.close()


def bundled_database() -> Path:
    """Path of an up-to-date bundled snapshot database, building it if needed."""
    shipped = Path(str(resources.files("osteotrials").joinpath(f"data/{BUNDLED_DB_NAME}")))
    if _is_current(shipped):
        return shipped
    cached = (
        Path(platformdirs.user_cache_dir("osteotrials")) / build_fingerprint() / BUNDLED_DB_NAME
    )
    if not _is_current(cached):
        build_bundled_database(cached)
    return cached
