"""osteotrials: clinical trials for metastatic breast cancer in bone.

The library API comes first; the CLI, REST API and web pages are thin layers
over it::

    import osteotrials

    with osteotrials.open_store() as store:          # bundled snapshot, read-only
        hits = store.search("bone metastases zoledronic acid", limit=5)

    hits = osteotrials.search("HER2-low trastuzumab deruxtecan", status="open")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from osteotrials.store import SearchHit, TrialStore


def open_store(db: str | None = None, *, write: bool = False) -> TrialStore:
    """Open a trial store (see :func:`osteotrials.store.open_store`)."""
    from osteotrials.store import open_store as _open

    return _open(db, write=write)


def search(
    query: str,
    *,
    db: str | None = None,
    status: str = "all",
    phase: str | None = None,
    study_type: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Full-text search of a trial store (the bundled snapshot by default)."""
    with open_store(db) as store:
        return store.search(
            query,
            status=status,  # type: ignore[arg-type]
            phase=phase,
            study_type=study_type,
            limit=limit,
        )
