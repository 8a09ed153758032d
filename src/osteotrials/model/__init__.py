"""Core data types shared by every stage. Imports nothing else of ours."""

from osteotrials.model.criteria import (
    CompiledTrial,
    Constraint,
    CoverageReport,
    CriterionItem,
    TrialTag,
)
from osteotrials.model.patient import Patient
from osteotrials.model.trial import (
    OPEN_STATUSES,
    ArmGroup,
    Design,
    Eligibility,
    Intervention,
    Location,
    Outcome,
    Provenance,
    Trial,
)

__all__ = [
    "OPEN_STATUSES",
    "ArmGroup",
    "CompiledTrial",
    "Constraint",
    "CoverageReport",
    "CriterionItem",
    "Design",
    "Eligibility",
    "Intervention",
    "Location",
    "Outcome",
    "Patient",
    "Provenance",
    "Trial",
    "TrialTag",
]
