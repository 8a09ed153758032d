"""Literal gates on the engine's module-level patterns (``vocab._regex.gate_module``)
change speed, not results: a gate is sound when it never hides a match."""

from __future__ import annotations

import re
import types
from typing import Any

import pytest
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria.families import (
    administrative,
    cardiac,
    comorbidity,
    lab,
    medication,
    pregnancy,
)
from osteotrials.criteria.pipeline import GATED_MODULES, compile_segments
from osteotrials.criteria.segment import segment
from osteotrials.criteria.text import normalise
from osteotrials.vocab import drugs
from osteotrials.vocab._regex import (
    _REGISTRY,
    GATED_RE,
    GatedPattern,
    exact_gate,
    fast_start,
    first_character_groups,
    gate_module,
    gated,
    hoist_boundaries,
    literal_occurs,
    top_level_alternatives,
)


def _gated_in(module: Any) -> list[GatedPattern]:
    """The gated patterns of ``module``: bound to names or one level down in tables."""
    out: list[GatedPattern] = []
    for value in vars(module).values():
        elements = value.values() if isinstance(value, dict) else [value]
        if isinstance(value, list | tuple):
            elements = value
        for element in elements:
            parts = element if isinstance(element, tuple) else (element,)
            out.extend(p for p in parts if isinstance(p, GatedPattern))
    return out


def _checked(method: str, matched: Any, log: dict[str, int], misses: list[Any]) -> Any:
    """A ``GatedPattern`` method that always runs the raw pattern and records whether a
    match ever came with every gate literal absent (an unsound gate)."""

    def run(self: GatedPattern, string: str, *args: Any) -> Any:
        result = getattr(self.raw, method)(string, *args)
        if method == "finditer":
            result = list(result)
        gate_open = any(lit in string for lit in self.literals)
        if self.bit:  # the registry bit reads the word literals ("^er": a token starts so)
            gate_open = gate_open and any(literal_occurs(a, string) for a in self.anchors)
        if matched(result, string):
            log["matches"] += 1
            if not gate_open:
                misses.append((self.pattern, string))
        elif not gate_open:
            log["skipped"] += 1
        return iter(result) if method == "finditer" else result

    return run


_MATCHED = {
    "search": lambda r, s: r is not None,
    "match": lambda r, s: r is not None,
    "fullmatch": lambda r, s: r is not None,
    "finditer": lambda r, s: bool(r),
    "findall": lambda r, s: bool(r),
    "split": lambda r, s: len(r) > 1,
}


def test_gates_are_sound_and_change_nothing_on_the_snapshot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every snapshot text: no pattern ever matches a text its gate would have closed,
    and the output with gates equals the output with every pattern run."""
    gated_patterns = [p for m in dict.fromkeys(GATED_MODULES) for p in _gated_in(m)]
    assert len(gated_patterns) > 100  # the engine's patterns are gated at all
    texts = list(criteria_texts().values())
    fast = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    log = {"matches": 0, "skipped": 0}
    misses: list[Any] = []
    for method, matched in _MATCHED.items():
        monkeypatch.setattr(GatedPattern, method, _checked(method, matched, log, misses))

    def sub(self: GatedPattern, repl: Any, string: str, count: int = 0) -> str:
        out, n = self.raw.subn(repl, string, count)
        if n and not any(lit in string for lit in self.literals):
            misses.append((self.pattern, string))
        return out

    monkeypatch.setattr(GatedPattern, "sub", sub)
    slow = [[i.model_dump(mode="json") for i in compile_segments(t)] for t in texts]
    assert misses == []
    assert log["matches"] > 10_000 and log["skipped"] > 100_000  # gates were exercised
    assert fast == slow


def test_exact_gate_keeps_case_and_refuses_case_insensitive_patterns() -> None:
    assert exact_gate(re.compile(r"\b(?:ET|HT)\b")) == ("ET", "HT")
    # "tax" then (anes?|oids?) as parsed: the run joined to each alternative is kept
    assert exact_gate(re.compile(r"taxanes?|taxoids?")) == ("taxane", "taxoid")
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


def test_gate_module_gates_names_and_tables_in_place() -> None:
    module = types.ModuleType("m")
    table = [("a", re.compile(r"alpha")), ("b", re.compile(r"\d+"))]
    module.ONE = re.compile(r"beta|gamma")  # type: ignore[attr-defined]
    module.TABLE = table  # type: ignore[attr-defined]
    module.BY_NAME = {"x": re.compile(r"delta")}  # type: ignore[attr-defined]
    module.PAIRS = ((re.compile(r"eps"), 1),)  # type: ignore[attr-defined]
    module.TEXT = "alpha"  # type: ignore[attr-defined]
    assert gate_module(module) == 4  # the digit pattern has no literal: left as it is
    assert isinstance(module.ONE, GatedPattern) and module.ONE.literals == ("beta", "gamma")
    assert module.TABLE is table and isinstance(table[0][1], GatedPattern)
    assert isinstance(table[1][1], re.Pattern)
    assert isinstance(module.BY_NAME["x"], GatedPattern)
    assert isinstance(module.PAIRS[0][0], GatedPattern) and module.PAIRS[0][1] == 1
    assert module.TEXT == "alpha" and len(_gated_in(module)) == 4


def test_registry_bit_of_a_gate_agrees_with_its_literals_on_the_snapshot() -> None:
    """The bit test a gate makes on a text the registry knows (``GatedPattern.bit``)
    says open exactly when one of its word literals occurs in the text ("^er": a token
    starts so; ``literal_occurs``), for every gated pattern of the engine (module-level
    and inline) on snapshot item texts; the bit never opens where the plain literals of
    the substring fallback are absent."""
    for text in criteria_texts().values():
        compile_segments(text)  # every inline pattern the snapshot reaches is gated
    patterns = [p for m in dict.fromkeys(GATED_MODULES) for p in _gated_in(m)]
    patterns += [p for p in (*GATED_RE._plain.values(), *GATED_RE._flagged.values())]
    with_bit = [p for p in patterns if isinstance(p, GatedPattern) and p.bit]
    assert len(with_bit) > 300, len(with_bit)
    literals = sorted({lit for p in with_bit for lit in p.literals})
    anchors = sorted({a for p in with_bit for a in p.anchors})
    assert any(a.startswith("^") for a in anchors)  # word literals in use
    checked = opened = 0
    for text in list(criteria_texts().values())[::10]:
        for seg in segment(text):
            for lower in {normalise(seg.text), seg.text.lower()}:
                mask = _REGISTRY.text_mask(lower)
                present = {lit for lit in literals if lit in lower}
                occurring = {a for a in anchors if literal_occurs(a, lower)}
                for p in with_bit:
                    expected = not occurring.isdisjoint(p.anchors)
                    assert bool(mask & p.bit) == expected, (p.pattern[:60], lower)
                    assert not expected or not present.isdisjoint(p.literals)
                    checked += 1
                    opened += expected
    assert checked > 1_000_000 and opened > 10_000, (checked, opened)


def test_gate_bit_is_used_on_known_texts_and_only_for_lower_case_literals() -> None:
    lower = gated(re.compile(r"\bzoledron\w*"))
    upper = gated(re.compile(r"\bZOL\b"))
    assert isinstance(lower, GatedPattern) and isinstance(upper, GatedPattern)
    assert lower.bit and not upper.bit  # an upper-case literal is never in a token
    text = "prior zoledronic acid; zol"
    _REGISTRY.text_mask(text)  # now a known text: the bit decides
    assert text in _REGISTRY.recent
    hit = lower.search(text)
    assert hit is not None and hit.span() == (6, 16)
    assert upper.search(text) is None and upper.search("ZOL") is not None
    assert [m.span() for m in lower.finditer(text)] == [(6, 16)]
    assert lower.match(text) is None and lower.sub("x", text) == "prior x acid; zol"


def test_fast_start_gives_the_same_matches_on_the_snapshot() -> None:
    """Every engine pattern run with a first-character look-ahead (``fast_start``) finds
    exactly the matches of the pattern as written, on snapshot item texts."""
    for text in criteria_texts().values():
        compile_segments(text)  # every inline pattern the snapshot reaches is gated
    patterns = [p for m in dict.fromkeys(GATED_MODULES) for p in _gated_in(m)]
    patterns += [p for p in (*GATED_RE._plain.values(), *GATED_RE._flagged.values())]
    sped = {
        p.pattern: (re.compile(p.pattern, p.flags), p.raw)
        for p in patterns
        if isinstance(p, GatedPattern) and p.raw.pattern != p.pattern
    }
    # patterns kept outside modules: multi-pattern tables, drug classes, lab names
    for multi in (
        m._COMPILED for m in (administrative, cardiac, comorbidity, medication, pregnancy)
    ):
        for (_n, written), (_m, fast) in zip(multi.patterns, multi._fast, strict=True):
            sped[written.pattern] = (written, fast)
    for fast, (written, _c) in zip(drugs._class_fast(), drugs._class_gated()[0], strict=True):
        sped[written.pattern] = (written, fast)
    fast_lab = lab._mention_pattern()  # names grouped by first character, look-ahead
    assert fast_lab.pattern.startswith("(?=[")
    written_lab = lab._mention_source(grouped=False)
    sped[written_lab] = (re.compile(written_lab), fast_lab)
    assert sum(w is not f for w, f in sped.values()) > 150, len(sped)
    matched = 0
    for text in list(criteria_texts().values())[::5]:
        for seg in segment(text):
            for string in {normalise(seg.text), seg.text.lower(), seg.text}:
                for source, (written, fast) in sped.items():
                    expected = [m.span() for m in written.finditer(string)]
                    assert [m.span() for m in fast.finditer(string)] == expected, source[:60]
                    matched += len(expected)
    assert matched > 10_000, matched


def test_fast_start_only_where_the_engine_does_not_skip_by_itself() -> None:
    def source(pattern: str, flags: int = 0) -> str:
        return fast_start(re.compile(pattern, flags)).pattern

    assert source(r"\b(?:days?|weeks?)\b") == r"(?=[\x64\x77])(?:\b(?:days?|weeks?)\b)"
    assert source(r"(?<!non-)\b(?:brain|cns)").startswith(r"(?=[\x62\x63])")
    for unchanged in (r"^\W*no", r"abc|def", r"[ab]c", r"\b(?:x|y)?", r"\(foo|.bar", r"(?i:\bfoo)"):
        assert source(unchanged) == unchanged  # anchored, skipped by re, empty, any, scoped flags
    # an alternative opening on "\b" and a letter opens on the letter (``hoist_boundaries``)
    assert source(r"\bfoo|.bar") == r"f(?<=\bf)oo|.bar"
    assert source(r"(?i)\bfoo") == r"(?i)\bfoo"  # global inline flags must open a pattern
    fast = fast_start(re.compile(r"\b(?:her2|erbb2)", re.IGNORECASE))
    assert fast.pattern.startswith("(?=") and fast.flags & re.IGNORECASE
    assert [m.span() for m in fast.finditer("HER2 and ErbB2")] == [(0, 4), (9, 14)]
    always = gated(re.compile(r"\b(?:\d+|[xz])\s"))  # no literal gate, yet sped up
    assert isinstance(always, GatedPattern) and always.literals == ("",)
    hit = always.search("a 12 b")
    assert hit is not None and hit.span() == (2, 5)


def test_hoist_boundaries_moves_the_letter_in_front_with_the_same_matches() -> None:
    assert top_level_alternatives(r"a[|(\]]b|c(d|e)|\\|x") == ["a[|(\\]]b", "c(d|e)", "\\\\", "x"]
    assert top_level_alternatives(r"a(?#|)|b") is None  # a comment: not split
    assert top_level_alternatives(r"(?x)a | b") is None  # verbose: not split
    source = r"histolog\w*|\bstage\s*(?:iv|[1-4])\b|\b[cyp]?t[0-4x]\b|\bt?x|\bm1\b|[(]\bmbc\b"
    hoisted = hoist_boundaries(source)
    assert hoisted == (
        r"histolog\w*|s(?<=\bs)tage\s*(?:iv|[1-4])\b"
        r"|[cyp](?<=\b[cyp])t[0-4x]\b|t(?<=\bt)[0-4x]\b"  # the optional class first, then without
        r"|\bt?x|m(?<=\bm)1\b|[(]\bmbc\b"
    )  # a repeated letter and a boundary not first stay as written
    # an optional class is not unrolled when the rest has a capturing group (written twice)
    assert hoist_boundaries(r"\b[cyp]?t(\d)|x") == r"\b[cyp]?t(\d)|x"
    assert hoist_boundaries(source, re.VERBOSE) == source
    # "\b" opening every alternative is factored out by the parser: left as written
    assert hoist_boundaries(r"\bfoo\b|\bbar|\b(?:x|y)") == r"\bfoo\b|\bbar|\b(?:x|y)"
    texts = ["stage iv, pt2 and m1 (mbc); tx", "backstage iv", "xm1 ym1", "_stage 4", "éstage 4"]
    for text in texts:
        for flags in (0, re.IGNORECASE, re.ASCII):
            written, fast = re.compile(source, flags), re.compile(hoisted, flags)
            for pos in range(len(text)):
                assert [m.span() for m in fast.finditer(text, pos)] == [
                    m.span() for m in written.finditer(text, pos)
                ]
                assert [m.span() for m in fast.finditer(text, 0, pos)] == [
                    m.span() for m in written.finditer(text, 0, pos)
                ]


def test_word_literals_open_the_bit_only_on_a_token_start() -> None:
    pattern = gated(re.compile(r"\b(?:er|pr)\s*[+-]"))
    assert isinstance(pattern, GatedPattern)
    assert pattern.literals == ("er", "pr") and pattern.anchors == ("^er", "^pr")
    text = "prior other therapy; pr -"
    _REGISTRY.text_mask(text)  # a known text: the bit decides
    hit = pattern.search(text)
    assert hit is not None and hit.span() == (21, 25)
    closed = "other cancer; spread; surgery"
    _REGISTRY.text_mask(closed)
    assert pattern.search(closed) is None and pattern.raw.search(closed) is None
    assert _REGISTRY.recent[closed] & pattern.bit == 0  # "er", "pr" only inside tokens
    always = gated(re.compile(r"(?<=[a-z])[.;]\s"))
    assert isinstance(always, GatedPattern) and always.literals == ("",) and not always.bit


def test_first_character_groups_keep_the_order_of_every_match() -> None:
    alternatives = ["abc", "x", "ade", r"\(a\)", r"\(b", "a", r"\-x", "-y"]
    assert first_character_groups(alternatives) == r"a(?:bc|de|)|x|\((?:a\)|b)|\-(?:x|y)"
    # an alternative that does not open on a plain literal stays in place, and only the
    # alternatives between two such are grouped (both may match where it matches)
    assert first_character_groups(["ab", r"\bac", "ad", "ae"]) == r"ab|\bac|a(?:d|e)"
    assert first_character_groups(["ab", "a*", "ac"]) == "ab|a*|ac"  # a repeated first
    assert first_character_groups([r"\dx", "1y", r"\dz"]) == r"\dx|1y|\dz"
    assert first_character_groups(["(?:a|b)c", "ad", "ae"]) == "(?:a|b)c|a(?:d|e)"
    source = r"cancer|\bcrc\b|carcinoma|c(?=an)|ca|c|metasta\w*|\bm1\b|\bmbc\b|m"
    grouped = re.compile(fast_start(re.compile(source)).pattern)
    written = re.compile(source)
    for text in ("cancer crc carcinoma m1 mbc metastatic cm1 ca c", "mcancer", "xcrc"):
        for pos in range(len(text)):
            assert [m.span() for m in grouped.finditer(text, pos)] == [
                m.span() for m in written.finditer(text, pos)
            ]
    # capturing groups or case-insensitive matching: alternatives keep their places
    assert fast_start(re.compile(r"(?P<a>ab)|x|ac")).pattern.endswith(r"(?:(?P<a>ab)|x|ac)")
    assert "a(?:" not in fast_start(re.compile(r"ab|x|ac", re.IGNORECASE)).pattern
