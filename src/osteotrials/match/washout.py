"""Trials that only time blocks: every criterion they fail today is a washout not yet
complete or an exposure inside a recency window.

A patient on chemotherapy today fails "at least 4 weeks since prior chemotherapy"; one
operated on last week fails "no major surgery within 28 days". Such a trial is not
eligible today, and saying so is right. But it is the trial a patient may join at the
next change of treatment, so the match says when those criteria would be met
(``TrialMatch.after_washout``) and ranks these trials first among the ineligible ones.

Only what the evaluators themselves say is used: a constraint's ``Truth.wait``
(``match/_core.py``) says when time alone turns its truth. A trial qualifies only
when each criterion it fails fails on such constraints alone, no structured
criterion (age, sex) fails, and no wait is longer than ``after_washout_max_days``
(``match/data/defaults.yaml``: 90 days; "no chemotherapy within 5 years" is no washout
a patient plans around). The verdict is never changed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from osteotrials.match._core import Wait
from osteotrials.match._data import load
from osteotrials.model.verdict import AfterWashout

if TYPE_CHECKING:
    from osteotrials.match.api import Ranked

__all__ = [
    "MAX_DAYS",
    "after_washouts",
    "combine",
    "describe",
    "describe_days",
    "first_after_washout",
]

#: the longest wait shown (``defaults.yaml``): weeks to plan a change of treatment around
MAX_DAYS = float(load("defaults.yaml")["after_washout_max_days"])


def _failing_items(ranked: Ranked, items: tuple[int, ...]) -> list[int]:
    fast = ranked.fast
    if fast is not None:
        from osteotrials.match.fast import NOT_MET

        codes = fast.item_status
        return [iid for iid in items if codes[iid] == NOT_MET]
    results = ranked.item_results
    return [iid for iid in items if results[iid].status == "not_met"]


def _candidate_sets(ranked: Ranked, timed: frozenset[int]) -> set[int] | None:
    """The criteria sets that fail only on items with a timed rule (the fast path's
    arrays: one pass over every set's items); None without them (the reference path)."""
    fast = ranked.fast
    if fast is None:
        return None
    import numpy as np

    from osteotrials.match.fast import NOT_MET, fast_plan

    plan = fast_plan(ranked.index)
    is_timed = np.zeros(len(fast.item_status), dtype=np.bool_)
    if timed:
        is_timed[np.fromiter(timed, dtype=np.intp, count=len(timed))] = True
    failing = fast.item_status == NOT_MET
    n_sets = len(ranked.index.sets)
    untimed = np.zeros(n_sets, dtype=np.bool_)
    untimed[plan.o_set[(failing & ~is_timed)[plan.o_item]]] = True
    some = np.zeros(n_sets, dtype=np.bool_)
    some[plan.o_set[(failing & is_timed)[plan.o_item]]] = True
    return set(np.flatnonzero(some & ~untimed).tolist())


def _profile_waits(
    ranked: Ranked, pid: int, timed: frozenset[int], candidates: set[int] | None
) -> AfterWashout | None:
    index = ranked.index
    set_id = index.profiles[pid].set_id
    if candidates is not None and set_id not in candidates:
        return None
    failing = _failing_items(ranked, index.sets[set_id].items)
    if not failing or not timed.issuperset(failing):
        return None
    waits: list[Wait] = []
    texts: list[str] = []
    for iid in failing:
        results = [r for r in ranked.item_results[iid].results if r.status == "not_met"]
        # an item failed by its own rules (a cohort, a subgroup), not by a constraint
        if not results:
            return None
        for r in results:
            if r.truth.wait is None or r.truth.wait.days > MAX_DAYS:
                return None
            waits.append(r.truth.wait)
        texts.append(index.items[iid].item.text)
    if any(s.status == "not_met" for s in ranked.profiles[pid].structured):
        return None
    return combine(waits, texts)


def combine(waits: list[Wait], criteria: list[str]) -> AfterWashout:
    """One trial's waits together: the longest, the agents, the first day all are over."""
    ongoing = sorted({n for w in waits for n in w.ongoing})
    untils = [w.until for w in waits if w.until is not None]
    from_date: date | None = None if ongoing or not untils else max(untils)
    return AfterWashout(
        agents=sorted({n for w in waits for n in w.agents}),
        after_stopping=ongoing,
        days=max(w.days for w in waits),
        from_date=from_date,
        criteria=list(dict.fromkeys(criteria)),
    )


def after_washouts(ranked: Ranked) -> dict[int, AfterWashout]:
    """Profile id -> its wait, for the ineligible profiles that only time blocks."""
    index = ranked.index
    timed = index.timed_items()
    candidates = _candidate_sets(ranked, timed)
    out: dict[int, AfterWashout] = {}
    seen: set[int] = set()
    for tid in ranked.order.get("ineligible", []):
        pid = index.entries[tid].profile_id
        if pid in seen:
            continue
        seen.add(pid)
        found = _profile_waits(ranked, pid, timed, candidates)
        if found is not None:
            out[pid] = found
    return out


def first_after_washout(ranked: Ranked) -> None:
    """Set ``ranked.after_washout`` and move those trials to the front of the ineligible
    ones (each group keeps its order: by score)."""
    found = after_washouts(ranked)
    ranked.after_washout = found
    if not found:
        return
    entries = ranked.index.entries
    ineligible = ranked.order.get("ineligible", [])
    first = [t for t in ineligible if entries[t].profile_id in found]
    rest = [t for t in ineligible if entries[t].profile_id not in found]
    ranked.order["ineligible"] = first + rest


def describe_days(days: float) -> str:
    """A wait in plain words: whole weeks when it is some, else days."""
    if days >= 14 and days % 7 == 0:
        return f"{days / 7:g} weeks"
    return f"{days:g} days"


def describe(wait: AfterWashout) -> str:
    """One plain sentence: when the waits would be over ("may open 4 weeks after stopping
    capecitabine")."""
    if wait.after_stopping:
        return (
            f"Not eligible today; may open {describe_days(wait.days)} after stopping "
            f"{', '.join(wait.after_stopping)}, if nothing else changes"
        )
    when = wait.from_date.isoformat() if wait.from_date else "later"
    return (
        f"Not eligible today; may open from {when}, when the wait after "
        f"{', '.join(wait.agents)} is over, if nothing else changes"
    )
