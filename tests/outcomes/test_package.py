"""Package rules: imports (architecture.md) and versioned reference data."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest

from osteotrials.outcomes import _reference
from osteotrials.outcomes.errors import ReferenceDataError

OUTCOMES = Path(__file__).resolve().parents[2] / "src" / "osteotrials" / "outcomes"


def test_outcomes_imports_only_model_of_ours() -> None:
    offenders = []
    for path in OUTCOMES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.startswith("osteotrials") and not n.startswith(
                    ("osteotrials.outcomes", "osteotrials.model")
                ):
                    offenders.append(f"{path.name}: {n}")
    assert offenders == []


def test_every_data_file_is_versioned() -> None:
    files = sorted(
        p.name
        for p in resources.files("osteotrials.outcomes").joinpath("data").iterdir()
        if p.name.endswith(".yaml")
    )
    assert len(files) >= 7
    for name in files:
        assert _reference.version(name)


def test_missing_data_file_is_a_clear_error() -> None:
    with pytest.raises(ReferenceDataError) as exc:
        _reference.load("nope.yaml")
    assert exc.value.field == "nope.yaml"
