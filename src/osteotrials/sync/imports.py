"""Resumable bulk imports into a store: AACT (database or flat files), the bulk-download zip."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
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


def _zip_records(path: Path, start: int) -> Iterator[tuple[int, str, Any]]:
    """(member index, name, parsed JSON or an error text) per member, from ``start``."""
    with zipfile.ZipFile(path) as archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        for index in range(start, len(members)):
            info = members[index]
            if not info.filename.lower().endswith(".json"):
                yield index, info.filename, None
                continue
            try:
                yield index, info.filename, json.loads(archive.read(info))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield index, info.filename, f"invalid JSON: {exc}"


def import_bulk(
    store: TrialStore,
    path: str | Path,
    *,
    batch_size: int = 1000,
    compile_criteria: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import the ClinicalTrials.gov bulk download (a zip with one JSON study per file).

    Streams the zip member by member (memory stays bounded by one batch), skips
    and names bad members, and commits each batch with a checkpoint (the next
    member to read), so an interrupted import resumes where it stopped when run
    again on the same, unchanged file.
    """
    source = Path(path).resolve()
    if not zipfile.is_zipfile(source):
        raise ValueError(f"{source} is not a zip file (the bulk download is ctg-studies.zip)")
    stat = source.stat()
    identity = f"{source}|{stat.st_size}|{int(stat.st_mtime)}"
    key = "bulk-import:" + hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()[:16]
    previous = store.get_checkpoint(key) or {}
    resume = previous.get("state") == "running"
    counts: dict[str, int] = {"studies": 0, "new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    start = 0
    if resume:
        counts.update(previous.get("counts", {}))
        start = int(previous.get("next_member", 0))
    with zipfile.ZipFile(source) as archive:
        total = sum(1 for i in archive.infolist() if not i.is_dir())
    summary = ImportSummary(source=str(source), since=None, resumed=resume, total=total)
    started = time.monotonic()
    batch: list[Trial] = []
    next_member = start

    def flush(final: bool) -> None:
        nonlocal batch
        state = {
            "state": "complete" if final else "running",
            "path": str(source),
            "next_member": next_member,
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
            progress(next_member, total)

    for index, name, record in _zip_records(source, start):
        next_member = index + 1
        if record is None:
            continue  # not a study file (a README, a licence)
        if isinstance(record, str):
            counts["skipped"] += 1
            if len(summary.skipped_examples) < 20:
                summary.skipped_examples.append(f"{source}!{name}: {record}")
            continue
        try:
            batch.append(trial_from_study(record, source_label="ctgov-bulk"))
        except RecordError as exc:
            counts["skipped"] += 1
            if len(summary.skipped_examples) < 20:
                summary.skipped_examples.append(f"{source}!{name}: {exc}")
            continue
        if len(batch) >= batch_size:
            flush(final=False)
    flush(final=True)
    summary.studies = counts["studies"]
    summary.new, summary.updated = counts["new"], counts["updated"]
    summary.unchanged, summary.skipped = counts["unchanged"], counts["skipped"]
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
