"""Literal gates on the engine's module-level patterns (``vocab._regex.gate_module``)
change speed, not results: a gate is sound when it never hides a match."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria.pipeline import GATED_MODULES, compile_segments
from osteotrials.vocab._regex import GatedPattern, exact_gate, gated


def _gated_attrs() -> list[tuple[Any, str, GatedPattern]]:
    return [
        (module, name, value)
        for module in dict.fromkeys(GATED_MODULES)
        for name, value in vars(module).items()
        if isinstance(value, GatedPattern)
    ]


class _Checked:
    """The raw pattern, run every time; records whether a match ever came with a closed gate."""

    def __init__(self, gp: GatedPattern, log: dict[str, int], misses: list[tuple[str, str]]):
        self.gp, self.raw, self.log, self.misses = gp, gp.raw, log, misses
        self.pattern, self.flags, self.groups = gp.pattern, gp.flags, gp.groups
        self.groupindex = gp.groupindex

    def _seen(self, string: str, matched: bool) -> None:
        if matched:
            self.log["matches"] += 1
            if not any(lit in string for lit in self.gp.literals):
                self.misses.append((self.raw.pattern, string))
        elif not any(lit in string for lit in self.gp.literals):
            self.log["skippable"] += 1

    def search(self, string: str, *args: int) -> re.Match[str] | None:
        m = self.raw.search(string, *args)
        self._seen(string, m is not None)
        return m

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        m = self.raw.match(string, *args)
        self._seen(string, m is not None)
        return m

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        m = self.raw.fullmatch(string, *args)
        self._seen(string, m is not None)
        return m

    def finditer(self, string: str, *args: int) -> Any:
        found = list(self.raw.finditer(string, *args))
        self._seen(string, bool(found))
        return iter(found)

    def findall(self, string: str, *args: int) -> list[Any]:
        found = self.raw.findall(string, *args)
        self._seen(string, bool(found))
        return found

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        out, n = self.raw.subn(repl, string, count)
        self._seen(string, n > 0)
        return out

    def split(self, string: str, maxsplit: int = 0) -> list[Any]:
        out = self.raw.split(string, maxsplit)
        self._seen(string, len(out) > 1)
        return out


def test_gates_are_sound_and_change_nothing_on_the_snapshot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every snapshot text: no pattern ever matches a text its gate would have closed,
    and the output with gates equals the output with every pattern run."""
    attrs = _gated_attrs()
    assert len(attrs) > 80  # the engine's patterns are gated at all
    texts = list(criteria_texts().values())
    fast = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    log = {"matches": 0, "skippable": 0}
    misses: list[tuple[str, str]] = []
    for module, name, gp in attrs:
        monkeypatch.setattr(module, name, _Checked(gp, log, misses))
    slow = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    assert misses == []
    assert log["matches"] > 10_000 and log["skippable"] > 100_000  # gates were exercised
    assert fast == slow


def test_exact_gate_keeps_case_and_refuses_case_insensitive_patterns() -> None:
    assert exact_gate(re.compile(r"\b(?:ET|HT)\b")) == ("ET", "HT")
    assert exact_gate(re.compile(r"taxanes?|taxoids?")) == ("tax",)
    assert exact_gate(re.compile(r"taxane", re.IGNORECASE)) is None
    assert exact_gate(re.compile(r"(?i:taxane)s")) is None
    assert exact_gate(re.compile(r"[.;]\s")) is None  # no literal: always run
    ungateable = re.compile(r"\W+")
    assert gated(ungateable) is ungateable  # nothing to test first: the pattern itself
    pattern = re.compile(r"\bET\b")
    gp = gated(pattern)
    assert isinstance(gp, GatedPattern)
    assert gp.search("prior et") is None and pattern.search("prior et") is None
    hit = gp.search("prior ET")
    assert hit is not None and hit.span() == (6, 8)
    assert gp.sub("x", "no literal here") == "no literal here"
    assert [m.span() for m in gp.finditer("ET and ET")] == [(0, 2), (7, 9)]
    assert gp.findall("nothing") == [] and gp.split("a b") == ["a b"]
