"""Resumable bulk imports into a store: AACT (database or flat files)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from osteotrials.model import Trial
from osteotrials.sources.aact import RowSource, iter_studies
from osteotrials.sources.ctgov_json import trial_from_study
from osteotrials.sources.errors import RecordError
from osteotrials.store.base import TrialStore


@dataclass
class ImportSummary:
    source: str
    since: str | None
    resumed: bool
    total: int = 0
    studies: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["studies_per_second"] = round(self.studies / self.seconds, 1) if self.seconds else None
        return out


def import_aact(
    store: TrialStore,
    source: RowSource,
    *,
    origin: str,
    label: str = "aact",
    since: dt.date | None = None,
    batch_size: int = 500,
    compile_criteria: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import every study of an AACT source, in NCT id order, one transaction per batch.

    Each batch is written with a checkpoint (the last NCT id done and the
    counts), so an interrupted import resumes after the last committed batch
    when run again with the same source and ``since``. ``progress(done, total)``
    is called after every batch.
    """
    key = (
        "aact-import:"
        + hashlib.sha1(f"{origin}|{since}".encode(), usedforsecurity=False).hexdigest()[:16]
    )
    previous = store.get_checkpoint(key) or {}
    resume = previous.get("state") == "running"
    counts: dict[str, int] = {"studies": 0, "new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    after: str | None = None
    if resume:
        counts.update(previous.get("counts", {}))
        after = previous.get("after")
    summary = ImportSummary(
        source=origin, since=since.isoformat() if since else None, resumed=resume
    )
    summary.total = source.count(since=since)
    started = time.monotonic()
    batch: list[Trial] = []
    last_id: str | None = after

    def flush(final: bool) -> None:
        nonlocal batch
        state = {
            "state": "complete" if final else "running",
            "origin": origin,
            "since": summary.since,
            "after": last_id,
            "counts": counts,
        }
        with store.atomic():
            result = store.upsert_trials(
                batch, batch_size=len(batch) + 1, compile_criteria=compile_criteria
            )
            counts["studies"] += len(batch)
            counts["new"] += result.new
            counts["updated"] += result.updated
            counts["unchanged"] += result.unchanged
            store.set_checkpoint(key, state)
        batch = []
        if progress is not None:
            progress(counts["studies"] + counts["skipped"], summary.total)

    for study in iter_studies(
        source, label=label, origin=origin, batch_size=batch_size, after=after, since=since
    ):
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        try:
            batch.append(trial_from_study(study, source_label=label))
        except RecordError as exc:
            counts["skipped"] += 1
            if len(summary.skipped_examples) < 20:
                summary.skipped_examples.append(str(exc))
        last_id = str(nct)
        if len(batch) >= batch_size:
            flush(final=False)
    flush(final=True)
    summary.studies = counts["studies"]
    summary.new, summary.updated = counts["new"], counts["updated"]
    summary.unchanged, summary.skipped = counts["unchanged"], counts["skipped"]
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
