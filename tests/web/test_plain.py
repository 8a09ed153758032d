"""Plain-language wording of real trial records (what it tests, phase, randomisation)."""

from __future__ import annotations

from pathlib import Path

from osteotrials.store import open_store
from osteotrials.web import plain


def words(db: Path, nct_id: str) -> tuple[str, str, str]:
    with open_store(db) as store:
        trial = store.get_trial(nct_id)
        compiled = store.get_compiled(nct_id)
    assert trial is not None
    return (
        plain.what_it_tests(trial, compiled),
        plain.randomisation_text(trial),
        plain.placebo_text(trial),
    )


def test_what_each_trial_tests(web_db: Path) -> None:
    # ipatasertib (AKT) + fulvestrant + palbociclib: both targeted families named once
    tests, randomised, placebo = words(web_db, "NCT03959891")
    assert tests.startswith("A targeted pill (a CDK4/6 inhibitor) added to hormone therapy")
    assert "PI3K, AKT or mTOR" in tests and tests.count("hormone") == 1
    assert randomised.startswith("Not randomised")
    assert placebo == "No placebo is mentioned in the record."
    # 177Lu radioligand with a CDK4/6 inhibitor
    assert words(web_db, "NCT05870579")[0].startswith("A radioactive medicine")
    assert "bone-strengthening" in words(web_db, "NCT00436917")[0]
    assert words(web_db, "NCT00756496")[0] == "A scan or test, not a new treatment."
    # a placebo-controlled trial says so, and that a real treatment is still given
    placebo = words(web_db, "NCT00930930")[2]
    assert placebo.startswith("Uses a placebo") and "on top of a real treatment" in placebo


def test_phase_words() -> None:
    assert plain.phase_text(["PHASE1", "PHASE2"]).startswith("Phase 1/2")
    assert plain.phase_text(["PHASE3"]).startswith("Phase 3: compares")
    assert plain.phase_text([]) == "The record does not give a phase."
    assert plain.phase_label(["EARLY_PHASE1"]) == "early phase 1"
    assert plain.status_text("ACTIVE_NOT_RECRUITING") == "running, but not taking new people"
