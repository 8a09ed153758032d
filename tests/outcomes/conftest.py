"""Fixtures for the outcomes tests: the synthetic example registry and editable copies."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_REGISTRY = REPO / "examples" / "registry"


@pytest.fixture(scope="session")
def example_registry() -> Path:
    assert (EXAMPLE_REGISTRY / "patients.csv").exists(), "examples/registry is missing"
    return EXAMPLE_REGISTRY


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A writable copy of the example registry."""
    dest = tmp_path / "registry"
    shutil.copytree(EXAMPLE_REGISTRY, dest, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return dest


Editor = Callable[[str, int, str, str], None]


@pytest.fixture
def edit_cell(registry_copy: Path) -> Editor:
    """``edit_cell(table, data_index, column, value)`` changes one cell of the copy."""

    def edit(table: str, index: int, column: str, value: str) -> None:
        path = registry_copy / f"{table}.csv"
        rows = read_csv(path)
        header = list(rows[0])
        rows[index][column] = value
        write_csv(path, rows, header)

    return edit
