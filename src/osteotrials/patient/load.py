"""Loading patient files: YAML, JSON and FHIR R4 (mCODE) bundles.

``load_patient(path)`` reads the file the user names and returns a
:class:`LoadedPatient` (the validated :class:`Patient` plus warnings), or raises
:class:`PatientError` whose message names the file and every bad field. Nothing
is logged or written: patient data stays in memory.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from osteotrials.model.patient import Patient
from osteotrials.patient.errors import Issue, PatientError, issues_from_validation
from osteotrials.patient.validate import check_patient

SourceKind = Literal["yaml", "json", "fhir", "dict"]


class LoadedPatient(BaseModel):
    """A validated patient, where it came from, and the warnings found while reading it."""

    model_config = ConfigDict(arbitrary_types_allowed=False)

    patient: Patient
    warnings: list[Issue]
    source: str
    kind: SourceKind


def parse_patient(data: Any, *, as_of: date | None = None, source: str = "<data>") -> LoadedPatient:
    """Validate an already-parsed patient document (a dict in the patient file format).

    FHIR bundles (``resourceType: Bundle``) are recognised and mapped. Raises
    :class:`PatientError` on any error; never anything else for bad input.
    """
    if isinstance(data, dict) and data.get("resourceType") is not None:
        from osteotrials.patient.fhir import patient_from_bundle

        return patient_from_bundle(data, as_of=as_of, source=source)
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise PatientError(
            [Issue(severity="error", path="", message=f"a patient must be a mapping, not {kind}")],
            source=source,
        )
    context = {"as_of": as_of or date.today()}
    try:
        patient = Patient.model_validate(data, context=context)
    except ValidationError as exc:
        raise PatientError(issues_from_validation(exc), source=source) from None
    return _finish(patient, [], source, "dict")


def _finish(patient: Patient, issues: list[Issue], source: str, kind: SourceKind) -> LoadedPatient:
    issues = issues + check_patient(patient)
    if any(i.severity == "error" for i in issues):
        raise PatientError(issues, source=source)
    return LoadedPatient(patient=patient, warnings=issues, source=source, kind=kind)


def load_patient(path: str | Path, *, as_of: date | None = None) -> LoadedPatient:
    """Read a patient from a YAML, JSON or FHIR-bundle JSON file."""
    file = Path(path)
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PatientError(
            [Issue(severity="error", path="", message="file not found")], source=source
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientError(
            [Issue(severity="error", path="", message=f"cannot read the file: {exc}")],
            source=source,
        ) from None
    kind: SourceKind
    try:
        if file.suffix.lower() == ".json":
            kind = "json"
            data = json.loads(text)
        else:
            kind = "yaml"
            data = yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        what = "JSON" if kind == "json" else "YAML"
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            detail = f"{getattr(exc, 'problem', detail)} at line {mark.line + 1}"
        raise PatientError(
            [Issue(severity="error", path="", message=f"not valid {what}: {detail}")],
            source=source,
        ) from None
    if data is None:
        raise PatientError(
            [Issue(severity="error", path="", message="the file is empty")], source=source
        )
    loaded = parse_patient(data, as_of=as_of, source=source)
    if loaded.kind == "dict":
        loaded = loaded.model_copy(update={"kind": kind})
    return loaded
