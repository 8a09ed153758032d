"""Fixtures for the matching tests: the snapshot's compiled trials (compiled by the real
eligibility engine, once per session), an index over them, and patient builders."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from osteotrials.match import MatchIndex
from osteotrials.match._core import Context
from osteotrials.model.criteria import CompiledTrial, CriterionItem
from osteotrials.model.patient import Patient
from osteotrials.model.trial import Trial
from osteotrials.patient import derive, load_patient, parse_patient
from paths import EXAMPLE_PATIENTS

#: every matching test evaluates "today" as this date (the snapshot's date)
AS_OF = date(2026, 1, 5)


@pytest.fixture(scope="session")
def snapshot_pairs(_session_cache: Path) -> list[tuple[Trial, CompiledTrial]]:
    """Every snapshot trial with its compiled criteria (from the bundled database)."""
    from osteotrials.store import open_store

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(_session_cache))
        mp.delenv("OSTEOTRIALS_DB", raising=False)
        store = open_store(None)
        try:
            pairs = list(store.iter_compiled_trials())
        finally:
            store.close()
    assert len(pairs) > 1000
    return pairs


@pytest.fixture(scope="session")
def snapshot_index(snapshot_pairs: list[tuple[Trial, CompiledTrial]]) -> MatchIndex:
    return MatchIndex.from_pairs(snapshot_pairs)


@pytest.fixture(scope="session")
def registry_complete_index(snapshot_pairs: list[tuple[Trial, CompiledTrial]]) -> MatchIndex:
    """The snapshot with every record's missing sex field set to "ALL", as every
    ClinicalTrials.gov record states it: the same criteria, but copies such as NLI4CT's no
    longer carry the "registry limits not in this copy" unknown, so "eligible" verdicts
    occur and the properties of that verdict are tested on real criteria."""
    pairs = [
        (
            t
            if t.eligibility.sex
            else t.model_copy(
                update={"eligibility": t.eligibility.model_copy(update={"sex": "ALL"})}
            ),
            c,
        )
        for t, c in snapshot_pairs
    ]
    return MatchIndex.from_pairs(pairs)


@pytest.fixture(scope="session")
def by_id(
    snapshot_pairs: list[tuple[Trial, CompiledTrial]],
) -> dict[str, tuple[Trial, CompiledTrial]]:
    return {t.nct_id: (t, c) for t, c in snapshot_pairs}


class ItemFinder:
    """Find real criteria in the snapshot by their words and constraint family."""

    def __init__(self, pairs: list[tuple[Trial, CompiledTrial]]):
        self.pairs = pairs

    def find(self, pattern: str, family: str, **params: Any) -> CriterionItem:
        rx = re.compile(pattern, re.IGNORECASE)
        for _trial, compiled in self.pairs:
            for item in compiled.items:
                if not rx.search(item.text):
                    continue
                for c in item.constraints:
                    if c.family == family and all(c.params.get(k) == v for k, v in params.items()):
                        return item
        raise LookupError(f"no snapshot item matches {pattern!r} with a {family} constraint")

    def item(self, nct_id: str, pattern: str) -> CriterionItem:
        rx = re.compile(pattern, re.IGNORECASE)
        for trial, compiled in self.pairs:
            if trial.nct_id == nct_id:
                for item in compiled.items:
                    if rx.search(item.text):
                        return item
        raise LookupError(f"{nct_id}: no item matches {pattern!r}")


@pytest.fixture(scope="session")
def finder(snapshot_pairs: list[tuple[Trial, CompiledTrial]]) -> ItemFinder:
    return ItemFinder(snapshot_pairs)


def patient(**fields: Any) -> Patient:
    return parse_patient(fields, as_of=AS_OF).patient


def context(p: Patient) -> Context:
    return Context(p, derive(p, as_of=AS_OF), AS_OF)


def example(name: str) -> Patient:
    return load_patient(EXAMPLE_PATIENTS / f"{name}.yaml", as_of=AS_OF).patient


@pytest.fixture
def tmp_patient_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "patient.yaml"
