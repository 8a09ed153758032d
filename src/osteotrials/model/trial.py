"""The trial model: what a trial finder needs from one ClinicalTrials.gov record.

Field names follow the ClinicalTrials.gov API v2 meaning; enum values keep the
API v2 spelling (``RECRUITING``, ``PHASE2``, ``INTERVENTIONAL``) so records from
every source compare equal. Dates stay strings because the registry publishes
partial dates ("2020-09") and we must not invent a day.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RecordVersionBasis = Literal["last_update_posted", "source_date", "content_hash"]

#: Overall statuses under which a person can still be enrolled.
OPEN_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Location(_Model):
    """One trial site. Contact people are deliberately not kept."""

    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class Intervention(_Model):
    type: str | None = None
    name: str
    description: str | None = None
    other_names: list[str] = Field(default_factory=list)
    arm_labels: list[str] = Field(default_factory=list)


class ArmGroup(_Model):
    label: str
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = Field(default_factory=list)


class Outcome(_Model):
    measure: str
    time_frame: str | None = None
    description: str | None = None


class Design(_Model):
    allocation: str | None = None
    intervention_model: str | None = None
    masking: str | None = None
    primary_purpose: str | None = None


class Eligibility(_Model):
    criteria: str | None = None
    sex: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None
    minimum_age_years: float | None = None
    maximum_age_years: float | None = None
    healthy_volunteers: bool | None = None
    std_ages: list[str] = Field(default_factory=list)


class Provenance(_Model):
    """Where the record came from (the snapshot's ``provenance`` key, or the file read)."""

    source: str | None = None
    repository: str | None = None
    commit: str | None = None
    path: str | None = None
    license: str | None = None
    source_date: str | None = None


class Trial(_Model):
    """One ClinicalTrials.gov study as osteotrials uses it."""

    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    why_stopped: str | None = None
    start_date: str | None = None
    primary_completion_date: str | None = None
    completion_date: str | None = None
    first_posted: str | None = None
    last_update_posted: str | None = None
    lead_sponsor: str | None = None
    collaborators: list[str] = Field(default_factory=list)
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    condition_mesh_terms: list[str] = Field(default_factory=list)
    intervention_mesh_terms: list[str] = Field(default_factory=list)
    study_type: str | None = None
    phases: list[str] = Field(default_factory=list)
    design: Design = Field(default_factory=Design)
    enrollment: int | None = None
    enrollment_type: str | None = None
    arm_groups: list[ArmGroup] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    primary_outcomes: list[Outcome] = Field(default_factory=list)
    secondary_outcomes: list[Outcome] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    locations: list[Location] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
    #: The version every verdict cites: last-update-posted date, else the
    #: source's pull date, else a short content hash (see ``record_version_basis``).
    record_version: str
    record_version_basis: RecordVersionBasis
    #: The record as read (API v2 shape; contact people, e-mails and phones removed).
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def title(self) -> str | None:
        """The best available title: brief, else official, else acronym."""
        return self.brief_title or self.official_title or self.acronym

    @property
    def is_open(self) -> bool:
        return self.overall_status in OPEN_STATUSES
