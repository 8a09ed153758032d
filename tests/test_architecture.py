"""Dependencies point one way: from the surfaces down to the core model.

Every ``import osteotrials.X`` in a package (at any depth, including imports
inside functions) must be in that package's allowed list, as documented in
docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "osteotrials"

ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "vocab": {"model"},
    "sources": {"model", "vocab"},
    "criteria": {"model", "vocab"},
    # The store builds the bundled snapshot through the readers and expands search
    # queries with the drug vocabulary.
    "store": {"model", "vocab", "criteria", "sources"},
    "patient": {"model", "vocab", "sources"},
    "match": {"model", "vocab", "criteria", "patient"},
    "outcomes": {"model"},
    "report": {"model", "vocab", "criteria", "patient", "match", "outcomes"},
    "sync": {"model", "vocab", "criteria", "sources", "store"},
}
SURFACES = {"cli", "api", "web"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "osteotrials" and len(parts) > 1:
                found.add(parts[1])
    return found


def packages() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def test_every_package_has_a_rule() -> None:
    unknown = set(packages()) - set(ALLOWED) - SURFACES - {"data"}
    assert not unknown, f"add these packages to ALLOWED and docs/architecture.md: {unknown}"


@pytest.mark.parametrize("package", sorted(set(ALLOWED) & set(packages())))
def test_imports_point_down(package: str) -> None:
    folder = SRC / package
    allowed = ALLOWED[package] | {package}
    bad = {
        f"{path.relative_to(SRC)} imports osteotrials.{name}"
        for path in folder.rglob("*.py")
        for name in imported_packages(path)
        if name not in allowed and name in set(ALLOWED) | SURFACES
    }
    assert not bad, sorted(bad)


def test_nothing_imports_the_surfaces() -> None:
    bad = {
        f"{path.relative_to(SRC)} imports osteotrials.{name}"
        for package in ALLOWED
        for path in (SRC / package).rglob("*.py")
        for name in imported_packages(path)
        if name in SURFACES
    }
    assert not bad, sorted(bad)
