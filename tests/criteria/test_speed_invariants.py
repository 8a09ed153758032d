"""Speed devices that must not change results: literal gates derived from the regex
parse tree, and the item memo of the pipeline."""

from __future__ import annotations

import re

from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import triggers
from osteotrials.criteria.entry_gates import ENTRY_PATTERNS, _gates, family_alternatives
from osteotrials.criteria.families import (
    administrative,
    cardiac,
    comorbidity,
    medication,
    pregnancy,
)
from osteotrials.criteria.segment import segment
from osteotrials.criteria.text import normalise
from osteotrials.vocab import drugs
from osteotrials.vocab._regex import (
    AlternativesIndex,
    AnchorIndex,
    gate,
    gate_alternatives,
    literal_occurs,
)


def test_gate_keeps_only_required_literals() -> None:
    # an alternation inside a branch: "b" may replace "foo", so "foo" is not required
    assert gate(r"(?:foo|b)x+") == ("x",)
    # parsed as "tax" then (anes?|oids?): the run joined to each alternative's start
    assert gate(r"taxanes?|taxoids?") == ("taxane", "taxoid")
    assert gate(r"\b(?:pr|pgr)\+") == ("pgr", "pr")
    # optional parts and look-behinds never supply a literal
    assert gate(r"(?<!time of )informed consent|assent") == ("assent", "informed")
    assert gate(r"a*|\d+") is None
    assert gate(r"\bAIs?\b", re.IGNORECASE) == ("ai",)


def _gated_patterns() -> list[tuple[re.Pattern[str], tuple[str, ...] | None, bool]]:
    out: list[tuple[re.Pattern[str], tuple[str, ...] | None, bool]] = []
    for module in (administrative, cardiac, comorbidity, medication, pregnancy):
        multi = module._COMPILED
        for (_name, pattern), g in zip(multi.patterns, multi.index.gates, strict=True):
            out.append((pattern, tuple(g) if g is not None else None, False))
    compiled, _index = drugs._class_gated()
    for pattern, _classes in compiled:
        out.append((pattern, gate(pattern.pattern, pattern.flags), True))
    return out


def test_every_match_on_the_snapshot_opens_its_gate() -> None:
    """Whenever a gated pattern matches a snapshot item, some token holds a gate literal."""
    patterns = _gated_patterns()
    token = re.compile(r"[a-z0-9]+")
    checked = 0
    for text in list(criteria_texts().values())[::3]:
        for seg in segment(text):
            norm = normalise(seg.text)
            lower = seg.text.lower()
            for pattern, anchors, on_original in patterns:
                subject = seg.text if on_original else norm
                if anchors is None or not pattern.search(subject):
                    continue
                tokens = token.findall(lower if on_original else norm)
                assert any(a in t for a in anchors for t in tokens), (pattern.pattern, seg.text)
                checked += 1
    assert checked > 1000


def test_anchor_index_agrees_with_its_gates() -> None:
    index = comorbidity._COMPILED.index
    text = "uncontrolled diabetes, active hepatitis or interstitial lung disease"
    active = index.active(text)
    assert index.active_indices(text) == [i for i, a in enumerate(active) if a]
    tokens = set(re.findall(r"[a-z0-9]+", text))
    expected = [g is None or any(a in t for a in g for t in tokens) for g in index.gates]
    assert active == expected
    assert isinstance(index, AnchorIndex) and len(active) == len(comorbidity._COMPILED.patterns)


def test_alternatives_index_keeps_every_class_phrase_on_the_snapshot() -> None:
    """The drug-class index (every required literal set of each alternative) never
    drops a class pattern that matches a snapshot item, and it does drop some."""
    compiled, index = drugs._class_gated()
    assert isinstance(index, AlternativesIndex)
    # "anti-HER2" alone does not open "anti-HER2 therapy|agent|antibody ..."
    anti_her2 = next(
        i for i, (p, _c) in enumerate(compiled) if p.pattern.startswith("(?:anti-?her2")
    )
    assert anti_her2 not in index.active_indices("prior anti-her2 (trastuzumab)")
    assert anti_her2 in index.active_indices("prior anti-her2 therapy")
    single_gates = [gate(p.pattern, p.flags) for p, _c in compiled]
    token = re.compile(r"[a-z0-9]+")
    matched = dropped = 0
    for text in list(criteria_texts().values())[::2]:
        for seg in segment(text):
            lower = seg.text.lower()
            active = set(index.active_indices(lower))
            tokens = token.findall(lower)
            for i, (pattern, _classes) in enumerate(compiled):
                if pattern.search(seg.text):
                    assert i in active, (pattern.pattern, seg.text)
                    matched += 1
                elif i not in active and any(a in t for a in single_gates[i] or () for t in tokens):
                    dropped += 1  # the one-set gate would have run the pattern
    assert matched > 1000 and dropped > 1000, (matched, dropped)


def test_gated_re_stands_in_for_re_with_the_same_results() -> None:
    from osteotrials.criteria import pipeline
    from osteotrials.vocab._regex import GATED_RE

    assert all(m.re is GATED_RE for m in pipeline.GATED_MODULES)  # inline patterns gated too
    texts = [
        "no prior chemotherapy for metastatic disease; ECOG 0-1.",
        "Prior Chemotherapy allowed",
        "",
        "chemo",
    ]
    patterns = [
        (r"chemotherap\w*", 0),
        (r"(?:prior|previous)\s+(\w+)", 0),
        (r"chemotherapy", re.IGNORECASE),
        (r"[.;]\s*", 0),
    ]
    for text in texts:
        for source, flags in patterns:
            ours = [
                GATED_RE.search(source, text, flags),
                GATED_RE.match(source, text, flags),
                GATED_RE.fullmatch(source, text, flags),
            ]
            theirs = [
                re.search(source, text, flags),
                re.match(source, text, flags),
                re.fullmatch(source, text, flags),
            ]
            assert [m and m.span() for m in ours] == [m and m.span() for m in theirs]
            assert [m.span() for m in GATED_RE.finditer(source, text, flags)] == [
                m.span() for m in re.finditer(source, text, flags)
            ]
            assert GATED_RE.findall(source, text, flags) == re.findall(source, text, flags)
            assert GATED_RE.sub(source, "X", text, flags=flags) == re.sub(
                source, "X", text, flags=flags
            )
            assert GATED_RE.split(source, text, flags=flags) == re.split(source, text, flags=flags)
    compiled = re.compile(r"ECOG")  # a compiled pattern is used as it is
    found, expected = GATED_RE.search(compiled, texts[0]), compiled.search(texts[0])
    assert found is not None and expected is not None and found.span() == expected.span()
    assert GATED_RE.IGNORECASE is re.IGNORECASE and GATED_RE.escape("a.b") == re.escape("a.b")


def test_multi_pattern_alternatives_keep_every_match_on_the_snapshot() -> None:
    """``first_matches`` (run by the finer ``alternatives`` index) equals running every
    pattern the one-set ``index`` opens, on every snapshot item, and runs fewer."""
    saved = 0
    for module in (administrative, cardiac, comorbidity, medication, pregnancy):
        multi = module._COMPILED
        for text in list(criteria_texts().values())[::2]:
            for seg in segment(text):
                norm = normalise(seg.text)
                coarse = multi.index.active_indices(norm)
                fine = multi.alternatives.active_indices(norm)
                assert set(fine) <= set(coarse)
                saved += len(coarse) - len(fine)
                expected = [
                    (name, m.span())
                    for name, pattern in (multi.patterns[i] for i in coarse)
                    if (m := pattern.search(norm)) and m.end() > m.start()
                ]
                assert [(n, m.span()) for n, m in multi.first_matches(norm)] == expected
    assert saved > 1000, saved


def test_alternatives_index_shortcuts_agree_with_every_alternative_on_the_snapshot() -> None:
    """``AlternativesIndex.active_indices`` (sure and candidate indexes, then set checks
    for the rest) opens exactly the patterns one of whose alternatives has a string of
    each of its sets in the text, for every index of the engine on every snapshot item."""
    Alternatives = tuple[tuple[frozenset[str], ...], ...] | None
    indexes: list[tuple[AlternativesIndex, list[Alternatives]]] = [
        (_gates()[0], [family_alternatives(f) for f in ENTRY_PATTERNS]),
        (
            drugs._class_gated()[1],
            [gate_alternatives(p.pattern, p.flags) for p, _c in drugs._class_gated()[0]],
        ),
    ]
    for module in (administrative, cardiac, comorbidity, medication, pregnancy):
        multi = module._COMPILED
        indexes.append(
            (
                multi.alternatives,
                [gate_alternatives(p.pattern, p.flags) for _n, p in multi.patterns],
            )
        )
    opened = 0
    for text in criteria_texts().values():
        for seg in segment(text):
            for lower in {normalise(seg.text), seg.text.lower()}:
                for index, alternatives in indexes:
                    expected = [
                        i
                        for i, alts in enumerate(alternatives)
                        if alts is None
                        or any(
                            all(any(literal_occurs(lit, lower) for lit in s) for s in alt)
                            for alt in alts
                        )
                    ]
                    assert index.active_indices(lower) == expected, lower
                    opened += len(expected)
    assert opened > 10_000, opened


def test_candidate_mask_from_the_registry_is_the_or_of_token_bits_on_the_snapshot() -> None:
    """The trigger mask read from the shared registry (``TokenBitsIndex``) is the OR of
    the tokens' family bits, on every snapshot item (and its context)."""
    checked = 0
    for text in criteria_texts().values():
        segs = segment(text)
        for seg in segs:
            norm, context = normalise(seg.text), seg.context(segs)
            expected = 0
            for token in re.findall(r"[a-z0-9]+", norm + " " + context.lower()):
                expected |= triggers._TOKEN_BITS[token]
            assert triggers.candidate_mask(norm, context) == expected, seg.text
            checked += bool(expected)
    assert checked > 10_000, checked


def test_time_window_skips_texts_without_a_time_literal() -> None:
    from osteotrials.criteria.text import ItemText

    plain = ItemText("Pregnant or breastfeeding women", 0, "exclusion")
    assert plain.time_window() is None and plain._timed is False
    timed = ItemText("Chemotherapy within 4 weeks of registration", 0, "exclusion")
    window = timed.time_window()
    assert timed._timed is True and window is not None and window.days == 28.0
    glued = ItemText("Surgery 10days before", 0, "exclusion")
    glued.time_window()
    assert glued._timed is True  # "day" inside a token counts: a slice may start there


def _find_drugs_token_by_token(text: str) -> list[tuple[str, int, int]]:
    """``drugs.find_drugs`` as first written: every token tried in turn."""
    lower = text.lower()
    toks = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+", lower)]
    starts, index, longest = drugs.first_tokens(), drugs._ngram_index(), drugs._longest_from()
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        if toks[i][0] not in starts:
            fuzzy_hit = drugs._fuzzy_token(toks[i][0])
            if fuzzy_hit is not None:
                found.append((fuzzy_hit.name, toks[i][1], toks[i][2]))
            i += 1
            continue
        hit = None
        for n in range(min(longest[toks[i][0]], len(toks) - i), 0, -1):
            window = toks[i : i + n]
            if any(window[k + 1][1] - window[k][2] > 2 for k in range(n - 1)):
                continue
            drug = index.get(tuple(t[0] for t in window))
            if drug is not None:
                hit = (drug.name, window[0][1], window[-1][2], n)
                break
        if hit is None:
            i += 1
            continue
        found.append((hit[0], hit[1], hit[2]))
        i += hit[3]
    return found


def test_find_drugs_steps_only_over_possible_names_with_the_same_result() -> None:
    named = 0
    for text in criteria_texts().values():
        for seg in segment(text):
            got = [(d.name, a, b) for d, a, b in drugs.find_drugs(seg.text)]
            assert got == _find_drugs_token_by_token(seg.text), seg.text
            named += bool(got)
    assert named > 1500, named


def test_normalise_ascii_shortcut_gives_the_translated_text() -> None:
    """``normalise`` lower-cases ASCII text without a backslash directly: sound only while
    every character its replacements and translation table change is a backslash or not
    ASCII; and on every snapshot item the result is that of the full translation."""
    from osteotrials.criteria.text import _SAME_LENGTH

    changed = [chr(code) for code, to in _SAME_LENGTH.items() if to != chr(code)]
    assert changed and all(ch == "\\" or not ch.isascii() for ch in changed)

    def translated(text: str) -> str:
        text_ = text.replace("=\\<", "=< ").replace("=\\>", "=> ")
        out = text_.translate(_SAME_LENGTH).lower()
        return out if len(out) == len(text) else text.lower()

    shortcut = 0
    for text in criteria_texts().values():
        for seg in segment(text):
            assert normalise(seg.text) == translated(seg.text)
            shortcut += seg.text.isascii() and "\\" not in seg.text
    assert shortcut > 10_000  # the shortcut is taken on most items
    for text in ("ANC \\>= 1500", "Hb ≥ 9 g/dL", "5×ULN", "Ａ"):
        assert normalise(text) == translated(text)


def test_clause_bounds_resume_after_the_whole_text_matches_at_every_position() -> None:
    """``ItemText._clause_bounds`` resumes the left-bound search after the last match of
    the whole text that ends before the position: the same bounds as searching from the
    start, at every position of every snapshot item (and of texts made to end inside a
    separator)."""
    from osteotrials.criteria.text import _CLAUSE_LEFT, _CLAUSE_RIGHT, ItemText

    def scanned(norm: str, pos: int) -> tuple[int, int]:
        left = 0
        for m in _CLAUSE_LEFT.finditer(norm, 0, pos):
            left = m.end()
        m2 = _CLAUSE_RIGHT.search(norm, pos)
        return left, (m2.start() if m2 else len(norm))

    texts = [seg.text for t in criteria_texts().values() for seg in segment(t)]
    texts += ["a.  b; c .  (d;", "x;  ", "no. ;; . a", "a.  \n  b.  c"]
    checked = 0
    for text in texts:
        item = ItemText(text, 0, "inclusion")
        for pos in range(len(item.norm) + 1):
            assert item._clause_bounds(pos) == scanned(item.norm, pos), (text, pos)
            checked += 1
    assert checked > 1_000_000
