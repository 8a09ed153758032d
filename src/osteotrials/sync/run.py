"""The sync loop, its checkpoints and the reconciliation report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from osteotrials.model import Trial
from osteotrials.sources.ctgov_api import (
    OVERALL_STATUSES,
    CtgovClient,
    CtgovError,
    CtgovHTTPError,
    StudyQuery,
    status_tuple,
)
from osteotrials.sources.ctgov_json import trial_from_study
from osteotrials.sources.errors import RecordError
from osteotrials.store.base import TrialStore

#: ``provenance.source`` of trials fetched from the API (records carry no provenance key).
SOURCE_LABEL = "ctgov-api"
CHECKPOINT_PREFIX = "ctgov-sync:"


class SyncError(Exception):
    """A sync that could not finish; the message says what happened and what to do."""

    def __init__(self, message: str, *, pages_done: int = 0, studies_done: int = 0) -> None:
        super().__init__(message)
        self.pages_done = pages_done
        self.studies_done = studies_done


@dataclass
class SyncProgress:
    """Counts so far, passed to the ``progress`` callback after every committed page."""

    pages: int
    studies: int
    total: int | None
    new: int
    updated: int
    unchanged: int
    withdrawn: int
    skipped: int


@dataclass
class StatusCount:
    status: str
    local: int
    server: int

    @property
    def ok(self) -> bool:
        return self.local == self.server


@dataclass
class Reconciliation:
    """Per-status trial counts in the store next to the registry's ``totalCount``."""

    server_total: int
    local_total: int
    rows: list[StatusCount]
    note: str | None = None

    @property
    def mismatches(self) -> list[StatusCount]:
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.server_total == self.local_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "server_total": self.server_total,
            "local_total": self.local_total,
            "statuses": [asdict(r) | {"ok": r.ok} for r in self.rows],
            "mismatches": [r.status for r in self.mismatches],
            "note": self.note,
        }


@dataclass
class SyncSummary:
    query: dict[str, Any]
    since: str | None
    resumed: bool
    pages: int = 0
    studies: int = 0
    total_count: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    skipped: int = 0
    skipped_examples: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    reconciliation: Reconciliation | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["reconciliation"] = self.reconciliation.to_dict() if self.reconciliation else None
        out["studies_per_second"] = round(self.studies / self.seconds, 1) if self.seconds else None
        return out


def _identity(query: StudyQuery) -> dict[str, Any]:
    return {
        "condition": query.condition,
        "term": query.term,
        "statuses": sorted(query.statuses),
        "advanced": query.advanced,
    }


def checkpoint_key(query: StudyQuery) -> str:
    """The checkpoint key of a query (its since-date is part of the value, not the key)."""
    digest = hashlib.sha1(
        json.dumps(_identity(query), sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    return CHECKPOINT_PREFIX + digest


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status_of(study: dict[str, Any]) -> str | None:
    module = study.get("protocolSection", {}).get("statusModule", {})
    value = module.get("overallStatus") if isinstance(module, dict) else None
    return value if isinstance(value, str) else None


def run_sync(
    store: TrialStore,
    client: CtgovClient,
    *,
    condition: str | None = None,
    term: str | None = None,
    status: Iterable[str] | str | None = None,
    since: dt.date | None = None,
    full: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
    page_size: int = 1000,
    compile_criteria: bool = True,
    reconcile_counts: bool = True,
) -> SyncSummary:
    """Sync one query into ``store``; resumes an interrupted run of the same query.

    Which records are asked for: ``full`` asks for all of them; ``since`` for
    those whose last update was posted on or after that date; neither means
    "since the start date of the last completed run of this query" (all of
    them the first time). An interrupted run is resumed from its last committed
    page when the same query is asked again (with the same since-date, or
    without ``since``/``full``).
    """
    if full and since is not None:
        raise ValueError("give either since or full, not both")
    base = StudyQuery(condition=condition or None, term=term or None, statuses=status_tuple(status))
    key = checkpoint_key(base)
    previous = store.get_checkpoint(key) or {}
    last_complete = previous.get("last_complete")
    wanted: str | None
    if full:
        wanted = None
    elif since is not None:
        wanted = since.isoformat()
    elif previous.get("state") == "running":
        wanted = previous.get("since")
    elif isinstance(last_complete, dict) and last_complete.get("started_at"):
        wanted = str(last_complete["started_at"])[:10]
    else:
        wanted = None
    resume = previous.get("state") == "running" and previous.get("since") == wanted
    started = time.monotonic()
    requests_before = client.requests_sent
    summary = SyncSummary(query=_identity(base), since=wanted, resumed=resume)
    state: dict[str, Any] = {
        "query": _identity(base),
        "base_url": client.base_url,
        "since": wanted,
        "state": "running",
        "started_at": _now(),
        "page_token": None,
        "pages": 0,
        "total_count": None,
        "counts": {"studies": 0, "new": 0, "updated": 0, "unchanged": 0, "withdrawn": 0},
        "skipped": 0,
        "last_complete": last_complete,
    }
    if resume:
        for name in ("started_at", "page_token", "pages", "total_count", "counts", "skipped"):
            if name in previous:
                state[name] = previous[name]
        summary.notes.append(
            f"resumed an interrupted run after {state['pages']} pages "
            f"({state['counts']['studies']} studies)"
        )
    query = replace(base, since=dt.date.fromisoformat(wanted) if wanted else None)
    try:
        _sync_pages(
            store, client, query, key, state, summary, page_size, compile_criteria, progress
        )
    except CtgovHTTPError as exc:
        if not (resume and state["page_token"] and exc.status_code == 400):
            raise _failure(exc, state, client) from exc
        # The registry no longer accepts the saved page token: start the query again
        # (upserts are idempotent, so pages already stored only count as unchanged).
        summary.notes.append("the saved page token was refused; the query was started again")
        state.update(page_token=None, pages=0, total_count=None, skipped=0)
        state["counts"] = {k: 0 for k in state["counts"]}
        try:
            _sync_pages(
                store, client, query, key, state, summary, page_size, compile_criteria, progress
            )
        except CtgovError as again:
            raise _failure(again, state, client) from again
    except CtgovError as exc:
        raise _failure(exc, state, client) from exc
    counts = state["counts"]
    summary.pages = state["pages"]
    summary.studies = counts["studies"]
    summary.total_count = state["total_count"]
    summary.new, summary.updated = counts["new"], counts["updated"]
    summary.unchanged, summary.withdrawn = counts["unchanged"], counts["withdrawn"]
    summary.skipped = state["skipped"]
    if reconcile_counts:
        try:
            summary.reconciliation = reconcile(store, client, base)
        except CtgovError as exc:
            summary.notes.append(f"reconciliation skipped: {exc}")
    summary.requests = client.requests_sent - requests_before
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _failure(exc: CtgovError, state: dict[str, Any], client: CtgovClient) -> SyncError:
    pages, studies = state["pages"], state["counts"]["studies"]
    if pages == 0:
        return SyncError(
            f"{exc}\nNothing was written: the database is unchanged. Check the network "
            f"(or --base-url {client.base_url}) and run the command again.",
        )
    return SyncError(
        f"{exc}\nThe sync stopped after {pages} pages ({studies} studies); they are saved with "
        "a checkpoint. Run the same command again to resume where it stopped.",
        pages_done=pages,
        studies_done=studies,
    )


def _sync_pages(
    store: TrialStore,
    client: CtgovClient,
    query: StudyQuery,
    key: str,
    state: dict[str, Any],
    summary: SyncSummary,
    page_size: int,
    compile_criteria: bool,
    progress: Callable[[SyncProgress], None] | None,
) -> None:
    if state["state"] == "complete":
        return
    pages = client.iter_pages(
        query, page_size=page_size, page_token=state["page_token"], count_total=True
    )
    for page in pages:
        trials: list[Trial] = []
        withdrawn_candidates: list[str] = []
        for study in page.studies:
            try:
                trial = trial_from_study(study, source_label=SOURCE_LABEL)
            except RecordError as exc:
                state["skipped"] += 1
                if len(summary.skipped_examples) < 20:
                    summary.skipped_examples.append(str(exc))
                continue
            trials.append(trial)
            if _status_of(study) == "WITHDRAWN":
                withdrawn_candidates.append(trial.nct_id)
        # Newly withdrawn: a record that is WITHDRAWN now and was not (or was absent) before.
        withdrawn = 0
        for nct_id in withdrawn_candidates:
            before = store.get_trial(nct_id)
            if before is None or before.overall_status != "WITHDRAWN":
                withdrawn += 1
        if page.total_count is not None and state["pages"] == 0:
            state["total_count"] = page.total_count
        nxt = dict(state)
        nxt["counts"] = dict(state["counts"])
        nxt["page_token"] = page.next_page_token
        nxt["pages"] = state["pages"] + 1
        if page.next_page_token is None:
            nxt["state"] = "complete"
            nxt["last_complete"] = {
                "started_at": state["started_at"],
                "finished_at": _now(),
                "since": state["since"],
                "base_url": client.base_url,
            }
        _upsert_page(store, trials, key, nxt, compile_criteria, withdrawn)
        state.clear()
        state.update(nxt)
        if progress is not None:
            c = state["counts"]
            progress(
                SyncProgress(
                    pages=state["pages"],
                    studies=c["studies"],
                    total=state["total_count"],
                    new=c["new"],
                    updated=c["updated"],
                    unchanged=c["unchanged"],
                    withdrawn=c["withdrawn"],
                    skipped=state["skipped"],
                )
            )


def _upsert_page(
    store: TrialStore,
    trials: list[Trial],
    key: str,
    state: dict[str, Any],
    compile_criteria: bool,
    withdrawn: int,
) -> None:
    """Upsert one page and its checkpoint in one transaction.

    The checkpoint must carry the counts *including* this page, but those are
    only known once the page is compared with the store. So the comparison and
    the write happen inside one ``atomic()`` block: the page is upserted, its
    summary added to the counts, and the checkpoint written before the commit.
    """
    counts: dict[str, int] = state["counts"]
    with store.atomic():
        result = store.upsert_trials(
            trials, batch_size=len(trials) + 1, compile_criteria=compile_criteria
        )
        counts["studies"] += len(trials)
        counts["new"] += result.new
        counts["updated"] += result.updated
        counts["unchanged"] += result.unchanged
        counts["withdrawn"] += withdrawn
        store.set_checkpoint(key, state)


def reconcile(store: TrialStore, client: CtgovClient, query: StudyQuery) -> Reconciliation:
    """Compare the store's count per overall status with the registry's ``totalCount``.

    One request for the query's total and one per status (the query's status
    filter, else every API v2 status). Trials without a status are compared as
    ``(no status)``: the total minus the per-status counts.
    """
    base = replace(query, since=None)
    server_total = client.count(base)
    statuses = list(base.statuses) or sorted(OVERALL_STATUSES)
    server = {s: client.count(replace(base, statuses=(s,))) for s in statuses}
    info = store.info()
    local = dict(info.statuses)
    rows = [
        StatusCount(s, local.get(s, 0), server[s]) for s in statuses if local.get(s, 0) or server[s]
    ]
    if base.statuses:
        local_total = sum(local.get(s, 0) for s in statuses)
    else:
        local_total = info.trials
        known = set(statuses)
        local_other = sum(v for k, v in local.items() if k not in known)
        server_other = server_total - sum(server.values())
        if local_other or server_other:
            rows.append(StatusCount("(no status)", local_other, server_other))
    others = sorted(k for k in info.sources if k != SOURCE_LABEL)
    note = None
    if others:
        note = (
            "the database also holds trials from other sources (" + ", ".join(others) + "); "
            "they are counted too, so use a database of its own for an exact reconciliation"
        )
    return Reconciliation(server_total, local_total, rows, note)
