"""A prepared, in-memory match index: compiled trials loaded once, constraints interned.

Matching one patient against N trials costs, with the index:

1. each *distinct* constraint evaluated once (trials share "ECOG 0-1", "ANC >= 1.5");
2. each distinct item (its constraint ids and shape) combined once;
3. each distinct criteria set (all items of a trial) turned into a verdict once;
4. each distinct trial *profile* (criteria set + structured sex/age + status, phase,
   tags, sites) scored once;
5. per trial only the bucket append and the final sort.

Trials whose compiled criteria are identical therefore share all the work.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from osteotrials.match._core import constraint_key, truth_key
from osteotrials.match.distance import zip_to_latlon
from osteotrials.match.evaluate import ItemPlan, context_texts, plan_item
from osteotrials.model.criteria import CompiledTrial, Constraint, CriterionItem
from osteotrials.model.trial import Location, Trial

#: sites whose status means they may take patients
OPEN_SITE = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"}
OPEN_TRIAL = OPEN_SITE


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    status: str | None
    lat: float | None
    lon: float | None
    located_by: str | None
    #: radians and cos(lat) for the haversine
    rlat: float
    rlon: float
    coslat: float


def make_site(loc: Location) -> Site:
    lat, lon, how = loc.lat, loc.lon, "geopoint" if loc.lat is not None else None
    if (lat is None or lon is None) and loc.zip and (loc.country in (None, "United States", "US")):
        found = zip_to_latlon(loc.zip)
        if found is not None:
            lat, lon, how = found[0], found[1], "zip"
    if lat is None or lon is None:
        return Site(
            loc.facility,
            loc.city,
            loc.state,
            loc.zip,
            loc.country,
            loc.status.upper() if loc.status else None,
            None,
            None,
            None,
            0.0,
            0.0,
            0.0,
        )
    rlat = math.radians(lat)
    return Site(
        loc.facility,
        loc.city,
        loc.state,
        loc.zip,
        loc.country,
        loc.status.upper() if loc.status else None,
        lat,
        lon,
        how,
        rlat,
        math.radians(lon),
        math.cos(rlat),
    )


@dataclass(slots=True)
class ItemShape:
    """What an item's evaluation depends on: its constraint ids and structure."""

    item: CriterionItem
    constraint_ids: tuple[int, ...]
    plan: ItemPlan


@dataclass(slots=True)
class CriteriaSet:
    items: tuple[int, ...]  # item-shape ids, in order
    administrative: int = 0
    unparsed: int = 0
    #: positions of items with line-of-therapy constraints
    line_items: tuple[int, ...] = ()


@dataclass(slots=True)
class Profile:
    """Everything a trial's verdict and score depend on, apart from its id and title."""

    set_id: int
    sex: str | None
    min_age: float | None
    max_age: float | None
    overall_status: str | None
    phases: tuple[str, ...]
    tags: tuple[str, ...]
    sites_id: int
    trial_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Entry:
    nct_id: str
    title: str
    record_version: str
    parser_version: str
    profile_id: int
    trial: Trial
    compiled: CompiledTrial


class MatchIndex:
    """Compiled trials prepared for fast matching; build once, match many patients."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.constraints: list[Constraint] = []
        #: constraint id -> truth id (constraints that differ only in wording, polarity or
        #: confidence share one evaluation); truth id -> a representative constraint id
        self.truth_ids: list[int] = []
        self.truth_reps: list[int] = []
        self._truth_ids: dict[tuple[object, ...], int] = {}
        self.items: list[ItemShape] = []
        self.sets: list[CriteriaSet] = []
        self.profiles: list[Profile] = []
        self.site_sets: list[tuple[Site, ...]] = []
        self._constraint_ids: dict[tuple[object, ...], int] = {}
        self._item_ids: dict[tuple[object, ...], int] = {}
        self._set_ids: dict[tuple[int, ...], int] = {}
        self._profile_ids: dict[tuple[object, ...], int] = {}
        self._site_ids: dict[tuple[object, ...], int] = {}
        self._items_by_list: dict[int, tuple[list[CriterionItem], tuple[int, ...]]] = {}
        #: the fast ranking path's patient-independent arrays (``match/fast.py``), built
        #: on first use and rebuilt when trials are added
        self.fast_plan: object | None = None
        self._timed: tuple[int, frozenset[int]] = (0, frozenset())

    # ------------------------------------------------------------------ building

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[Trial, CompiledTrial]]) -> MatchIndex:
        index = cls()
        for trial, compiled in pairs:
            index.add(trial, compiled)
        return index

    @classmethod
    def from_store(cls, store: object) -> MatchIndex:
        """All trials of a store (``iter_compiled_trials`` when the store has it)."""
        pairs = getattr(store, "iter_compiled_trials", None)
        if pairs is not None:
            return cls.from_pairs(pairs())
        from osteotrials.criteria import compile_trial

        trials: Iterable[Trial] = store.iter_trials()  # type: ignore[attr-defined]
        return cls.from_pairs((t, compile_trial(t)) for t in trials)

    def _constraint_id(self, c: Constraint) -> int:
        key = constraint_key(c)
        cid = self._constraint_ids.get(key)
        if cid is None:
            cid = len(self.constraints)
            self._constraint_ids[key] = cid
            self.constraints.append(c)
            tkey = truth_key(c)
            tid = self._truth_ids.get(tkey)
            if tid is None:
                tid = len(self.truth_reps)
                self._truth_ids[tkey] = tid
                self.truth_reps.append(cid)
            self.truth_ids.append(tid)
        return cid

    def constraint_id_of(self, c: Constraint) -> int:
        """The id of the interned constraint that stands for ``c`` (KeyError if none)."""
        return self._constraint_ids[constraint_key(c)]

    def _item_id(self, item: CriterionItem, parent_text: str | None) -> int:
        ids = tuple(self._constraint_id(c) for c in item.constraints)
        plan = plan_item(item, parent_text)
        shape = tuple(
            (c.logic.group, c.logic.connective, c.family == "administrative")
            for c in item.constraints
        )
        key = (
            item.kind,
            item.role,
            item.cohort is not None,
            ids,
            shape,
            plan.subgroup,
            plan.partial,
        )
        iid = self._item_ids.get(key)
        if iid is None:
            iid = len(self.items)
            self._item_ids[key] = iid
            self.items.append(ItemShape(item, ids, plan))
        return iid

    def _sites_id(self, locations: list[Location]) -> int:
        key = tuple(
            (x.facility, x.status, x.zip, x.lat, x.lon, x.city, x.country) for x in locations
        )
        sid = self._site_ids.get(key)
        if sid is None:
            sid = len(self.site_sets)
            self._site_ids[key] = sid
            self.site_sets.append(tuple(make_site(x) for x in locations))
        return sid

    def add(self, trial: Trial, compiled: CompiledTrial) -> None:
        cached = self._items_by_list.get(id(compiled.items))
        if cached is not None and cached[0] is compiled.items:
            items = cached[1]
        else:
            heads = context_texts(compiled.items)
            items = tuple(
                self._item_id(i, heads.get(i.index)) for i in compiled.items if takes_part(i)
            )
            # copies of one compilation (replicated records) share the item list
            self._items_by_list[id(compiled.items)] = (compiled.items, items)
        set_id = self._set_ids.get(items)
        if set_id is None:
            set_id = len(self.sets)
            self._set_ids[items] = set_id
            plans = [self.items[i].plan for i in items]
            self.sets.append(
                CriteriaSet(
                    items,
                    administrative=sum(1 for p in plans if p.administrative),
                    unparsed=sum(1 for p in plans if p.unparsed),
                    line_items=tuple(k for k, p in enumerate(plans) if p.line_positions),
                )
            )
        e = trial.eligibility
        profile_key = (
            set_id,
            (e.sex or "").upper() or None,
            e.minimum_age_years,
            e.maximum_age_years,
            trial.overall_status,
            tuple(trial.phases),
            tuple(sorted(t.name for t in compiled.tags)),
            self._sites_id(trial.locations),
        )
        pid = self._profile_ids.get(profile_key)
        if pid is None:
            pid = len(self.profiles)
            self._profile_ids[profile_key] = pid
            self.profiles.append(
                Profile(
                    set_id,
                    profile_key[1],
                    e.minimum_age_years,
                    e.maximum_age_years,
                    trial.overall_status,
                    tuple(trial.phases),
                    profile_key[6],
                    profile_key[7],
                )
            )
        tid = len(self.entries)
        self.profiles[pid].trial_ids.append(tid)
        title = trial.brief_title or trial.official_title or trial.nct_id
        self.entries.append(
            Entry(
                trial.nct_id,
                title,
                trial.record_version,
                compiled.parser_version,
                pid,
                trial,
                compiled,
            )
        )

    def __len__(self) -> int:
        return len(self.entries)

    def timed_items(self) -> frozenset[int]:
        """Item ids with a constraint that time alone can settle: a therapy, radiotherapy
        or surgery rule with a time window (``match/washout.py``)."""
        n, found = self._timed
        if n != len(self.items):
            found = found | frozenset(
                iid
                for iid in range(n, len(self.items))
                if any(
                    c.time_window is not None and c.family in TIMED_FAMILIES
                    for c in self.items[iid].item.constraints
                )
            )
            self._timed = (len(self.items), found)
        return found

    def stats(self) -> dict[str, int]:
        return {
            "trials": len(self.entries),
            "profiles": len(self.profiles),
            "criteria_sets": len(self.sets),
            "items": len(self.items),
            "constraints": len(self.constraints),
            "distinct_truths": len(self.truth_reps),
            "site_sets": len(self.site_sets),
        }


#: families whose evaluators say when time alone turns a truth (``Truth.wait``)
TIMED_FAMILIES = frozenset({"prior_therapy", "bone_agent", "radiotherapy", "surgery"})


def takes_part(item: CriterionItem) -> bool:
    """Items that take part in a verdict: everything but section headers and lines
    that state there is no condition ("Age: Not specified").

    Notes count too: "Note: subjects must have documented progressive disease" is a
    criterion, and one the engine could not type stays an unparsed (unknown) item,
    so it can never be silently passed over on the way to "eligible".
    """
    return item.role not in ("header", "no_condition")
