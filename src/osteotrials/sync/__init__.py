"""Keep a trial store current with ClinicalTrials.gov (API v2), resumably.

``run_sync`` pages through ``/api/v2/studies`` for one query and upserts each
page in one transaction together with a checkpoint (query, next page token,
since-date, running counts). A run killed at any point resumes from the last
committed page; pages are idempotent upserts, so nothing is lost or doubled.
``reconcile`` compares the store's per-status counts with the registry's
``totalCount`` for the same query.
"""

from osteotrials.sync.run import (
    SOURCE_LABEL,
    Reconciliation,
    StatusCount,
    SyncError,
    SyncProgress,
    SyncSummary,
    checkpoint_key,
    reconcile,
    run_sync,
)

__all__ = [
    "SOURCE_LABEL",
    "Reconciliation",
    "StatusCount",
    "SyncError",
    "SyncProgress",
    "SyncSummary",
    "checkpoint_key",
    "reconcile",
    "run_sync",
]
