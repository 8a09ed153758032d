"""Read trial records from files: API v2 JSON, JSONL, bulk zip, legacy XML, folders.

Every reader yields :class:`ReadResult` objects (a Trial, or the error for one
bad record) so callers choose between failing on the first bad record and
skipping it (``--skip-bad``). Files are streamed: a bulk zip of half a million
studies is read one member at a time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from osteotrials.model import Trial
from osteotrials.sources.ctgov_json import trial_from_study
from osteotrials.sources.ctgov_xml import study_from_xml
from osteotrials.sources.errors import RecordError

SUPPORTED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".xml", ".zip")


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One record read from ``location``: either ``trial`` or ``error`` is set."""

    location: str
    trial: Trial | None = None
    error: RecordError | None = None


def _studies_in_json(value: Any, location: str) -> Iterator[tuple[str, Any]]:
    """The study objects inside a parsed JSON document, with their locations."""
    if isinstance(value, dict) and "studies" in value:
        studies = value["studies"]
        if not isinstance(studies, list):
            raise RecordError("'studies' should be a list", location=location)
        for i, study in enumerate(studies):
            yield f"{location} studies[{i}]", study
    elif isinstance(value, dict):
        yield location, value
    elif isinstance(value, list):
        for i, study in enumerate(value):
            yield f"{location}[{i}]", study
    else:
        raise RecordError(
            "expected a study object, a {'studies': [...]} page or a list, "
            f"got {type(value).__name__}",
            location=location,
        )


def _nct_hint(study: Any) -> str | None:
    try:
        value = study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _map_json(study: Any, location: str, source_label: str) -> ReadResult:
    try:
        return ReadResult(location, trial=trial_from_study(study, source_label))
    except RecordError as exc:
        return ReadResult(location, error=exc.at(location=location, record=_nct_hint(study)))


def _read_json_bytes(data: bytes, location: str, source_label: str) -> Iterator[ReadResult]:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        yield ReadResult(location, error=RecordError(f"invalid JSON: {exc}", location=location))
        return
    try:
        for where, study in _studies_in_json(value, location):
            yield _map_json(study, where, source_label)
    except RecordError as exc:
        yield ReadResult(location, error=exc)


def _read_xml_bytes(data: bytes, location: str, source_label: str) -> Iterator[ReadResult]:
    try:
        study = study_from_xml(data)
    except RecordError as exc:
        yield ReadResult(location, error=exc.at(location=location))
        return
    study.setdefault("provenance", {}).setdefault("source", source_label)
    yield _map_json(study, location, source_label)


def _read_jsonl(path: Path, source_label: str) -> Iterator[ReadResult]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            yield from _read_json_bytes(line, f"{path}:{number}", source_label)


def _read_zip(path: Path, source_label: str) -> Iterator[ReadResult]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        yield ReadResult(
            str(path), error=RecordError(f"not a valid zip file: {exc}", location=str(path))
        )
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            location = f"{path}!{name}"
            lowered = name.lower()
            if lowered.endswith(".json"):
                yield from _read_json_bytes(archive.read(info), location, source_label)
            elif lowered.endswith(".xml"):
                yield from _read_xml_bytes(archive.read(info), location, source_label)
            elif lowered.endswith((".jsonl", ".ndjson")):
                for number, line in enumerate(archive.read(info).splitlines(), start=1):
                    if line.strip():
                        yield from _read_json_bytes(line, f"{location}:{number}", source_label)


def read_path(path: str | Path) -> Iterator[ReadResult]:
    """Read every record in a file or (recursively, in name order) a folder."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.suffix.lower() in SUPPORTED_SUFFIXES:
                yield from read_path(child)
        return
    if not path.exists():
        yield ReadResult(str(path), error=RecordError("no such file or folder", location=str(path)))
        return
    label = f"file:{path.name}"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path, label)
    elif suffix == ".json":
        yield from _read_json_bytes(path.read_bytes(), str(path), label)
    elif suffix == ".xml":
        yield from _read_xml_bytes(path.read_bytes(), str(path), label)
    elif suffix == ".zip":
        yield from _read_zip(path, label)
    else:
        yield ReadResult(
            str(path),
            error=RecordError(
                f"unsupported file type {suffix or '(none)'}; expected one of "
                + ", ".join(SUPPORTED_SUFFIXES),
                location=str(path),
            ),
        )


def read_paths(paths: Iterable[str | Path]) -> Iterator[ReadResult]:
    for path in paths:
        yield from read_path(path)


def read_trials(paths: Iterable[str | Path]) -> Iterator[Trial]:
    """Yield trials, raising the first :class:`RecordError` met (strict mode)."""
    for result in read_paths(paths):
        if result.error is not None:
            raise result.error
        assert result.trial is not None
        yield result.trial
