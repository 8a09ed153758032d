"""The wheel's build hook runs osteotrials' own ingest code (hatch_build.py) in pip's
isolated build environment, which holds only ``[build-system] requires``. Every
third-party module that code can import must be listed there, or ``pip install .``
(the README's first command) fails on a fresh machine."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
#: import name -> distribution name, where they differ
DISTRIBUTION = {"yaml": "pyyaml"}


def _imports(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (function bodies too:
    the build calls functions that import lazily)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def third_party_imports_of(start: list[str]) -> dict[str, str]:
    """Third-party top-level modules reachable from ``start`` through osteotrials
    imports, each with one osteotrials file that imports it."""
    seen: set[Path] = set()
    todo = [p for p in (_module_file(n) for n in start) if p is not None]
    found: dict[str, str] = {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        parts = path.relative_to(SRC).with_suffix("").parts
        # importing a module runs its packages' __init__ files first
        for i in range(1, len(parts)):
            init = SRC.joinpath(*parts[:i], "__init__.py")
            if init.is_file():
                todo.append(init)
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "osteotrials":
                target = _module_file(name)
                if target is not None:
                    todo.append(target)
            elif top not in sys.stdlib_module_names and top != "__future__":
                found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _build_requirements() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = set()
    for req in data["build-system"]["requires"]:
        match = re.match(r"[A-Za-z0-9_.-]+", req)
        assert match, req
        names.add(match.group(0).lower().replace("_", "-"))
    return names


def test_build_requirements_cover_what_the_build_hook_imports() -> None:
    hook_imports = {
        n for n in _imports(ROOT / "hatch_build.py") if n.split(".")[0] == "osteotrials"
    }
    assert hook_imports, "hatch_build.py no longer imports osteotrials: update this test"
    needed = third_party_imports_of(sorted(hook_imports))
    # imported only inside open_store() for a postgresql:// URL; the build writes SQLite
    needed.pop("psycopg", None)
    required = _build_requirements()
    missing = {
        f"{DISTRIBUTION.get(name, name)} (imported by {where})"
        for name, where in needed.items()
        if DISTRIBUTION.get(name, name).lower() not in required
    }
    assert not missing, f"add to [build-system] requires in pyproject.toml: {sorted(missing)}"


def test_the_check_sees_the_store_and_the_engine() -> None:
    # guards the test above against finding nothing: the store imports numpy and
    # sqlite3, the vocabularies yaml and rapidfuzz
    needed = third_party_imports_of(["osteotrials.store.bundle"])
    assert {"numpy", "yaml", "rapidfuzz", "pydantic"} <= set(needed)
