"""From a match result to what the pages show: grouped cards, questions, the visit sheet.

Matching itself is :func:`osteotrials.match.match_patient`; this module only
words its output for a patient. Trial text is passed through untouched (the
templates escape it).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from types import NoneType
from typing import Any, get_args

from pydantic import BaseModel

from osteotrials.api.service import TrialService
from osteotrials.match import Ranked, match_patient, materialize, rank_index
from osteotrials.match.api import StatusFilter
from osteotrials.match.questions import build_questions
from osteotrials.match.washout import describe, describe_days
from osteotrials.model import Trial
from osteotrials.model.patient import Patient
from osteotrials.model.verdict import MatchResult, Question, SiteDistance, TrialMatch
from osteotrials.report.visit_sheet import SheetTrial, VisitSheet
from osteotrials.web import intake, plain
from osteotrials.web.session import Session

GROUP_ORDER = ("eligible", "possibly_eligible", "ineligible")
#: how many cards each group shows (the rest are counted)
GROUP_LIMITS = {"eligible": 25, "possibly_eligible": 25, "ineligible": 15}
MATCH_LIMIT = 500


def run_match(
    svc: TrialService,
    patient: Patient,
    *,
    status: StatusFilter = "open",
    near: str | None = None,
    radius_km: float | None = None,
    limit: int | None = MATCH_LIMIT,
    nct_ids: list[str] | None = None,
    as_of: date | None = None,
) -> MatchResult:
    """Match ``patient`` against the store (or only ``nct_ids``)."""
    index = svc.index() if nct_ids is None else svc.subset_index(nct_ids)
    if near is None and patient.country in (None, "US") and patient.postal_code:
        near = patient.postal_code
    with svc.match_lock:
        return match_patient(
            patient,
            index,
            as_of=as_of or date.today(),
            status=status,
            near=near,
            radius_km=radius_km,
            limit=limit,
        )


# --------------------------------------------------------------------------- cards


def site_text(site: SiteDistance | None) -> str | None:
    if site is None:
        return None
    where = ", ".join(p for p in (site.facility, site.city, site.state, site.country) if p)
    if site.distance_km is not None:
        if site.distance_km < 1:
            return f"{where or 'a site'}: less than 1 km away"
        miles = site.distance_km / 1.609344
        return f"{where or 'a site'}: about {site.distance_km:.0f} km ({miles:.0f} miles) away"
    return where or None


@dataclass
class Card:
    nct_id: str
    title: str
    verdict: str
    what_it_tests: str
    phase: str
    randomisation: str
    placebo: str
    status: str
    nearest_site: str | None
    record_version: str
    blocking: list[str]
    missing: list[str]
    score: float
    chosen: bool = False
    #: "may open 4 weeks after stopping ..." when only washouts block (``match/washout.py``)
    after_washout: str | None = None


def washout_text(match: TrialMatch) -> str | None:
    """The plain sentence for a trial that only washouts block, else None."""
    return describe(match.after_washout) if match.after_washout is not None else None


def card(svc: TrialService, match: TrialMatch, chosen: list[str]) -> Card:
    trial = svc.trial(match.nct_id)
    compiled = svc.compiled(match.nct_id) if trial is not None else None
    return Card(
        nct_id=match.nct_id,
        title=match.title or match.nct_id,
        verdict=match.verdict,
        what_it_tests=plain.what_it_tests(trial, compiled) if trial else "",
        phase=plain.phase_text(match.phases),
        randomisation=plain.randomisation_text(trial) if trial else "",
        placebo=plain.placebo_text(trial) if trial else "",
        status=plain.status_text(match.overall_status),
        nearest_site=site_text(match.nearest_site),
        record_version=plain.record_text(trial) if trial else match.record_version,
        blocking=[c.text for c in match.blocking],
        missing=[m.label for m in match.missing],
        score=match.score.total,
        chosen=match.nct_id in chosen,
        after_washout=washout_text(match),
    )


@dataclass
class QuestionView:
    key: str
    text: str
    clinical: str
    field: str
    answers: list[tuple[int, str]]
    trials: int
    #: "choice" (one of ``answers``), or a free "number" / "date" typed in
    input: str = "choice"


@dataclass
class MatchView:
    groups: list[tuple[str, str, list[Card], int]]
    question: QuestionView | None
    more_questions: list[str]
    counts: dict[str, int]
    considered: int
    radius_km: float | None = None


def field_input(path: str | None) -> str | None:
    """How a free answer to a patient-file field is typed: "number", "date" or None
    (lists and nested records cannot be filled in from one answer)."""
    if not path:
        return None
    model: type[BaseModel] = Patient
    parts = path.split(".")
    for i, part in enumerate(parts):
        info = model.model_fields.get(part)
        if info is None:
            return None
        kinds = [a for a in get_args(info.annotation) or (info.annotation,) if a is not NoneType]
        if len(kinds) != 1:
            return None
        kind = get_args(kinds[0])[0] if get_args(kinds[0]) else kinds[0]  # Annotated[...]
        if i < len(parts) - 1:
            if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
                return None
            model = kind
            continue
        if kind in (int, float):
            return "number"
        if kind is date:
            return "date"
    return None


def askable(questions: list[Question], session: Session) -> list[Question]:
    """Questions the person can answer here (a field to fill, not skipped before)."""
    skipped = set(session.answers.get("_skipped_questions") or [])
    return [
        q
        for q in questions
        if q.field and (q.answers or field_input(q.field)) and q.key not in skipped
    ]


def rank(svc: TrialService, patient: Patient, session: Session) -> Ranked:
    """Verdicts and ranks for every trial (fast: nothing is explained yet)."""
    near = patient.postal_code if patient.country in (None, "US") else None
    index = svc.index()
    with svc.match_lock:
        return rank_index(
            index,
            patient,
            as_of=date.today(),
            status="open",
            near=near,
            radius_km=intake.travel_radius_km(session.answers),
        )


def snapshot(ranked: Ranked) -> dict[str, tuple[str, int]]:
    """nct_id -> (verdict, number of unknown facts), for every ranked trial."""
    out: dict[str, tuple[str, int]] = {}
    # missing_keys reads the fast path's arrays; building every profile's outcome just to
    # count its unknown facts cost most of a web match
    for verdict, tids in ranked.order.items():
        for tid in tids:
            entry = ranked.index.entries[tid]
            out[entry.nct_id] = (verdict, len(ranked.missing_keys(entry.profile_id)))
    return out


def match_view(svc: TrialService, patient: Patient, session: Session) -> MatchView:
    ranked = rank(svc, patient, session)
    session.last_verdicts = snapshot(ranked)
    groups = []
    for verdict in GROUP_ORDER:
        tids = ranked.order.get(verdict, [])
        cards = [
            card(svc, materialize(ranked, tid), session.chosen)
            for tid in tids[: GROUP_LIMITS[verdict]]
        ]
        groups.append((verdict, plain.VERDICT_WORDS[verdict], cards, len(tids)))
    questions = askable(build_questions(ranked, limit=12), session)
    first = questions[0] if questions else None
    qview = None
    if first is not None:
        qview = QuestionView(
            key=first.key,
            text=first.patient_text,
            clinical=first.coordinator_text,
            field=first.field or "",
            answers=[(i, a.label) for i, a in enumerate(first.answers)],
            trials=first.trials,
            input="choice" if first.answers else (field_input(first.field) or "choice"),
        )
    return MatchView(
        groups=groups,
        question=qview,
        more_questions=[q.patient_text for q in questions[1:6]],
        counts={v: len(ranked.order.get(v, [])) for v in GROUP_ORDER},
        considered=len(ranked.ordered()),
        radius_km=intake.travel_radius_km(session.answers),
    )


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted patient-file path (``receptors.her2_ihc``) in a patient document."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def apply_answer(
    svc: TrialService, patient: Patient, session: Session, key: str, answer: str
) -> str | None:
    """Record the answer to question ``key`` (an index into its answers, or "unknown")."""
    if answer == intake.UNKNOWN:
        skipped = list(session.answers.get("_skipped_questions") or [])
        if key not in skipped:
            skipped.append(key)
        session.answers["_skipped_questions"] = skipped
        return "No problem: we left that question for your oncologist and moved on."
    questions = askable(build_questions(rank(svc, patient, session), limit=12), session)
    question = next((q for q in questions if q.key == key), None)
    if question is None or question.field is None:
        return "That question no longer applies; here is the updated list."
    if not question.answers:
        return _free_answer(session, question.field, answer)
    try:
        option = question.answers[int(answer)]
    except (ValueError, IndexError):
        return "Please choose one of the answers."
    session.overrides[question.field] = option.value
    return f"Thank you. You answered: {option.label}."


def _free_answer(session: Session, path: str, answer: str) -> str:
    """A typed-in number or date; refused (and not kept) when the patient model refuses it."""
    from osteotrials.patient import PatientError, parse_patient

    kind = field_input(path)
    text = answer.strip().replace(",", ".")
    value: Any
    try:
        value = date.fromisoformat(text).isoformat() if kind == "date" else float(text)
    except ValueError:
        wanted = "a date like 2025-06-30" if kind == "date" else "a number"
        return f'Please write {wanted}, or choose "I don\'t know".'
    if isinstance(value, float) and not math.isfinite(value):
        return 'Please write a number, or choose "I don\'t know".'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    previous = session.overrides.get(path, _MISSING)
    session.overrides[path] = value
    doc = (
        json.loads(json.dumps(session.loaded))
        if session.loaded
        else intake.patient_document(session.answers)
    )
    for field_path, field_value in session.overrides.items():
        set_path(doc, field_path, field_value)
    try:
        parse_patient(doc, source="your answer")
    except PatientError as exc:
        if previous is _MISSING:
            del session.overrides[path]
        else:
            session.overrides[path] = previous
        return "We could not use that answer: " + "; ".join(i.message for i in exc.errors)
    return f"Thank you. You answered: {answer.strip()}."


_MISSING = object()


def describe_changes(
    before: dict[str, tuple[str, int]], after: dict[str, tuple[str, int]]
) -> list[str]:
    """Sentences on how the list changed since the previous one."""
    moved: dict[str, int] = dict.fromkeys(GROUP_ORDER, 0)
    fewer = 0
    for nct, (verdict, missing) in after.items():
        if nct not in before:
            continue
        old_verdict, old_missing = before[nct]
        if old_verdict != verdict:
            moved[verdict] += 1
        elif verdict == "possibly_eligible" and missing < old_missing:
            fewer += 1
    lines = []
    for verdict in GROUP_ORDER:
        if moved[verdict]:
            n = moved[verdict]
            s = "s" if n != 1 else ""
            lines.append(f"{n} trial{s} moved to “{plain.VERDICT_WORDS[verdict]}”.")
    if fewer:
        lines.append(
            f"{fewer} trial{'s' if fewer != 1 else ''} now {'have' if fewer != 1 else 'has'} "
            "fewer questions left to answer."
        )
    if not lines:
        lines.append("Your answer did not change the list.")
    return lines


# --------------------------------------------------------------------------- trial page


@dataclass
class CriterionView:
    text: str
    kind: str
    status: str | None
    evidence: str
    section: str


@dataclass
class TrialView:
    trial: Trial
    what_it_tests: str
    phase: str
    randomisation: str
    placebo: str
    status: str
    verdict: str | None
    nearest_site: str | None
    criteria: list[CriterionView]
    missing: list[str]
    blocking: list[str]
    raw_criteria: str | None
    after_washout: str | None = None


def trial_view(svc: TrialService, trial: Trial, patient: Patient | None) -> TrialView:
    compiled = svc.compiled(trial.nct_id)
    match: TrialMatch | None = None
    if patient is not None and compiled is not None:
        result = run_match(svc, patient, status="all", limit=None, nct_ids=[trial.nct_id])
        match = result.trials[0] if result.trials else None
    criteria: list[CriterionView] = []
    if match is not None:
        for c in match.criteria:
            criteria.append(
                CriterionView(c.text, c.kind, c.status, c.evidence, " › ".join(c.section))
            )
    elif compiled is not None:
        for item in compiled.criteria_items():
            criteria.append(CriterionView(item.text, item.kind, None, "", " › ".join(item.section)))
    return TrialView(
        trial=trial,
        what_it_tests=plain.what_it_tests(trial, compiled),
        phase=plain.phase_text(trial.phases),
        randomisation=plain.randomisation_text(trial),
        placebo=plain.placebo_text(trial),
        status=plain.status_text(trial.overall_status),
        verdict=match.verdict if match else None,
        nearest_site=site_text(match.nearest_site) if match else None,
        criteria=criteria,
        missing=[m.label for m in match.missing] if match else [],
        blocking=[c.text for c in match.blocking] if match else [],
        raw_criteria=None if criteria else trial.eligibility.criteria,
        after_washout=washout_text(match) if match else None,
    )


# --------------------------------------------------------------------------- visit sheet


def patient_summary(patient: Patient | None) -> list[tuple[str, str]]:
    if patient is None:
        return []
    from osteotrials.patient import derive

    facts = derive(patient)
    out: list[tuple[str, str]] = []

    def yes_no(value: bool | None) -> str:
        return "not known" if value is None else ("yes" if value else "no")

    out.append(("Age", f"{facts.age_years}" if facts.age_years is not None else "not known"))
    out.append(
        (
            "Hormone receptors (ER/PR)",
            {True: "positive", False: "negative"}.get(facts.hr_positive, "not known")
            if facts.hr_positive is not None
            else "not known",
        )
    )
    out.append(("HER2", facts.her2_category or "not known"))
    out.append(("Cancer only in the bones", yes_no(facts.bone_only)))
    out.append(("Measurable disease", yes_no(facts.measurable_disease)))
    lines = facts.lines.total
    if lines.minimum is None:
        lines_text = "not known"
    elif lines.maximum is None:
        lines_text = f"{lines.minimum} or more"
    elif lines.minimum == lines.maximum:
        lines_text = str(lines.minimum)
    else:
        lines_text = f"{lines.minimum} to {lines.maximum}"
    out.append(("Treatments since it spread (lines)", lines_text))
    if facts.prior_drugs:
        out.append(("Medicines so far", ", ".join(sorted({d.name for d in facts.prior_drugs}))))
    out.append(
        ("Day-to-day activity (ECOG)", "not known" if facts.ecog is None else str(facts.ecog))
    )
    return out


def trial_questions(trial: Trial, match: TrialMatch | None) -> list[str]:
    """Questions about one trial, from what its record says and what is unknown."""
    questions: list[str] = []
    if trial.design.allocation == "RANDOMIZED" or "Probably randomised" in (
        plain.randomisation_text(trial)
    ):
        questions.append("Which groups are there, and what are my chances of each?")
    if plain.placebo_text(trial).startswith("Uses a placebo"):
        questions.append("What real treatment would I get alongside the placebo?")
    if "PHASE1" in trial.phases or "EARLY_PHASE1" in trial.phases:
        questions.append("This is an early trial: what is known so far about side effects?")
    if match is not None and match.missing:
        questions.append(
            "Can we find out these facts from my records: "
            + "; ".join(m.label for m in match.missing[:5])
            + "?"
        )
    if match is not None and match.after_washout is not None:
        wait = match.after_washout
        stop = wait.after_stopping or wait.agents
        questions.append(
            f"This trial asks for a break from {', '.join(stop)} first "
            f"({describe_days(wait.days)}). Could my treatment change so that I could join it, "
            "and would that be safe for me?"
        )
    elif match is not None and match.blocking:
        questions.append("Does the rule that may rule me out really apply to me?")
    return questions


def build_sheet(svc: TrialService, patient: Patient | None, chosen: list[str]) -> VisitSheet:
    """The visit sheet for the chosen trials (with this patient's statuses when known)."""
    matches: dict[str, TrialMatch] = {}
    open_questions: list[str] = []
    if patient is not None and chosen:
        result = run_match(svc, patient, status="all", limit=None, nct_ids=chosen)
        matches = {m.nct_id: m for m in result.trials}
        open_questions = [q.patient_text for q in result.questions[:8]]
    trials = []
    for nct in chosen:
        trial = svc.trial(nct)
        if trial is None:
            continue
        compiled = svc.compiled(nct)
        match = matches.get(nct)
        trials.append(
            SheetTrial(
                nct_id=nct,
                title=trial.title or nct,
                verdict=match.verdict if match else None,
                verdict_text=plain.VERDICT_WORDS.get(match.verdict) if match else None,
                what_it_tests=plain.what_it_tests(trial, compiled),
                phase=plain.phase_text(trial.phases),
                randomisation=plain.randomisation_text(trial),
                placebo=plain.placebo_text(trial),
                status=plain.status_text(trial.overall_status),
                nearest_site=site_text(match.nearest_site) if match else None,
                record_version=plain.record_text(trial),
                unknowns=[m.label for m in match.missing] if match else [],
                blocking=[c.text for c in match.blocking] if match else [],
                after_washout=washout_text(match) if match else None,
                questions=trial_questions(trial, match),
                url=f"https://clinicaltrials.gov/study/{nct}",
            )
        )
    return VisitSheet(
        snapshot_date=svc.snapshot_date,
        summary=patient_summary(patient),
        trials=trials,
        open_questions=open_questions,
    )
