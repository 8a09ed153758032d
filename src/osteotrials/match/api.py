"""``match_patient``: evaluate, decide verdicts, rank, and ask the next best question."""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from osteotrials.match._core import Context, Truth
from osteotrials.match.distance import EARTH_RADIUS_KM, zip_to_latlon
from osteotrials.match.evaluate import ItemResult, Result, evaluate_item, result_from, truth_of
from osteotrials.match.families import age as age_family
from osteotrials.match.index import OPEN_SITE, OPEN_TRIAL, MatchIndex, Site, takes_part
from osteotrials.match.questions import RECORD_INCOMPLETE, build_questions, fact_label
from osteotrials.match.rank import ScoreCalc
from osteotrials.match.rank import score as make_score
from osteotrials.match.washout import first_after_washout
from osteotrials.model.criteria import CompiledTrial, Polarity
from osteotrials.model.patient import Patient
from osteotrials.model.trial import Trial
from osteotrials.model.verdict import (
    AfterWashout,
    ConstraintEvaluation,
    CriterionEvaluation,
    Evidence,
    MatchResult,
    MissingFact,
    SiteDistance,
    Status,
    TrialMatch,
    Verdict,
)
from osteotrials.patient import DerivedFacts, derive

if TYPE_CHECKING:
    from osteotrials.match.fast import FastOutcome

StatusFilter = Literal["recruiting", "open", "all"]


@dataclass(slots=True)
class SetOutcome:
    """The verdict-relevant summary of one criteria set for one patient."""

    counts: dict[str, int]
    #: unknown fact key -> positions of the items that need it
    missing: dict[str, list[int]]
    lines: str


@dataclass(slots=True)
class Structured:
    text: str
    status: Status
    truth: Truth
    field: str


@dataclass(slots=True)
class ProfileOutcome:
    verdict: Verdict
    score: ScoreCalc
    structured: list[Structured]
    nearest: Site | None
    distance_km: float | None
    missing_keys: tuple[str, ...]
    in_filter: bool


@dataclass(slots=True)
class Ranked:
    """The fast result: trial ids per verdict in rank order, and the per-profile outcomes."""

    index: MatchIndex
    ctx: Context
    #: criteria set id -> its outcome; profile id -> its outcome (the fast path builds
    #: both on first access, for the profiles that are looked at)
    sets: Mapping[int, SetOutcome]
    profiles: Mapping[int, ProfileOutcome]
    order: dict[str, list[int]] = field(default_factory=dict)
    #: every distinct item's result, by item id (built on first access by the fast path)
    item_results: Sequence[ItemResult] = field(default_factory=list)
    #: the fast path's arrays (constraint / item status codes, verdicts, totals)
    fast: FastOutcome | None = None
    #: profile id -> its missing facts without building its outcome (the fast path)
    missing_of: Callable[[int], tuple[str, ...]] | None = None
    #: profile id -> its wait, for ineligible profiles that only time blocks
    #: (``match/washout.py``; ranked first among the ineligible)
    after_washout: dict[int, AfterWashout] = field(default_factory=dict)

    def missing_keys(self, pid: int) -> tuple[str, ...]:
        """A profile's unknown facts (``ProfileOutcome.missing_keys``)."""
        if self.missing_of is not None:
            return self.missing_of(pid)
        return self.profiles[pid].missing_keys

    def ordered(self) -> list[int]:
        return [t for v in ("eligible", "possibly_eligible", "ineligible") for t in self.order[v]]


# --------------------------------------------------------------------------- evaluation


def _evaluate_items(index: MatchIndex, ctx: Context) -> list[ItemResult]:
    """Every distinct item of the index, evaluated once for this patient."""
    t_memo: dict[int, Truth] = {}
    c_memo: dict[int, Result] = {}
    truth_ids, truth_reps, constraints = index.truth_ids, index.truth_reps, index.constraints
    out: list[ItemResult] = []
    for shape in index.items:
        rs = []
        for cid in shape.constraint_ids:
            r = c_memo.get(cid)
            if r is None:
                tid = truth_ids[cid]
                truth = t_memo.get(tid)
                if truth is None:
                    truth = truth_of(constraints[truth_reps[tid]], ctx)
                    t_memo[tid] = truth
                r = result_from(constraints[cid], truth)
                c_memo[cid] = r
            rs.append(r)
        out.append(evaluate_item(shape.item, rs, ctx, shape.plan))
    return out


def _set_outcome(
    index: MatchIndex,
    set_id: int,
    item_results: Sequence[ItemResult],
    item_status: Sequence[Status],
) -> SetOutcome:
    cset = index.sets[set_id]
    items = cset.items
    statuses = Counter(map(item_status.__getitem__, items))
    counts = {
        "met": statuses["met"],
        "not_met": statuses["not_met"],
        "unknown": statuses["unknown"],
        # administrative items are "not_applicable" and are counted apart
        "not_applicable": statuses["not_applicable"] - cset.administrative,
        "unparsed": cset.unparsed,
        "administrative": cset.administrative,
    }
    missing: dict[str, list[int]] = {}
    if counts["unknown"]:
        for pos, iid in enumerate(items):
            if item_status[iid] == "unknown":
                for k in item_results[iid].missing:
                    missing.setdefault(k, []).append(pos)
    line_states = [
        item_results[items[pos]].results[lp].status
        for pos in cset.line_items
        for lp in index.items[items[pos]].plan.line_positions
    ]
    lines = "none"
    if line_states:
        lines = (
            "not_met"
            if "not_met" in line_states
            else "unknown"
            if "unknown" in line_states
            else "met"
        )
    return SetOutcome(counts, missing, lines)


def _structured(index: MatchIndex, pid: int, ctx: Context) -> list[Structured]:
    p = index.profiles[pid]
    out: list[Structured] = []
    if p.sex in ("FEMALE", "MALE"):
        wanted = p.sex.lower()
        sex = ctx.facts.sex
        if sex in ("female", "male"):
            truth = Truth(sex == wanted, f"sex {sex}", fields=("sex",))
        else:
            truth = Truth(None, f"sex {sex or 'not known'}", missing=("sex",), fields=("sex",))
        out.append(Structured(f"Sex: {p.sex} (structured field)", _req(truth), truth, "sex"))
    if p.min_age is not None or p.max_age is not None:
        age = ctx.facts.age_years
        parts = []
        if p.min_age is not None:
            parts.append(f"minimum age {p.min_age:g} years")
        if p.max_age is not None:
            parts.append(f"maximum age {p.max_age:g} years")
        text = ", ".join(parts).capitalize() + " (structured field)"
        if age is None:
            truth = Truth(None, "age not known", missing=("age",), fields=("birth_date",))
        else:
            ok = age_family.check(age, p.min_age, p.max_age, True, True)
            truth = Truth(ok, f"age {age} ({ctx.facts.age_basis})", fields=("birth_date",))
        out.append(Structured(text, _req(truth), truth, "birth_date"))
    if p.sex is None:
        # Every ClinicalTrials.gov record states the sex it enrols ("ALL" at least); a copy
        # without it (research datasets such as NLI4CT) lost the registry's structured
        # eligibility fields, so limits that were never written into the criteria text
        # cannot be checked: the trial can be "possibly eligible" at best.
        has_age = p.min_age is not None or p.max_age is not None
        what = "sex limit" if has_age else "sex and age limits"
        truth = Truth(
            None,
            f"the registry's {what} are not in this copy of the record",
            missing=(RECORD_INCOMPLETE,),
        )
        text = f"Registry {what}: not in this copy of the record (check ClinicalTrials.gov)"
        out.append(Structured(text, "unknown", truth, "record"))
    return out


def _req(truth: Truth) -> Status:
    if truth.holds is None:
        return "unknown"
    return "met" if truth.holds else "not_met"


def _nearest(
    sites: tuple[Site, ...],
    origin: tuple[float, float] | None,
) -> tuple[Site | None, float | None, bool | None]:
    """(nearest open site or nearest site, its distance, whether any site is open)."""
    statuses = [s.status for s in sites if s.status]
    any_open: bool | None = any(s in OPEN_SITE for s in statuses) if statuses else None
    candidates = [s for s in sites if s.status in OPEN_SITE] if any_open else list(sites)
    if not candidates:
        return None, None, any_open
    if origin is None:
        return candidates[0], None, any_open
    rlat0, rlon0 = math.radians(origin[0]), math.radians(origin[1])
    cos0 = math.cos(rlat0)
    best, best_d = None, math.inf
    for s in candidates:
        if s.located_by is None:
            continue
        d = site_distance(s, rlat0, rlon0, cos0)
        if d < best_d:
            best, best_d = s, d
    if best is None:
        return candidates[0], None, any_open
    return best, round(best_d, 1), any_open


def site_distance(s: Site, rlat0: float, rlon0: float, cos0: float) -> float:
    """Haversine km from the origin (radians, cos of its latitude) to a located site."""
    a = math.sin((s.rlat - rlat0) / 2) ** 2 + cos0 * s.coslat * math.sin((s.rlon - rlon0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _status_ok(status_filter: StatusFilter, overall: str | None, any_open: bool | None) -> bool:
    if status_filter == "all":
        return True
    if status_filter == "recruiting":
        return overall == "RECRUITING" or (overall is None and any_open is True)
    return overall in OPEN_TRIAL or (overall is None and any_open is True)


def profile_outcome(
    index: MatchIndex,
    ctx: Context,
    pid: int,
    so: SetOutcome,
    nearest: tuple[Site | None, float | None, bool | None],
    status: StatusFilter,
    radius_km: float | None,
    origin: tuple[float, float] | None,
) -> ProfileOutcome:
    """One trial profile's verdict, score, missing facts and filter, from its criteria
    set's outcome and its nearest site."""
    prof = index.profiles[pid]
    structured = _structured(index, pid, ctx)
    counts = dict(so.counts)
    missing = list(so.missing)
    for s in structured:
        counts[s.status] += 1
        if s.status == "unknown":
            missing.extend(s.truth.missing)
    if counts["not_met"]:
        verdict: Verdict = "ineligible"
    elif counts["unknown"]:
        verdict = "possibly_eligible"
    else:
        verdict = "eligible"
    site, dist, any_open = nearest
    in_filter = _status_ok(status, prof.overall_status, any_open)
    if in_filter and radius_km is not None and origin is not None:
        in_filter = dist is not None and dist <= radius_km
    total = counts["met"] + counts["not_met"] + counts["unknown"] + counts["not_applicable"]
    resolved = 1.0 - counts["unknown"] / total if total else 1.0
    sc = make_score(
        ctx=ctx,
        resolved=resolved,
        n_criteria=total,
        tags=prof.tags,
        lines=so.lines,
        phases=prof.phases,
        overall_status=prof.overall_status,
        site_open=any_open,
        distance_km=shown_distance(site, dist, any_open),
    )
    return ProfileOutcome(
        verdict, sc, structured, site, dist, tuple(dict.fromkeys(missing)), in_filter
    )


def shown_distance(site: Site | None, dist: float | None, any_open: bool | None) -> float | None:
    """The distance that counts for the score: to an open site (or any site when no site
    has a status)."""
    if site is not None and (site.status in OPEN_SITE or any_open is None):
        return dist
    return None


def rank_index(
    index: MatchIndex,
    patient: Patient,
    *,
    as_of: date | None = None,
    facts: DerivedFacts | None = None,
    status: StatusFilter = "all",
    near: str | None = None,
    radius_km: float | None = None,
) -> Ranked:
    """Evaluate every trial of the index for one patient; verdicts and ranks, no output.

    This is the fast path (``match/fast.py``): distinct truths are evaluated once, then
    items, criteria sets, verdicts and scores are computed with array operations; the
    explained per-item results and per-profile outcomes are built only when asked for.
    It gives exactly what :func:`rank_index_reference` gives (``tests/match/test_fast.py``).
    """
    from osteotrials.match.fast import rank_fast

    return _without_gc(
        rank_fast, index, patient, as_of, facts, status=status, near=near, radius_km=radius_km
    )


def rank_index_reference(
    index: MatchIndex,
    patient: Patient,
    *,
    as_of: date | None = None,
    facts: DerivedFacts | None = None,
    status: StatusFilter = "all",
    near: str | None = None,
    radius_km: float | None = None,
) -> Ranked:
    """The reference path: every distinct item evaluated and combined in Python, every
    criteria set and profile summarised eagerly. Slower; kept as the definition the fast
    path is tested against."""
    return _without_gc(
        _rank_reference, index, patient, as_of, facts, status=status, near=near, radius_km=radius_km
    )


def _without_gc(
    fn: Callable[..., Ranked],
    index: MatchIndex,
    patient: Patient,
    as_of: date | None,
    facts: DerivedFacts | None,
    **options: object,
) -> Ranked:
    with gc_paused():
        ranked = fn(index, patient, as_of=as_of, facts=facts, **options)
        first_after_washout(ranked)
        return ranked


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: matching allocates many small objects and
    would otherwise trigger full collections that walk the whole (large, long-lived)
    index."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prepare(
    patient: Patient,
    as_of: date | None,
    facts: DerivedFacts | None,
    near: str | None,
) -> tuple[Context, tuple[float, float] | None]:
    """The patient context and the place distances are measured from."""
    when = as_of or date.today()
    facts = facts or derive(patient, as_of=when)
    ctx = Context(patient, facts, when)
    origin = zip_to_latlon(near or patient.postal_code)
    if near and origin is None:
        raise ValueError(f"--near {near!r} is not a known US ZIP code")
    return ctx, origin


def _rank_reference(
    index: MatchIndex,
    patient: Patient,
    *,
    as_of: date | None,
    facts: DerivedFacts | None,
    status: StatusFilter,
    near: str | None,
    radius_km: float | None,
) -> Ranked:
    ctx, origin = prepare(patient, as_of, facts, near)
    item_results = _evaluate_items(index, ctx)
    item_status = [r.status for r in item_results]
    sets: dict[int, SetOutcome] = {}
    profiles: dict[int, ProfileOutcome] = {}
    buckets: dict[str, list[tuple[float, int]]] = {
        "eligible": [],
        "possibly_eligible": [],
        "ineligible": [],
    }
    site_memo: dict[int, tuple[Site | None, float | None, bool | None]] = {}
    for pid, prof in enumerate(index.profiles):
        so = sets.get(prof.set_id)
        if so is None:
            so = _set_outcome(index, prof.set_id, item_results, item_status)
            sets[prof.set_id] = so
        nearest = site_memo.get(prof.sites_id)
        if nearest is None:
            nearest = _nearest(index.site_sets[prof.sites_id], origin)
            site_memo[prof.sites_id] = nearest
        po = profile_outcome(index, ctx, pid, so, nearest, status, radius_km, origin)
        profiles[pid] = po
        if po.in_filter:
            buckets[po.verdict].append((-po.score.total, pid))
    order: dict[str, list[int]] = {}
    profiles_list = index.profiles
    for v, bucket in buckets.items():
        bucket.sort()
        ids: list[int] = []
        for _, pid in bucket:  # trials sharing a profile share its rank
            ids.extend(profiles_list[pid].trial_ids)
        order[v] = ids
    return Ranked(index, ctx, sets, profiles, order, item_results)


# --------------------------------------------------------------------------- output


def _constraint_eval(
    c_text: str, family: str, polarity: Polarity, r: Result
) -> ConstraintEvaluation:
    t = r.truth
    note = "; ".join(x for x in (t.note, r.note) if x) or None
    return ConstraintEvaluation(
        family=family,
        polarity=polarity,
        text=c_text,
        status=r.status,
        evidence=Evidence(fact=t.fact, fields=list(t.fields), reference=t.reference, note=note),
        missing=list(t.missing) if r.status == "unknown" else [],
    )


def materialize(ranked: Ranked, tid: int) -> TrialMatch:
    """The full, explained result for one trial."""
    index = ranked.index
    entry = index.entries[tid]
    prof = index.profiles[entry.profile_id]
    po = ranked.profiles[entry.profile_id]
    prof_set = index.sets[prof.set_id]
    criteria: list[CriterionEvaluation] = []
    for st in po.structured:
        criteria.append(
            CriterionEvaluation(
                index=None,
                text=st.text,
                kind="inclusion",
                source="structured",
                status=st.status,
                evidence=st.truth.fact,
                missing=list(st.truth.missing) if st.status == "unknown" else [],
            )
        )
    items = [i for i in entry.compiled.items if takes_part(i)]
    set_results = [ranked.item_results[i] for i in prof_set.items]
    for item, ir in zip(items, set_results, strict=True):
        cons = [
            _constraint_eval(c.text, c.family, c.polarity, r)
            for c, r in zip(item.constraints, ir.results, strict=False)
        ]
        if not item.constraints:
            summary = f"not read automatically ({item.unparsed_reason or 'no rule matched'})"
        elif item.administrative:
            summary = "administrative: never blocks"
        else:
            relevant = [x for x in cons if x.status == ir.status] or cons
            summary = "; ".join(dict.fromkeys(x.evidence.fact for x in relevant))
        if ir.note:
            summary = f"{summary} ({ir.note})"
        criteria.append(
            CriterionEvaluation(
                index=item.index,
                text=item.text,
                kind=item.kind,
                section=item.section,
                cohort=item.cohort,
                status=ir.status,
                administrative=item.administrative,
                unparsed_reason=item.unparsed_reason if not item.constraints else None,
                evidence=summary,
                constraints=cons,
                missing=list(ir.missing),
            )
        )
    blocking = [c for c in criteria if c.status == "not_met" and not c.administrative]
    missing: dict[str, MissingFact] = {}
    for c in criteria:
        if c.status != "unknown" or c.administrative:
            continue
        for key in c.missing or ["criterion_unclear"]:
            label, fld = fact_label(key)
            mf = missing.setdefault(key, MissingFact(key=key, label=label, field=fld))
            mf.criteria.append(c.text)
    site = None
    if po.nearest is not None:
        s = po.nearest
        site = SiteDistance(
            facility=s.facility,
            city=s.city,
            state=s.state,
            zip=s.zip,
            country=s.country,
            status=s.status,
            distance_km=po.distance_km,
            located_by=s.located_by,
        )
    counts = {k: 0 for k in ("met", "not_met", "unknown", "not_applicable")}
    for c in criteria:
        if not c.administrative:
            counts[c.status] += 1
    counts["unparsed"] = sum(1 for c in criteria if c.unparsed_reason)
    return TrialMatch(
        nct_id=entry.nct_id,
        title=entry.title,
        verdict=po.verdict,
        score=po.score.to_model(),
        record_version=entry.record_version,
        parser_version=entry.parser_version,
        overall_status=entry.trial.overall_status,
        phases=list(entry.trial.phases),
        criteria=criteria,
        blocking=blocking,
        missing=list(missing.values()),
        after_washout=ranked.after_washout.get(entry.profile_id),
        nearest_site=site,
        tags=sorted(t.name for t in entry.compiled.tags),
        counts=counts,
    )


def match_patient(
    patient: Patient,
    trials_with_compiled: MatchIndex | Iterable[tuple[Trial, CompiledTrial]],
    *,
    as_of: date | None = None,
    status: StatusFilter = "all",
    near: str | None = None,
    radius_km: float | None = None,
    limit: int | None = None,
    questions: int = 10,
) -> MatchResult:
    """Match one patient against trials; verdicts grouped eligible / possibly / ineligible,
    ranked within each, explained criterion by criterion, with the next best questions."""
    index = (
        trials_with_compiled
        if isinstance(trials_with_compiled, MatchIndex)
        else MatchIndex.from_pairs(trials_with_compiled)
    )
    with gc_paused():
        return _match_patient(patient, index, as_of, status, near, radius_km, limit, questions)


def _match_patient(
    patient: Patient,
    index: MatchIndex,
    as_of: date | None,
    status: StatusFilter,
    near: str | None,
    radius_km: float | None,
    limit: int | None,
    questions: int,
) -> MatchResult:
    ranked = rank_index(index, patient, as_of=as_of, status=status, near=near, radius_km=radius_km)
    ordered = ranked.ordered()
    chosen = ordered if limit is None else ordered[:limit]
    counts = {v: len(ranked.order[v]) for v in ranked.order}
    warnings: list[str] = []
    origin_zip = near or patient.postal_code
    if origin_zip and zip_to_latlon(origin_zip) is None:
        warnings.append(f"postal code {origin_zip!r} is not a known US ZIP: no distances")
    elif not origin_zip:
        warnings.append("no postal code: distances to sites are not computed")
    if radius_km is not None and (not origin_zip or zip_to_latlon(origin_zip) is None):
        warnings.append("radius ignored: no usable ZIP code to measure from")
    return MatchResult(
        as_of=ranked.ctx.as_of,
        trials=[materialize(ranked, t) for t in chosen],
        counts=counts,
        questions=build_questions(ranked, limit=questions),
        warnings=warnings,
        considered=len(ordered),
        after_washout=sum(
            1
            for t in ranked.order["ineligible"]
            if index.entries[t].profile_id in ranked.after_washout
        ),
    )


def match(
    patient: Patient | str | Path,
    trials: object,
    **options: object,
) -> MatchResult:
    """Convenience entry: a ``Patient`` or a patient file path, against a ``MatchIndex``, a
    trial store (anything with ``iter_compiled_trials()``) or ``(Trial, CompiledTrial)`` pairs.

    Example::

        from osteotrials.match import match
        from osteotrials.store import open_store
        result = match("examples/patients/hr-her2low-bone-only-post-cdk46.yaml", open_store(None))
    """
    if not isinstance(patient, Patient):
        from osteotrials.patient import load_patient

        patient = load_patient(Path(patient)).patient
    if isinstance(trials, MatchIndex):
        index = trials
    elif hasattr(trials, "iter_compiled_trials") or hasattr(trials, "iter_trials"):
        index = MatchIndex.from_store(trials)
    else:
        index = MatchIndex.from_pairs(trials)  # type: ignore[arg-type]
    return match_patient(patient, index, **options)  # type: ignore[arg-type]
