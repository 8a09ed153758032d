"""Trials that only a washout blocks (``match/washout.py``): real snapshot criteria and
the example patients; the dates are the evaluators' own tests turned around."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from osteotrials.match import MatchIndex, match_patient, rank_index
from osteotrials.match._core import wait_for
from osteotrials.match.api import rank_index_reference
from osteotrials.match.washout import MAX_DAYS, describe
from osteotrials.model.verdict import MatchResult

from .conftest import AS_OF, example, patient

HER2 = "her2-positive-treated-brain-mets"


@pytest.fixture(scope="module")
def her2_result(snapshot_index: MatchIndex) -> MatchResult:
    return match_patient(example(HER2), snapshot_index, as_of=AS_OF, questions=0)


def test_wait_for_turns_on_the_evaluators_day() -> None:
    last = date(2025, 12, 30)
    # a washout "at least 14 days": recent while last > D - 14, so complete on last + 14
    w = wait_for([("capecitabine", last)], 14, AS_OF, inclusive=False)
    assert w is not None and w.until == last + timedelta(days=14)
    d = w.until
    assert not last > d - timedelta(days=14) and last > (d - timedelta(days=1)) - timedelta(14)
    # a recency window "within 14 days" (last >= D - 14) still holds on last + 14
    w = wait_for([("capecitabine", last)], 14, AS_OF, inclusive=True)
    assert w is not None and w.until == last + timedelta(days=15)
    # a fraction of a day: ``date - timedelta`` counts the whole days only
    w = wait_for([("x", last)], 14.5, AS_OF, inclusive=False)
    assert w is not None and w.until is not None
    assert not last > w.until - timedelta(days=14.5)
    assert last > (w.until - timedelta(days=1)) - timedelta(days=14.5)
    # still given: no date, the wait starts when it stops
    w = wait_for([("a", None), ("b", last)], 28, AS_OF, inclusive=False)
    assert w is not None and w.until is None and w.ongoing == ("a",) and w.agents == ("a", "b")
    # over already, or nothing to wait for
    assert wait_for([("x", date(2025, 1, 1))], 14, AS_OF, inclusive=False) is None
    assert wait_for([], 14, AS_OF, inclusive=False) is None


def test_a_patient_on_chemotherapy_waits_for_a_chemotherapy_washout(
    her2_result: MatchResult,
) -> None:
    by_id = {t.nct_id: t for t in her2_result.trials}
    # "More than 28 days since prior and no concurrent chemotherapy, radiotherapy, or
    # biologic therapy": she is on capecitabine today
    t = by_id["NCT00847171"]
    assert t.verdict == "ineligible"
    aw = t.after_washout
    assert aw is not None
    assert aw.after_stopping == ["capecitabine"] and aw.days == 28 and aw.from_date is None
    assert [b.text for b in t.blocking] == aw.criteria
    assert aw.criteria[0].startswith("More than 28 days since prior and no concurrent")
    assert describe(aw) == (
        "Not eligible today; may open 4 weeks after stopping capecitabine, if nothing else changes"
    )
    # ranked first among the ineligible; the count says how many
    ineligible = [x for x in her2_result.trials if x.verdict == "ineligible"]
    n = her2_result.after_washout
    assert n >= 10
    assert all(x.after_washout is not None for x in ineligible[:n])
    assert all(x.after_washout is None for x in ineligible[n:])


def test_no_wait_when_anything_else_blocks(her2_result: MatchResult) -> None:
    for t in her2_result.trials:
        if t.after_washout is None:
            continue
        assert t.verdict == "ineligible"
        for c in t.blocking:
            failing = [x for x in c.constraints if x.status == "not_met"]
            assert failing, c.text
            assert {x.family for x in failing} <= {
                "prior_therapy",
                "bone_agent",
                "radiotherapy",
                "surgery",
            }
        assert t.after_washout.days <= MAX_DAYS
    # "More than 12 months since prior and no concurrent oral or IV bisphosphonate": a
    # year is no washout a patient plans around
    by_id = {t.nct_id: t for t in her2_result.trials}
    assert by_id["NCT00305695"].verdict == "ineligible"
    assert by_id["NCT00305695"].after_washout is None


def _stopped(days_ago: int) -> dict[str, Any]:
    """The HER2 example with its current regimen stopped ``days_ago`` days before AS_OF."""
    data = example(HER2).model_dump(mode="json", exclude_none=True)
    for r in data["regimens"]:
        if r.get("ongoing"):
            r["ongoing"] = False
            r["stop_date"] = (AS_OF - timedelta(days=days_ago)).isoformat()
            r["stop_reason"] = "progression"
    return data


def test_a_stopped_therapy_gives_the_day_the_wait_is_over(snapshot_index: MatchIndex) -> None:
    p = patient(**_stopped(10))
    result = match_patient(p, snapshot_index, as_of=AS_OF, questions=0)
    by_id = {t.nct_id: t for t in result.trials}
    aw = by_id["NCT00847171"].after_washout
    assert aw is not None and aw.after_stopping == []
    # washout complete on the last dose + 28 days
    assert aw.from_date == AS_OF - timedelta(days=10) + timedelta(days=28)
    assert "may open from " + aw.from_date.isoformat() in describe(aw)
    # and on that day the trial's washout is met: it is no longer blocked by it
    later = match_patient(p, snapshot_index, as_of=aw.from_date, questions=0)
    t = next(x for x in later.trials if x.nct_id == "NCT00847171")
    assert t.verdict != "ineligible" or t.after_washout is None
    assert not any(c.text == aw.criteria[0] for c in t.blocking)
    # one day before, still blocked
    before = match_patient(p, snapshot_index, as_of=aw.from_date - timedelta(days=1), questions=0)
    t = next(x for x in before.trials if x.nct_id == "NCT00847171")
    assert t.verdict == "ineligible" and t.after_washout is not None


def test_fast_and_reference_paths_agree(snapshot_index: MatchIndex) -> None:
    for name in (HER2, "premenopausal-de-novo-ovarian-suppression"):
        p = example(name)
        fast = rank_index(snapshot_index, p, as_of=AS_OF)
        ref = rank_index_reference(snapshot_index, p, as_of=AS_OF)
        assert fast.after_washout and fast.after_washout == ref.after_washout
        assert fast.order == ref.order
