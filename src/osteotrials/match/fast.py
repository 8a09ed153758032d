"""The fast ranking path: statuses, verdicts and scores of every trial with array operations.

:func:`osteotrials.match.api.rank_index_reference` (the reference path) evaluates every
distinct item in Python: a ``Result`` per constraint, an ``ItemResult`` per item, a
``Counter`` per criteria set and an explained ``ScoreCalc`` per profile. Ranking needs
none of those objects, only small integers. What depends only on the index is built once
(``FastPlan``, kept on the index). Here, per patient:

1. each distinct *truth* is reduced to a code (holds / does not hold / unknown / not
   applicable) by its family's bulk codes (``families.BULK``: prepared once per index,
   answered per patient once per fact query, the same helpers as the evaluators); the
   evaluators remain the fallback for what a bulk code cannot answer;
2. constraint statuses: one table lookup ``(polarity, truth code)``, and "not met"
   turned into "unknown" where the reading is doubtful (a per-constraint flag);
3. item statuses: statuses are coded ``not_met 0 < unknown 1 < met 2 <
   not_applicable 3``, so an AND group is the minimum of its members and an OR group
   the minimum after swapping met and not_met (``np.minimum.reduceat`` over a flat
   array of group members); an item is the AND of its groups; then the cohort /
   subgroup / partial-reading rules, as boolean masks. Items with organ-exception
   conditions are combined the same way after their thresholds are switched
   (``ConditionalArrays``; ``conditional_status`` is the Python definition);
4. per criteria set: counts of each status (``np.bincount``) and the line-of-therapy
   state (minimum over the line constraints);
5. per profile: structured sex/age criteria (per distinct sex/age limits), verdicts,
   and the score from the same part values as ``rank.score`` (per distinct tag set,
   nearest site per site set, recruiting per index), summed in the same order so the
   floating-point totals are identical and rounded as Python's ``round``; ties are
   broken as in the reference.

The explained results (``Ranked.item_results``, ``Ranked.sets``, ``Ranked.profiles``)
are built by the reference code on first access, for the items, sets and profiles
that are actually looked at (the trials shown); the questions read the profiles'
missing facts from the arrays (``MissingKeys``).
``tests/match/test_fast.py`` checks that both paths agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from osteotrials.match import rank
from osteotrials.match._core import (
    TRUTH_FAILS,
    TRUTH_HOLDS,
    TRUTH_NEEDS_EVALUATOR,
    TRUTH_NOT_APPLICABLE,
    TRUTH_UNKNOWN,
    Context,
    Truth,
    truth_code,
)
from osteotrials.match.api import (
    ProfileOutcome,
    Ranked,
    SetOutcome,
    StatusFilter,
    _set_outcome,
    _status_ok,
    gc_paused,
    prepare,
    profile_outcome,
    shown_distance,
    site_distance,
)
from osteotrials.match.evaluate import (
    ItemResult,
    _doubtful,
    condition_holds,
    evaluate_item,
    result_from,
    truth_of,
)
from osteotrials.match.families import BULK, EVALUATORS, Evaluator
from osteotrials.match.families.age import check as age_check
from osteotrials.match.index import OPEN_SITE, ItemShape, MatchIndex, Site
from osteotrials.match.questions import RECORD_INCOMPLETE
from osteotrials.model.criteria import Constraint
from osteotrials.model.patient import Patient
from osteotrials.model.verdict import Status, Verdict
from osteotrials.patient import DerivedFacts

#: status codes, ordered so that AND is the minimum
NOT_MET, UNKNOWN, MET, NOT_APPLICABLE = 0, 1, 2, 3
STATUS_NAMES: tuple[Status, ...] = ("not_met", "unknown", "met", "not_applicable")
STATUS_CODES: dict[str, int] = {name: code for code, name in enumerate(STATUS_NAMES)}
#: OR is the minimum after swapping met and not_met (the map is its own inverse)
_OR_MAP = np.array([MET, UNKNOWN, NOT_MET, NOT_APPLICABLE], dtype=np.int8)
#: truth codes: ``_core.TRUTH_*`` (holds 0, fails 1, unknown 2, not applicable 3)
_POLARITIES = {"require": 0, "exclude": 1, "allow": 2}
#: constraint status by (polarity, truth code), as ``evaluate.status_of``
_STATUS_TABLE = np.array(
    [
        [MET, NOT_MET, UNKNOWN, NOT_APPLICABLE],  # require
        [NOT_MET, MET, UNKNOWN, NOT_APPLICABLE],  # exclude
        [NOT_APPLICABLE] * 4,  # allow
    ],
    dtype=np.int8,
)
#: a trial's line-of-therapy state: not_met 0, unknown 1, met 2 (not applicable counts as
#: met, as in the reference), none 3 (no line constraint)
_LINE_MAP = np.array([0, 1, 2, 2], dtype=np.int8)
LINE_NAMES = ("not_met", "unknown", "met", "none")
_LINE_VALUES = np.array([rank.LINE_VALUE[n] for n in LINE_NAMES], dtype=np.float64)
#: verdict codes
VERDICTS: tuple[Verdict, ...] = ("eligible", "possibly_eligible", "ineligible")

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ConditionalItem:
    """An item with organ-exception lab thresholds (``evaluate._apply_conditions``)."""

    iid: int
    constraint_ids: tuple[int, ...]
    groups: tuple[tuple[bool, tuple[int, ...]], ...]
    #: per analyte: its conditional positions (with their condition names), its defaults
    analytes: tuple[tuple[tuple[tuple[int, tuple[str, ...]], ...], tuple[int, ...]], ...]
    fail_to_unknown: bool
    pass_to_unknown: bool


def _conditional_item(iid: int, shape: ItemShape) -> ConditionalItem:
    constraints = shape.item.constraints
    by_analyte: dict[str, list[int]] = {}
    for i, c in enumerate(constraints):
        if c.family == "lab" and c.params.get("analyte"):
            by_analyte.setdefault(str(c.params["analyte"]), []).append(i)
    analytes = []
    for idxs in by_analyte.values():
        conditional = tuple(
            (i, tuple(constraints[i].logic.conditions))
            for i in idxs
            if constraints[i].logic.conditions
        )
        if conditional:
            defaults = tuple(i for i in idxs if not constraints[i].logic.conditions)
            analytes.append((conditional, defaults))
    p = shape.plan
    return ConditionalItem(
        iid,
        shape.constraint_ids,
        p.groups,
        tuple(analytes),
        p.cohort is not None or p.subgroup,
        p.partial,
    )


def _and(codes: Sequence[int]) -> int:
    return min(codes, default=NOT_APPLICABLE)


def _or(codes: Sequence[int]) -> int:
    return _OR_CODES[min((_OR_CODES[c] for c in codes), default=NOT_APPLICABLE)]


_OR_CODES = (MET, UNKNOWN, NOT_MET, NOT_APPLICABLE)


def conditional_status(
    ci: ConditionalItem, c_status: list[int], holds: dict[str, bool | None]
) -> int:
    """``evaluate._apply_conditions`` then ``combine`` and the item rules, on status codes."""
    results = [c_status[cid] for cid in ci.constraint_ids]
    out = list(results)
    for conditional, defaults in ci.analytes:
        for pos, names in conditional:
            values = [holds[n] for n in names]
            if any(v is True for v in values):
                for d in defaults:
                    out[d] = NOT_APPLICABLE
            elif all(v is False for v in values):
                out[pos] = NOT_APPLICABLE
            elif _and([results[d] for d in defaults]) != results[pos] or not defaults:
                out[pos] = UNKNOWN
                for d in defaults:
                    out[d] = NOT_APPLICABLE
            else:
                out[pos] = NOT_APPLICABLE
    if not ci.groups:
        return NOT_APPLICABLE
    status = _and(
        [(_or if is_or else _and)([out[i] for i in members]) for is_or, members in ci.groups]
    )
    if status == NOT_MET and ci.fail_to_unknown:
        return UNKNOWN
    if status == MET and ci.pass_to_unknown:
        return UNKNOWN
    return status


@dataclass(slots=True)
class Combine:
    """Items combined with array operations: the members of their logic groups (positions
    in a status array, group after group), whether each member's group is OR, the first
    member of each group, whether each group is OR, the first group of each item, and the
    item rules (a failure becomes unknown: cohort / subgroup; a pass becomes unknown: read
    in part)."""

    m_pos: IntArray
    m_or: BoolArray
    g_start: IntArray
    g_or: BoolArray
    ig_start: IntArray
    a_fail: BoolArray
    a_pass: BoolArray

    def statuses(self, values: NDArray[np.int8]) -> NDArray[np.int8]:
        """One status per item: AND / OR groups as minima, then the item rules."""
        vals = values[self.m_pos]
        vals = np.where(self.m_or, _OR_MAP[vals], vals)
        groups = np.minimum.reduceat(vals, self.g_start)
        groups = np.where(self.g_or, _OR_MAP[groups], groups)
        st = np.minimum.reduceat(groups, self.ig_start)
        st = np.where(self.a_fail & (st == NOT_MET), np.int8(UNKNOWN), st)
        return np.where(self.a_pass & (st == MET), np.int8(UNKNOWN), st)


def combine_arrays(
    members: list[list[tuple[bool, list[int]]]], a_fail: list[bool], a_pass: list[bool]
) -> Combine:
    """``Combine`` for items given as their groups ``(is_or, member positions)`` (every
    item with at least one group, every group with at least one member)."""
    m_pos: list[int] = []
    m_or: list[bool] = []
    g_start: list[int] = []
    g_or: list[bool] = []
    ig_start: list[int] = []
    for groups in members:
        ig_start.append(len(g_start))
        for is_or, positions in groups:
            g_start.append(len(m_pos))
            g_or.append(is_or)
            m_pos.extend(positions)
            m_or.extend([is_or] * len(positions))
    return Combine(
        np.array(m_pos, dtype=np.intp),
        np.array(m_or, dtype=np.bool_),
        np.array(g_start, dtype=np.intp),
        np.array(g_or, dtype=np.bool_),
        np.array(ig_start, dtype=np.intp),
        np.array(a_fail, dtype=np.bool_),
        np.array(a_pass, dtype=np.bool_),
    )


@dataclass(slots=True)
class ConditionalArrays:
    """The organ-exception items as arrays (``conditional_status`` for all at once).

    ``flat``: the constraint ids of the items, item after item. Each *entry* is one
    conditional threshold: its position in ``flat``, its condition names (an id into
    ``names``), whether its analyte has default thresholds; ``d_entry`` / ``d_pos``:
    (entry, default position) pairs, for the minimum of the defaults and for the defaults
    that the entry switches off."""

    iids: IntArray
    flat: IntArray
    names: list[tuple[str, ...]]
    e_pos: IntArray
    e_names: IntArray
    e_has_default: BoolArray
    d_entry: IntArray
    d_pos: IntArray
    #: items with groups, combined; the others are not applicable
    combine: Combine
    with_groups: IntArray

    def statuses(
        self, c_status: NDArray[np.int8], holds: Mapping[str, bool | None]
    ) -> NDArray[np.int8]:
        results = c_status[self.flat]
        # per condition-name tuple: any holds 0, none holds 1, otherwise 2
        state_of = np.array(
            [
                0
                if any(holds[n] is True for n in ns)
                else 1
                if all(holds[n] is False for n in ns)
                else 2
                for ns in self.names
            ],
            dtype=np.int8,
        )
        state = state_of[self.e_names]
        own = results[self.e_pos]
        defaults_min = np.full(len(self.e_pos), NOT_APPLICABLE, dtype=np.int8)
        np.minimum.at(defaults_min, self.d_entry, results[self.d_pos])
        disagree = (defaults_min != own) | ~self.e_has_default
        kill = (state == 0) | ((state == 2) & disagree)
        out = results.copy()
        out[self.d_pos[kill[self.d_entry]]] = NOT_APPLICABLE
        out[self.e_pos] = np.where(
            state == 0,
            own,
            np.where((state == 2) & disagree, np.int8(UNKNOWN), np.int8(NOT_APPLICABLE)),
        )
        st = np.full(len(self.iids), NOT_APPLICABLE, dtype=np.int8)
        if len(self.with_groups):
            st[self.with_groups] = self.combine.statuses(out)
        return st


def conditional_arrays(items: list[ConditionalItem]) -> ConditionalArrays | None:
    """The arrays of ``items``; None when a group has no members (left to Python)."""
    flat: list[int] = []
    names: dict[tuple[str, ...], int] = {}
    e_pos: list[int] = []
    e_names: list[int] = []
    e_has_default: list[bool] = []
    d_entry: list[int] = []
    d_pos: list[int] = []
    members: list[list[tuple[bool, list[int]]]] = []
    a_fail: list[bool] = []
    a_pass: list[bool] = []
    with_groups: list[int] = []
    for k, ci in enumerate(items):
        base = len(flat)
        flat.extend(ci.constraint_ids)
        for conditional, defaults in ci.analytes:
            for pos, ns in conditional:
                entry = len(e_pos)
                e_pos.append(base + pos)
                e_names.append(names.setdefault(ns, len(names)))
                e_has_default.append(bool(defaults))
                for d in defaults:
                    d_entry.append(entry)
                    d_pos.append(base + d)
        if ci.groups:
            if any(not m for _, m in ci.groups):
                return None
            with_groups.append(k)
            members.append([(is_or, [base + m for m in ms]) for is_or, ms in ci.groups])
            a_fail.append(ci.fail_to_unknown)
            a_pass.append(ci.pass_to_unknown)

    def ints(xs: list[int]) -> IntArray:
        return np.array(xs, dtype=np.intp)

    return ConditionalArrays(
        ints([ci.iid for ci in items]),
        ints(flat),
        list(names),
        ints(e_pos),
        ints(e_names),
        np.array(e_has_default, dtype=np.bool_),
        ints(d_entry),
        ints(d_pos),
        combine_arrays(members, a_fail, a_pass),
        ints(with_groups),
    )


@dataclass(frozen=True, slots=True)
class BulkFamily:
    """A family's truths answered in bulk: each *distinct* prepared constraint is answered
    once (truths differing only in what the evaluator does not read share it)."""

    family: str
    #: truth ids, and per truth the position of its prepared constraint in ``batch``
    tids: list[int]
    expand: IntArray
    batch: Any
    n_distinct: int

    def distinct_codes(self, ctx: Context) -> list[int | None]:
        """One code per distinct prepared constraint (None: needs the evaluator)."""
        got = BULK[self.family][2](self.batch, ctx)
        if isinstance(got, np.ndarray):
            return [None if c == TRUTH_NEEDS_EVALUATOR else c for c in got.tolist()]
        return got

    def distinct_array(self, ctx: Context) -> IntArray:
        """The same as an array (``TRUTH_NEEDS_EVALUATOR``: needs the evaluator)."""
        got = BULK[self.family][2](self.batch, ctx)
        if isinstance(got, np.ndarray):
            return got.astype(np.intp, copy=False)
        if None in got:
            return np.array([TRUTH_NEEDS_EVALUATOR if c is None else c for c in got], dtype=np.intp)
        return np.array(got, dtype=np.intp)

    def codes(self, ctx: Context) -> list[int | None]:
        """One code per truth, in ``tids`` order."""
        distinct = self.distinct_codes(ctx)
        return [distinct[k] for k in self.expand.tolist()]


def _bulk_family(family: str, tids: list[int], preps: list[Any]) -> BulkFamily:
    first: dict[Any, int] = {}
    try:
        expand = [first.setdefault(p, len(first)) for p in preps]
        distinct = list(first)
    except TypeError:  # an unhashable prepared constraint: no sharing
        expand, distinct = list(range(len(preps))), preps
    return BulkFamily(
        family, tids, np.array(expand, dtype=np.intp), BULK[family][1](distinct), len(distinct)
    )


@dataclass(slots=True)
class FastPlan:
    """The patient-independent arrays of an index (built once, on first use)."""

    size: tuple[int, int, int, int]
    #: per constraint id: truth id, polarity code, "not met" is doubtful
    c_truth: IntArray
    c_pol: IntArray
    c_doubt: BoolArray
    #: items combined here ("simple": not unparsed, not administrative, no organ exception)
    simple: IntArray
    #: per item id: its position in ``simple`` (-1: not a simple item)
    simple_pos: IntArray
    #: their groups' members (constraint ids, group after group), whether each member's
    #: group is an OR group; the first member of each group; whether each group is OR;
    #: the first group of each simple item
    m_cid: IntArray
    m_or: BoolArray
    g_start: IntArray
    g_or: BoolArray
    ig_start: IntArray
    #: per simple item: a failure becomes unknown (cohort / subgroup); a pass becomes
    #: unknown (read in part)
    a_fail: BoolArray
    a_pass: BoolArray
    #: per item: the status of unparsed (unknown) and administrative (n/a) items
    i_base: NDArray[np.int8]
    #: items with organ-exception conditions, and the same as arrays (None: combined in
    #: Python on status codes, ``conditional_status``)
    conditional: list[ConditionalItem]
    conditional_arrays: ConditionalArrays | None
    #: anything else (none in practice): the reference ``evaluate_item``
    fallback: list[int]
    #: organ-exception condition names used by the conditional items
    condition_names: tuple[str, ...]
    #: (set, position) occurrences: item id and set id
    o_item: IntArray
    o_set: IntArray
    s_admin: NDArray[np.int64]
    #: line-of-therapy constraint occurrences: constraint id and set id
    l_cid: IntArray
    l_set: IntArray
    #: per profile: set, structured-criteria group, tag group, placement group, phase value
    p_set: IntArray
    p_struct: IntArray
    p_tags: IntArray
    p_place: IntArray
    p_phase: NDArray[np.float64]
    #: a profile with each distinct structured sex / age limits, and those limits: the
    #: sex asked ("female" / "male" / None), minimum and maximum age (None: none)
    struct_reps: list[int]
    struct_limits: list[tuple[str | None, float | None, float | None, bool]]
    tag_sets: list[tuple[str, ...]]
    #: which tags each tag set holds (tag set x tag), the tags' ids; the bone part's
    #: value per tag set when measurable disease is not False / is False (index only)
    tag_matrix: BoolArray
    tag_ids: dict[str, int]
    bone_values: tuple[NDArray[np.float64], NDArray[np.float64]]
    #: distinct (overall status, site set); their recruiting values (index only)
    places: list[tuple[str | None, int]]
    pl_recruit: NDArray[np.float64]
    #: per site set: whether any site is open (None: no site has a status) and its first
    #: candidate site (an open one when any is open; None: no candidate)
    site_open: list[bool | None]
    site_first: list[Site | None]
    #: located candidate sites, site set after site set: set id, site, radians, cos(lat)
    loc_set: IntArray
    loc_site: list[Site]
    loc_rlat: NDArray[np.float64]
    loc_rlon: NDArray[np.float64]
    loc_coslat: NDArray[np.float64]
    #: the trial ids of every profile, profile after profile; each profile's first
    #: position there and its number of trials
    p_trial_ids: IntArray
    p_trial_start: IntArray
    p_trial_count: IntArray
    #: truths answered by a family's bulk code evaluator
    bulk: list[BulkFamily]
    #: truths answered by the family evaluator: (truth id, constraint, evaluator)
    eager: list[tuple[int, Constraint, Evaluator]]
    #: truths answered by ``truth_of`` (no restriction, no evaluator)
    plain: list[int]
    #: the codes that never depend on the patient: of the ``plain`` truths (not
    #: applicable without a restriction, unknown without an evaluator, as ``truth_of``)
    constant_codes: list[int]
    #: per truth id: its code's position in (constant codes, then each bulk family's
    #: distinct codes in ``bulk`` order); eager truths are written over it
    code_at: IntArray


def _size(index: MatchIndex) -> tuple[int, int, int, int]:
    return (len(index.entries), len(index.constraints), len(index.items), len(index.profiles))


def simple_positions(n_items: int, simple: list[int]) -> IntArray:
    out = np.full(n_items, -1, dtype=np.intp)
    out[simple] = np.arange(len(simple), dtype=np.intp)
    return out


def fast_plan(index: MatchIndex) -> FastPlan:
    """The index's plan, rebuilt when trials were added since."""
    plan = index.fast_plan
    if isinstance(plan, FastPlan) and plan.size == _size(index):
        return plan
    plan = _build_plan(index)
    index.fast_plan = plan
    return plan


def _build_plan(index: MatchIndex) -> FastPlan:
    constraints = index.constraints
    c_pol = np.array([_POLARITIES[c.polarity] for c in constraints], dtype=np.intp)
    c_doubt = np.array([_doubtful(c) is not None for c in constraints], dtype=np.bool_)
    simple: list[int] = []
    m_cid: list[int] = []
    m_or: list[bool] = []
    g_start: list[int] = []
    g_or: list[bool] = []
    ig_start: list[int] = []
    a_fail: list[bool] = []
    a_pass: list[bool] = []
    i_base = np.full(len(index.items), NOT_APPLICABLE, dtype=np.int8)
    conditional: list[ConditionalItem] = []
    fallback: list[int] = []
    for iid, shape in enumerate(index.items):
        p = shape.plan
        if p.unparsed:
            i_base[iid] = UNKNOWN
        elif p.administrative:
            i_base[iid] = NOT_APPLICABLE
        elif p.conditional:
            conditional.append(_conditional_item(iid, shape))
        elif not p.groups:
            fallback.append(iid)
        else:
            simple.append(iid)
            ig_start.append(len(g_start))
            for is_or, members in p.groups:
                g_start.append(len(m_cid))
                g_or.append(is_or)
                for pos in members:
                    m_cid.append(shape.constraint_ids[pos])
                    m_or.append(is_or)
            a_fail.append(p.cohort is not None or p.subgroup)
            a_pass.append(p.partial)
    o_item: list[int] = []
    o_set: list[int] = []
    l_cid: list[int] = []
    l_set: list[int] = []
    for sid, cset in enumerate(index.sets):
        o_item.extend(cset.items)
        o_set.extend([sid] * len(cset.items))
        for pos in cset.line_items:
            shape = index.items[cset.items[pos]]
            for lp in shape.plan.line_positions:
                l_cid.append(shape.constraint_ids[lp])
                l_set.append(sid)
    structs: dict[tuple[object, ...], int] = {}
    tags: dict[tuple[str, ...], int] = {}
    places: dict[tuple[str | None, int], int] = {}
    p_struct: list[int] = []
    p_tags: list[int] = []
    p_place: list[int] = []
    struct_reps: list[int] = []
    for pid, prof in enumerate(index.profiles):
        skey = (prof.sex, prof.min_age, prof.max_age)
        if skey not in structs:
            structs[skey] = len(struct_reps)
            struct_reps.append(pid)
        p_struct.append(structs[skey])
        p_tags.append(tags.setdefault(prof.tags, len(tags)))
        p_place.append(places.setdefault((prof.overall_status, prof.sites_id), len(places)))

    bulk: dict[str, tuple[list[int], list[Any]]] = {}
    eager: list[tuple[int, Constraint, Evaluator]] = []
    plain: list[int] = []
    for tid, cid in enumerate(index.truth_reps):
        c = constraints[cid]
        evaluator = EVALUATORS.get(c.family)
        if c.params.get("no_restriction") or evaluator is None:
            plain.append(tid)
            continue
        fns = BULK.get(c.family)
        prepared = None if fns is None else fns[0](c)
        if prepared is None:
            eager.append((tid, c, evaluator))
        else:
            tids, preps = bulk.setdefault(c.family, ([], []))
            tids.append(tid)
            preps.append(prepared)

    def ints(xs: list[int]) -> IntArray:
        return np.array(xs, dtype=np.intp)

    # sites: what does not depend on the patient's origin, as ``_nearest`` reads it
    site_open: list[bool | None] = []
    site_first: list[Site | None] = []
    loc_set: list[int] = []
    loc_site: list[Site] = []
    for sid, sites in enumerate(index.site_sets):
        statuses = [x.status for x in sites if x.status]
        any_open = any(x in OPEN_SITE for x in statuses) if statuses else None
        candidates = [x for x in sites if x.status in OPEN_SITE] if any_open else list(sites)
        site_open.append(any_open)
        site_first.append(candidates[0] if candidates else None)
        for x in candidates:
            if x.located_by is not None:
                loc_set.append(sid)
                loc_site.append(x)
    place_list = list(places)
    profiles = index.profiles

    tag_ids: dict[str, int] = {}
    for tag_set in tags:
        for tag in tag_set:
            tag_ids.setdefault(tag, len(tag_ids))
    tag_matrix = np.zeros((len(tags), len(tag_ids)), dtype=np.bool_)
    for k, tag_set in enumerate(tags):
        tag_matrix[k, [tag_ids[t] for t in tag_set]] = True

    bulk_families = [_bulk_family(family, tids, preps) for family, (tids, preps) in bulk.items()]
    code_at = np.zeros(len(index.truth_reps), dtype=np.intp)
    code_at[plain] = np.arange(len(plain), dtype=np.intp)
    offset = len(plain)
    for fam in bulk_families:
        code_at[fam.tids] = offset + fam.expand
        offset += fam.n_distinct

    return FastPlan(
        size=_size(index),
        c_truth=ints(index.truth_ids),
        c_pol=c_pol,
        c_doubt=c_doubt,
        simple=ints(simple),
        simple_pos=simple_positions(len(index.items), simple),
        m_cid=ints(m_cid),
        m_or=np.array(m_or, dtype=np.bool_),
        g_start=ints(g_start),
        g_or=np.array(g_or, dtype=np.bool_),
        ig_start=ints(ig_start),
        a_fail=np.array(a_fail, dtype=np.bool_),
        a_pass=np.array(a_pass, dtype=np.bool_),
        i_base=i_base,
        conditional=conditional,
        conditional_arrays=conditional_arrays(conditional) if conditional else None,
        fallback=fallback,
        condition_names=tuple(
            sorted({n for ci in conditional for a in ci.analytes for _, ns in a[0] for n in ns})
        ),
        o_item=ints(o_item),
        o_set=ints(o_set),
        s_admin=np.array([s.administrative for s in index.sets], dtype=np.int64),
        l_cid=ints(l_cid),
        l_set=ints(l_set),
        p_set=ints([p.set_id for p in index.profiles]),
        p_struct=ints(p_struct),
        p_tags=ints(p_tags),
        p_place=ints(p_place),
        p_phase=np.array([rank.phase_part(p.phases) for p in index.profiles], dtype=np.float64),
        struct_reps=struct_reps,
        struct_limits=[
            (
                p.sex.lower() if p.sex in ("FEMALE", "MALE") else None,
                p.min_age,
                p.max_age,
                p.sex is None,  # the copy lacks the registry's sex / age fields
            )
            for p in (profiles[pid] for pid in struct_reps)
        ],
        tag_sets=list(tags),
        tag_matrix=tag_matrix,
        tag_ids=tag_ids,
        bone_values=(
            np.array([rank.bone_value(t, None) for t in tags], dtype=np.float64),
            np.array([rank.bone_value(t, False) for t in tags], dtype=np.float64),
        ),
        places=place_list,
        pl_recruit=np.array(
            [rank.recruiting_part(overall, site_open[sid])[0] for overall, sid in place_list],
            dtype=np.float64,
        ),
        site_open=site_open,
        site_first=site_first,
        loc_set=ints(loc_set),
        loc_site=loc_site,
        loc_rlat=np.array([x.rlat for x in loc_site], dtype=np.float64),
        loc_rlon=np.array([x.rlon for x in loc_site], dtype=np.float64),
        loc_coslat=np.array([x.coslat for x in loc_site], dtype=np.float64),
        p_trial_ids=ints([t for p in profiles for t in p.trial_ids]),
        p_trial_start=ints(
            np.cumsum([0] + [len(p.trial_ids) for p in profiles[:-1]]).tolist() if profiles else []
        ),
        p_trial_count=ints([len(p.trial_ids) for p in profiles]),
        bulk=bulk_families,
        eager=eager,
        plain=plain,
        constant_codes=[
            TRUTH_NOT_APPLICABLE
            if constraints[index.truth_reps[tid]].params.get("no_restriction")
            else TRUTH_UNKNOWN
            for tid in plain
        ],
        code_at=code_at,
    )


# --------------------------------------------------------------------------- lazy results


class LazyTruths:
    """Each distinct truth's explained ``Truth``, evaluated by ``truth_of`` at most once
    (eagerly for most families, on first access for those answered in bulk)."""

    def __init__(self, index: MatchIndex, ctx: Context) -> None:
        self._index = index
        self._ctx = ctx
        self.memo: list[Truth | None] = [None] * len(index.truth_reps)

    def __getitem__(self, tid: int) -> Truth:
        t = self.memo[tid]
        if t is None:
            index = self._index
            t = truth_of(index.constraints[index.truth_reps[tid]], self._ctx)
            self.memo[tid] = t
        return t


def truth_codes(plan: FastPlan, truths: LazyTruths, ctx: Context) -> NDArray[np.intp]:
    """Every distinct truth's code for this patient."""
    memo = truths.memo
    tids: list[int] = []
    codes: list[int] = []
    for tid, c, evaluator in plan.eager:  # as ``truth_of``, without its per-call lookups
        try:
            t = evaluator(c, ctx)
        except (ValueError, TypeError, KeyError):
            t = truth_of(c, ctx)  # the reference's answer for a malformed constraint
        memo[tid] = t
        tids.append(tid)
        codes.append(
            TRUTH_NOT_APPLICABLE
            if not t.applicable
            else TRUTH_UNKNOWN
            if t.holds is None
            else TRUTH_HOLDS
            if t.holds
            else TRUTH_FAILS
        )
    # the bulk families' distinct codes after the constant ones, then one gather
    arrays = [np.array(plan.constant_codes, dtype=np.intp)]
    for fam in plan.bulk:
        distinct = fam.distinct_array(ctx)
        if len(distinct) != fam.n_distinct:
            raise ValueError(f"{fam.family}: {len(distinct)} codes for {fam.n_distinct}")
        arrays.append(distinct)
    out = np.concatenate(arrays)[plan.code_at]
    out[tids] = codes
    # answers that need the evaluator (none in practice): ``truth_of``, truth by truth
    for tid in np.flatnonzero(out == TRUTH_NEEDS_EVALUATOR).tolist():
        out[tid] = truth_code(truths[tid])
    return out


class LazyItems(Sequence[ItemResult]):
    """Item results built by the reference code (``evaluate_item``) on first access."""

    def __init__(self, index: MatchIndex, ctx: Context, truths: LazyTruths) -> None:
        self._index = index
        self._ctx = ctx
        self._truths = truths
        self._memo: dict[int, ItemResult] = {}

    def _get(self, iid: int) -> ItemResult:
        r = self._memo.get(iid)
        if r is None:
            with gc_paused():
                r = self._evaluate(iid)
        return r

    def _evaluate(self, iid: int) -> ItemResult:
        r = self._memo.get(iid)
        if r is None:
            index = self._index
            shape = index.items[iid]
            results = [
                result_from(index.constraints[cid], self._truths[index.truth_ids[cid]])
                for cid in shape.constraint_ids
            ]
            r = evaluate_item(shape.item, results, self._ctx, shape.plan)
            self._memo[iid] = r
        return r

    @overload
    def __getitem__(self, i: int) -> ItemResult: ...
    @overload
    def __getitem__(self, i: slice) -> list[ItemResult]: ...
    def __getitem__(self, i: int | slice) -> ItemResult | list[ItemResult]:
        if isinstance(i, slice):
            return [self._get(k) for k in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._get(i)

    def __len__(self) -> int:
        return len(self._index.items)


class LazySets(Mapping[int, SetOutcome]):
    """Criteria-set outcomes built by the reference ``_set_outcome`` on first access."""

    def __init__(self, index: MatchIndex, items: LazyItems, statuses: NDArray[np.int8]) -> None:
        self._index = index
        self._items = items
        self._codes = statuses
        self._names: list[Status] | None = None
        self._memo: dict[int, SetOutcome] = {}

    def __getitem__(self, set_id: int) -> SetOutcome:
        so = self._memo.get(set_id)
        if so is None:
            if not 0 <= set_id < len(self._index.sets):
                raise KeyError(set_id)
            if self._names is None:
                self._names = [STATUS_NAMES[c] for c in self._codes.tolist()]
            with gc_paused():
                so = _set_outcome(self._index, set_id, self._items, self._names)
            self._memo[set_id] = so
        return so

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._index.sets)))

    def __len__(self) -> int:
        return len(self._index.sets)


class LazyProfiles(Mapping[int, ProfileOutcome]):
    """Profile outcomes built by the reference ``profile_outcome`` on first access."""

    def __init__(
        self,
        index: MatchIndex,
        ctx: Context,
        sets: LazySets,
        nearest: dict[int, tuple[Site | None, float | None, bool | None]],
        status: StatusFilter,
        radius_km: float | None,
        origin: tuple[float, float] | None,
    ) -> None:
        self._index = index
        self._ctx = ctx
        self._sets = sets
        self._nearest = nearest
        self._status: StatusFilter = status
        self._radius = radius_km
        self._origin = origin
        self._memo: dict[int, ProfileOutcome] = {}

    def __getitem__(self, pid: int) -> ProfileOutcome:
        po = self._memo.get(pid)
        if po is None:
            if not 0 <= pid < len(self._index.profiles):
                raise KeyError(pid)
            prof = self._index.profiles[pid]
            with gc_paused():
                po = profile_outcome(
                    self._index,
                    self._ctx,
                    pid,
                    self._sets[prof.set_id],
                    self._nearest[prof.sites_id],
                    self._status,
                    self._radius,
                    self._origin,
                )
            self._memo[pid] = po
        return po

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._index.profiles)))

    def __len__(self) -> int:
        return len(self._index.profiles)


# --------------------------------------------------------------------------- ranking


@dataclass(slots=True)
class FastOutcome:
    """The array results of one patient's ranking (kept on ``Ranked`` for tests/tools)."""

    #: per constraint id / item id: status code
    constraint_status: NDArray[np.int8]
    item_status: NDArray[np.int8]
    #: per profile: verdict code (index into VERDICTS), score total, in the filter
    verdict: IntArray
    total: list[float]
    in_filter: BoolArray


def item_statuses(
    plan: FastPlan, c_status: NDArray[np.int8], items: LazyItems, ctx: Context
) -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    """Every distinct item's status code, and the simple items' statuses before the item
    rules (cohort / subgroup / read in part), in ``plan.simple`` order."""
    out = plan.i_base.copy()
    pre = np.empty(0, dtype=np.int8)
    if len(plan.simple):
        vals = c_status[plan.m_cid]
        vals = np.where(plan.m_or, _OR_MAP[vals], vals)
        groups = np.minimum.reduceat(vals, plan.g_start)
        groups = np.where(plan.g_or, _OR_MAP[groups], groups)
        pre = np.minimum.reduceat(groups, plan.ig_start)
        st = np.where(plan.a_fail & (pre == NOT_MET), np.int8(UNKNOWN), pre)
        st = np.where(plan.a_pass & (st == MET), np.int8(UNKNOWN), st)
        out[plan.simple] = st
    if plan.conditional:
        holds = {n: condition_holds(n, ctx)[0] for n in plan.condition_names}
        arrays = plan.conditional_arrays
        if arrays is not None:
            out[arrays.iids] = arrays.statuses(c_status, holds)
        else:
            codes = c_status.tolist()
            for ci in plan.conditional:
                out[ci.iid] = conditional_status(ci, codes, holds)
    for iid in plan.fallback:
        out[iid] = STATUS_CODES[items[iid].status]
    return out, pre


class MissingKeys:
    """The unknown patient facts of a profile (``ProfileOutcome.missing_keys``) from the
    arrays, without building the explained item results and profile outcome: per unknown
    item the keys ``evaluate_item`` gives (each unknown constraint's truth's missing keys,
    or "criterion_unclear" for a doubtful "not met"; the item rules' keys), the set's in
    item order, then the structured sex / age criteria's. Only the truths of unknown
    constraints are explained (``LazyTruths``); organ-exception and fallback items use
    their explained result."""

    def __init__(
        self,
        index: MatchIndex,
        plan: FastPlan,
        ctx: Context,
        truths: LazyTruths,
        items: LazyItems,
        t_code: NDArray[np.intp],
        c_status: NDArray[np.int8],
        i_status: NDArray[np.int8],
        pre: NDArray[np.int8],
    ) -> None:
        self._index = index
        self._plan = plan
        self._ctx = ctx
        self._truths = truths
        self._items = items
        self._t_code = t_code
        self._c_status = c_status
        self._i_status = i_status
        self._pre = pre
        self._item_memo: dict[int, tuple[str, ...]] = {}
        self._memo: dict[int, tuple[str, ...]] = {}

    def item(self, iid: int) -> tuple[str, ...]:
        got = self._item_memo.get(iid)
        if got is None:
            got = self._item_memo[iid] = self._item(iid)
        return got

    def _item(self, iid: int) -> tuple[str, ...]:
        index, plan = self._index, self._plan
        shape = index.items[iid]
        p = shape.plan
        if p.unparsed:
            return ("criterion_unparsed",)
        if p.administrative:
            return ()
        k = int(plan.simple_pos[iid])
        if k < 0:  # organ exceptions, fallback: the explained result
            return self._items[iid].missing
        pre = int(self._pre[k])
        keys: list[str] = []
        if pre == UNKNOWN:
            for cid in shape.constraint_ids:
                if self._c_status[cid] == UNKNOWN:
                    tid = index.truth_ids[cid]
                    if self._t_code[tid] == TRUTH_UNKNOWN:
                        keys.extend(self._truths[tid].missing or ("criterion_unclear",))
                    else:  # a doubtful "not met" (``result_from``)
                        keys.append("criterion_unclear")
        elif pre == NOT_MET and (p.cohort is not None or p.subgroup):
            keys.append("cohort" if p.cohort else "criterion_unclear")
        elif pre == MET and p.partial:
            keys.append("criterion_partial")
        return tuple(dict.fromkeys(keys))

    def __call__(self, pid: int) -> tuple[str, ...]:
        got = self._memo.get(pid)
        if got is None:
            with gc_paused():
                got = self._memo[pid] = self._profile(pid)
        return got

    def _profile(self, pid: int) -> tuple[str, ...]:
        index = self._index
        prof = index.profiles[pid]
        status = self._i_status
        keys: list[str] = []
        for iid in index.sets[prof.set_id].items:
            if status[iid] == UNKNOWN:
                keys.extend(self.item(iid))
        facts = self._ctx.facts
        if prof.sex in ("FEMALE", "MALE") and facts.sex not in ("female", "male"):
            keys.append("sex")
        if (prof.min_age is not None or prof.max_age is not None) and facts.age_years is None:
            keys.append("age")
        if prof.sex is None:
            keys.append(RECORD_INCOMPLETE)
        return tuple(dict.fromkeys(keys))


def round2(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Python's ``round(v, 2)`` for every value: the nearest double to k / 100 with k the
    rounded value of 100 v, which ``rint(100 v) / 100`` gives (IEEE division is correctly
    rounded) wherever 100 v is not within rounding error of a half; the values that are
    go through Python's ``round`` itself."""
    y = x * 100
    out: NDArray[np.float64] = np.rint(y) / 100
    near = np.flatnonzero(np.abs(y - np.floor(y) - 0.5) < 1e-6)
    for i in near.tolist():
        out[i] = round(float(x[i]), 2)
    return out


def subtype_values(plan: FastPlan, ctx: Context) -> NDArray[np.float64]:
    """``rank.subtype_value`` for every tag set: 1 with a tag that suits the patient, else
    0 with one for another subtype, else 0.5 (tags in no tag set cannot decide)."""
    good, bad = rank.subtype_sets(ctx)
    m = plan.tag_matrix
    has_good = m[:, [plan.tag_ids[t] for t in good if t in plan.tag_ids]].any(axis=1)
    has_bad = m[:, [plan.tag_ids[t] for t in bad if t in plan.tag_ids]].any(axis=1)
    out: NDArray[np.float64] = np.where(has_good, 1.0, np.where(has_bad, 0.0, 0.5))
    return out


def structured_counts(plan: FastPlan, ctx: Context) -> NDArray[np.int64]:
    """Status counts of the structured sex / age criteria per distinct limits (as
    ``api._structured``: sex not known is unknown, age not known is unknown, a record copy
    without the registry's sex field is unknown)."""
    sex = ctx.facts.sex
    age = ctx.facts.age_years
    out = np.zeros((len(plan.struct_limits), 4), dtype=np.int64)
    for k, (wanted, lo, hi, incomplete) in enumerate(plan.struct_limits):
        if wanted is not None:
            if sex in ("female", "male"):
                out[k, MET if sex == wanted else NOT_MET] += 1
            else:
                out[k, UNKNOWN] += 1
        if lo is not None or hi is not None:
            if age is None:
                out[k, UNKNOWN] += 1
            else:
                out[k, MET if age_check(age, lo, hi, True, True) else NOT_MET] += 1
        if incomplete:
            out[k, UNKNOWN] += 1
    return out


def nearest_sites(
    plan: FastPlan, origin: tuple[float, float] | None
) -> dict[int, tuple[Site | None, float | None, bool | None]]:
    """``api._nearest`` for every site set: the distances of all located candidate sites
    at once (numpy), then the few sites within 1e-9 of each set's minimum measured again
    with ``site_distance`` (the reference's own arithmetic) and the first smallest kept,
    so the site and its rounded distance are the reference's."""
    first = plan.site_first
    if origin is None or not len(plan.loc_set):
        return {
            sid: (site, None, any_open)
            for sid, (site, any_open) in enumerate(zip(first, plan.site_open, strict=True))
        }
    rlat0, rlon0 = math.radians(origin[0]), math.radians(origin[1])
    cos0 = math.cos(rlat0)
    a = (
        np.sin((plan.loc_rlat - rlat0) / 2) ** 2
        + cos0 * plan.loc_coslat * np.sin((plan.loc_rlon - rlon0) / 2) ** 2
    )
    d = np.arcsin(np.minimum(1.0, np.sqrt(a)))
    best = np.full(len(first), np.inf)
    np.minimum.at(best, plan.loc_set, d)
    close = np.flatnonzero(d <= best[plan.loc_set] * (1 + 1e-9) + 1e-12)
    exact: dict[int, tuple[Site, float]] = {}
    loc_set = plan.loc_set.tolist()
    for k in close.tolist():
        site = plan.loc_site[k]
        dist = site_distance(site, rlat0, rlon0, cos0)
        sid = loc_set[k]
        got = exact.get(sid)
        if got is None or dist < got[1]:
            exact[sid] = (site, dist)
    out: dict[int, tuple[Site | None, float | None, bool | None]] = {}
    for sid, (candidate, any_open) in enumerate(zip(first, plan.site_open, strict=True)):
        hit = exact.get(sid)
        if hit is not None:
            out[sid] = (hit[0], round(hit[1], 1), any_open)
        else:
            out[sid] = (candidate, None, any_open)
    return out


def rank_fast(
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
    plan = fast_plan(index)
    truths = LazyTruths(index, ctx)
    items = LazyItems(index, ctx, truths)

    # constraints and items
    t_code = truth_codes(plan, truths, ctx)
    c_status = _STATUS_TABLE[plan.c_pol, t_code[plan.c_truth]]
    c_status[(c_status == NOT_MET) & plan.c_doubt] = UNKNOWN
    i_status, pre = item_statuses(plan, c_status, items, ctx)

    # criteria sets
    n_sets = len(index.sets)
    counts = np.bincount(plan.o_set * 4 + i_status[plan.o_item], minlength=4 * n_sets)
    counts = counts.reshape(n_sets, 4)
    lines = np.full(n_sets, 3, dtype=np.int8)
    if len(plan.l_cid):
        np.minimum.at(lines, plan.l_set, _LINE_MAP[c_status[plan.l_cid]])

    # structured criteria (sex, age) per distinct limits
    st_counts = structured_counts(plan, ctx)

    # placement: nearest site, filter, recruiting and distance parts
    nearest = nearest_sites(plan, origin)
    n_places = len(plan.places)
    pl_filter = np.zeros(n_places, dtype=np.bool_)
    pl_distance = np.zeros(n_places, dtype=np.float64)
    for k, (overall, sites_id) in enumerate(plan.places):
        site, dist, any_open = nearest[sites_id]
        ok = _status_ok(status, overall, any_open)
        if ok and radius_km is not None and origin is not None:
            ok = dist is not None and dist <= radius_km
        pl_filter[k] = ok
        pl_distance[k] = rank.distance_part(shown_distance(site, dist, any_open))[0]
    pl_recruit = plan.pl_recruit

    # relevance parts per distinct tag set
    subtype = subtype_values(plan, ctx)
    bone = plan.bone_values[ctx.facts.measurable_disease is False]

    # profiles: verdicts and scores
    pc = counts[plan.p_set]
    sc = st_counts[plan.p_struct]
    not_met = pc[:, NOT_MET] + sc[:, NOT_MET]
    unknown = pc[:, UNKNOWN] + sc[:, UNKNOWN]
    met = pc[:, MET] + sc[:, MET]
    n_a = pc[:, NOT_APPLICABLE] - plan.s_admin[plan.p_set] + sc[:, NOT_APPLICABLE]
    total = met + not_met + unknown + n_a
    verdict = np.where(not_met > 0, 2, np.where(unknown > 0, 1, 0))
    resolved = np.ones(len(total), dtype=np.float64)
    np.subtract(1.0, unknown / np.maximum(total, 1), out=resolved, where=total > 0)
    tags = plan.p_tags
    relevance = (subtype[tags] + bone[tags] + _LINE_VALUES[lines[plan.p_set]]) / 3
    w = rank.weights()
    score = np.clip(resolved, 0.0, 1.0) * w["resolved"]
    score = score + np.clip(relevance, 0.0, 1.0) * w["relevance"]
    score = score + np.clip(plan.p_phase, 0.0, 1.0) * w["phase"]
    score = score + np.clip(pl_recruit[plan.p_place], 0.0, 1.0) * w["recruiting"]
    score = score + np.clip(pl_distance[plan.p_place], 0.0, 1.0) * w["distance"]
    rounded = round2(score)
    totals = rounded.tolist()
    in_filter = pl_filter[plan.p_place]

    # order: by verdict, then score (highest first), then profile id
    pids = np.flatnonzero(in_filter)
    ranked_pids = pids[np.lexsort((pids, -rounded[pids], verdict[pids]))]
    # trials sharing a profile share its rank, in the profile's order
    counts = plan.p_trial_count[ranked_pids]
    ends = np.cumsum(counts)
    offsets = np.repeat(plan.p_trial_start[ranked_pids] - (ends - counts), counts)
    ranked_trials = plan.p_trial_ids[np.arange(len(offsets)) + offsets]
    # where each verdict's profiles, then trials, begin
    firsts = np.searchsorted(verdict[ranked_pids], np.arange(len(VERDICTS) + 1))
    cuts = np.concatenate(([0], ends))[firsts].tolist()
    order: dict[str, list[int]] = {
        name: ranked_trials[cuts[code] : cuts[code + 1]].tolist()
        for code, name in enumerate(VERDICTS)
    }

    sets = LazySets(index, items, i_status)
    profiles = LazyProfiles(index, ctx, sets, nearest, status, radius_km, origin)
    ranked = Ranked(index, ctx, sets, profiles, order, items)
    ranked.missing_of = MissingKeys(
        index, plan, ctx, truths, items, t_code, c_status, i_status, pre
    )
    ranked.fast = FastOutcome(c_status, i_status, verdict, totals, in_filter)
    return ranked
