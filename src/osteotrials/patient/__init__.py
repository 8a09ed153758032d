"""Patient loading and derived facts.

Public API::

    from osteotrials.patient import load_patient, parse_patient, derive
    loaded = load_patient("examples/patients/hr-her2low-bone-only-post-cdk46.yaml")
    facts = derive(loaded.patient, as_of=date(2026, 1, 1))

``load_patient`` reads YAML, JSON or FHIR R4 (mCODE) bundle files;
``PatientError`` (a ``ValueError``) lists every error with the field or FHIR
resource it concerns. Nothing here logs or writes patient data.
"""

from osteotrials.patient.derive import (
    DeriveConfig,
    DerivedFacts,
    LineCount,
    LineRules,
    LinesOfTherapy,
    derive,
)
from osteotrials.patient.errors import Issue, PatientError
from osteotrials.patient.fhir import patient_from_bundle
from osteotrials.patient.load import LoadedPatient, load_patient, parse_patient
from osteotrials.patient.validate import check_patient

__all__ = [
    "DeriveConfig",
    "DerivedFacts",
    "Issue",
    "LineCount",
    "LineRules",
    "LinesOfTherapy",
    "LoadedPatient",
    "PatientError",
    "check_patient",
    "derive",
    "load_patient",
    "parse_patient",
    "patient_from_bundle",
]
