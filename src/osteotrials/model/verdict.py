"""Match results: per-criterion evaluations, per-trial verdicts, scores and questions.

Three-valued evaluation with "not applicable": a criterion is ``met``,
``not_met``, ``unknown`` (the patient file does not say, or the criterion could
not be read) or ``not_applicable`` (it concerns something this patient is not,
e.g. a pregnancy test for a man). Missing patient data is always ``unknown``,
never assumed normal.

A trial is ``eligible`` only when every clinical criterion is met or not
applicable and no clinical criterion is unparsed; ``possibly_eligible`` when
nothing fails but something is unknown or unparsed; ``ineligible`` when any
criterion is not met. Administrative items (consent, contraception, compliance)
never block. Every verdict carries the trial's ``record_version``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AfterWashout",
    "AnswerOption",
    "ConstraintEvaluation",
    "CriterionEvaluation",
    "Evidence",
    "MatchResult",
    "MissingFact",
    "Question",
    "Score",
    "ScorePart",
    "SiteDistance",
    "Status",
    "TrialMatch",
    "Verdict",
]

Status = Literal["met", "not_met", "unknown", "not_applicable"]
Verdict = Literal["eligible", "possibly_eligible", "ineligible"]
VERDICTS: tuple[Verdict, ...] = ("eligible", "possibly_eligible", "ineligible")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Why a status was given: the patient fact used and where it came from."""

    #: the patient fact used, in words ("ECOG 1 (stated)"), or what is missing
    fact: str
    #: the patient-file fields the fact comes from (or would come from)
    fields: list[str] = Field(default_factory=list)
    #: the reference used for x ULN comparisons: the patient's lab ULN or a default range
    reference: str | None = None
    #: anything else worth knowing (organ exception applied, window used ...)
    note: str | None = None


class ConstraintEvaluation(_Model):
    family: str
    polarity: Literal["require", "exclude", "allow"]
    #: the constraint's own words (a part of the criterion text)
    text: str
    status: Status
    evidence: Evidence
    #: keys of the unknown patient facts that would settle it (see match/data/questions.yaml)
    missing: list[str] = Field(default_factory=list)


class CriterionEvaluation(_Model):
    """One criterion (an item of the trial's list, or a structured field) and its status."""

    index: int | None = Field(None, description="Item index; None for structured fields.")
    #: the criterion's own text as written in the trial record
    text: str
    kind: Literal["inclusion", "exclusion"]
    source: Literal["criteria", "structured"] = "criteria"
    section: list[str] = Field(default_factory=list)
    cohort: str | None = None
    status: Status
    administrative: bool = False
    #: why the text could not be typed (then status is unknown for a clinical item)
    unparsed_reason: str | None = None
    #: one-line summary of the evidence
    evidence: str
    constraints: list[ConstraintEvaluation] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class MissingFact(_Model):
    """An unknown patient fact and the criteria it leaves open."""

    key: str
    label: str
    field: str | None = None
    criteria: list[str] = Field(default_factory=list)


class SiteDistance(_Model):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    distance_km: float | None = None
    #: how the site was placed: "geopoint" (lat/lon in the record) or "zip"
    located_by: str | None = None


class ScorePart(_Model):
    name: str
    value: float = Field(description="0-1")
    weight: float
    points: float
    explanation: str


class Score(_Model):
    total: float
    parts: list[ScorePart] = Field(default_factory=list)

    def explain(self) -> str:
        return "; ".join(
            f"{p.name} {p.points:.1f}/{p.weight:g} ({p.explanation})" for p in self.parts
        )


class AfterWashout(_Model):
    """A trial that only time blocks today: every criterion it fails is a washout not yet
    complete or an exposure inside a recency window ("at least 4 weeks since prior
    chemotherapy", "no radiotherapy within 2 weeks"). The verdict stays ``ineligible``;
    this says when those criteria would be met. The other criteria were checked as of
    the match date, not as of then."""

    #: what is waited out: drug names, "radiotherapy", "surgery"
    agents: list[str]
    #: those still given today: their wait starts the day they stop
    after_stopping: list[str] = Field(default_factory=list)
    #: the longest wait, in days after the last dose, course or operation
    days: float
    #: the first day every wait is over, when nothing is still given (else None)
    from_date: date | None = None
    #: the criteria that block today, in the trial's own words
    criteria: list[str] = Field(default_factory=list)


class TrialMatch(_Model):
    nct_id: str
    title: str
    verdict: Verdict
    score: Score
    record_version: str
    parser_version: str | None = None
    overall_status: str | None = None
    phases: list[str] = Field(default_factory=list)
    criteria: list[CriterionEvaluation] = Field(default_factory=list)
    #: every failing criterion (verdict ineligible)
    blocking: list[CriterionEvaluation] = Field(default_factory=list)
    #: every unknown patient fact and unparsed criterion (verdict possibly_eligible)
    missing: list[MissingFact] = Field(default_factory=list)
    #: set when only washouts block (verdict ineligible): when they would be complete
    after_washout: AfterWashout | None = None
    nearest_site: SiteDistance | None = None
    tags: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)


class AnswerOption(_Model):
    value: Any
    label: str


class Question(_Model):
    key: str
    #: plain language, for the patient
    patient_text: str
    #: clinical terms, for a research coordinator
    coordinator_text: str
    answers: list[AnswerOption] = Field(default_factory=list)
    #: the patient-file field one answer fills (dotted path), None when there is none
    field: str | None = None
    #: possibly-eligible trials that one answer would settle either way, rank-weighted
    weight: float
    trials: int
    nct_ids: list[str] = Field(default_factory=list)


class MatchResult(_Model):
    as_of: date
    trials: list[TrialMatch] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    #: trials considered after the status / distance filters
    considered: int = 0
    #: of the ineligible trials, those that only washouts block (``TrialMatch.after_washout``)
    after_washout: int = 0
