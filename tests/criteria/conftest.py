"""Fixtures for the eligibility-engine tests: the bundled snapshot, its trials and
helpers to compile one real criterion."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from osteotrials.criteria import compile_criteria
from osteotrials.model import Trial
from osteotrials.model.criteria import Constraint, CriterionItem
from osteotrials.sources.ctgov_json import trial_from_study
from paths import SNAPSHOT_JSONL

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"

#: the "look metastatic" heuristic of docs/data-provenance.md
METASTATIC = re.compile(r"metasta|\badvanced\b|\bstage\s*(?:iv|4)\b|\bunresectable\b|\bmbc\b", re.I)
NOT_METASTATIC_LINE = re.compile(
    r"\b(?:no|non|not|without)\b[\s-]+(?:\w+[\s-]+){0,2}metasta|non-?metasta", re.I
)


@cache
def snapshot_records() -> tuple[dict[str, Any], ...]:
    with SNAPSHOT_JSONL.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh)


@cache
def criteria_texts() -> dict[str, str]:
    return {
        r["protocolSection"]["identificationModule"]["nctId"]: (
            r["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria") or ""
        )
        for r in snapshot_records()
    }


def trial_item(nct_id: str, start: str) -> CriterionItem:
    """The one item of a snapshot trial whose text starts with ``start``, compiled with the
    rest of its trial's criteria (sub-items read with their parents and labels)."""
    items = [i for i in compile_criteria(criteria_texts()[nct_id]) if i.text.startswith(start)]
    assert len(items) == 1, (nct_id, start, [i.text for i in items])
    return items[0]


@cache
def _all_text() -> str:
    return "\n".join(criteria_texts().values())


def looks_metastatic(record: dict[str, Any]) -> bool:
    ps = record["protocolSection"]
    ident = ps.get("identificationModule", {})
    cond = ps.get("conditionsModule", {})
    titles = " ".join(
        [
            ident.get("briefTitle") or "",
            ident.get("officialTitle") or "",
            *cond.get("conditions", []),
            *cond.get("keywords", []),
        ]
    )
    if titles.strip():
        return bool(METASTATIC.search(titles))
    text = ps.get("eligibilityModule", {}).get("eligibilityCriteria") or ""
    inclusion = re.split(r"(?mi)^\s*\W*Exclusion", text)[0]
    return any(
        METASTATIC.search(line) and not NOT_METASTATIC_LINE.search(line)
        for line in inclusion.splitlines()
    )


def assert_real(text: str) -> None:
    """Unit tests use criteria text as it is in the snapshot, not made-up text."""
    assert text in _all_text(), f"not in the snapshot: {text!r}"


def one(text: str, kind: str = "inclusion") -> list[Constraint]:
    """Compile one real criterion as a bullet under an inclusion/exclusion header."""
    assert_real(text)
    header = "Inclusion Criteria:" if kind == "inclusion" else "Exclusion Criteria:"
    items = [i for i in compile_criteria(f"{header}\n\n* {text}\n") if i.role != "header"]
    assert len(items) == 1, [i.text for i in items]
    return items[0].constraints


def fam(text: str, family: str, kind: str = "inclusion") -> list[Constraint]:
    return [c for c in one(text, kind) if c.family == family]


@pytest.fixture(scope="session")
def records() -> tuple[dict[str, Any], ...]:
    return snapshot_records()


@pytest.fixture(scope="session")
def trials(records: tuple[dict[str, Any], ...]) -> list[Trial]:
    return [trial_from_study(r) for r in records]


@pytest.fixture(scope="session")
def annotations() -> list[dict[str, Any]]:
    return _read_jsonl("annotations.jsonl")


@pytest.fixture(scope="session")
def heldout_annotations() -> list[dict[str, Any]]:
    return _read_jsonl("annotations_heldout.jsonl")


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def iter_items_of(nct_ids: set[str]) -> Iterator[tuple[str, str]]:
    for nct, text in criteria_texts().items():
        if nct in nct_ids:
            yield nct, text
