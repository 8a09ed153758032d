"""Shared constants and builders for the patient tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from osteotrials.model.patient import Patient
from osteotrials.patient import DerivedFacts, derive, parse_patient

#: Every test evaluates "today" as this date, so results do not drift with the calendar.
AS_OF = date(2026, 1, 15)


def make(**fields: Any) -> Patient:
    """A validated patient from keyword fields (raises PatientError when invalid)."""
    return parse_patient(fields, as_of=AS_OF).patient


def facts(**fields: Any) -> DerivedFacts:
    """Derived facts, as of AS_OF, for a patient built from keyword fields."""
    return derive(make(**fields), as_of=AS_OF)


def regimen(drugs: list[str], **fields: Any) -> dict[str, Any]:
    """A metastatic regimen dict (override ``setting`` for adjuvant ones)."""
    return {"drugs": drugs, "setting": "metastatic", **fields}
