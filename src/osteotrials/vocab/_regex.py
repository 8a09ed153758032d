"""Literal gates for regular expressions: the cheap substring test that must pass
before a pattern can match, so most patterns are skipped without running them."""

from __future__ import annotations

import re

_RUN = re.compile(r"[a-z0-9]{3,}")


def _top_level_branches(source: str) -> list[str]:
    branches: list[str] = []
    depth = 0
    in_class = False
    escaped = False
    start = 0
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            continue
        if in_class:
            if ch == "]":
                in_class = False
            continue
        if ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(source[start:i])
            start = i + 1
    branches.append(source[start:])
    return branches


_OPTIONAL_GROUP = re.compile(r"\((?:[^()\\]|\\.)*\)(?:\?|\*|\{0,\d*\})")


def _literals(branch: str, minimum: int = 3) -> list[str]:
    # drop optional groups (innermost first), character classes, escapes and braces
    cleaned = re.sub(r"\[(?:[^\]\\]|\\.)*\]", " ", branch)
    while True:
        reduced = _OPTIONAL_GROUP.sub(" ", cleaned)
        if reduced == cleaned:
            break
        cleaned = reduced
    cleaned = re.sub(r"\\.", " ", cleaned)
    cleaned = re.sub(r"\{\d*,?\d*\}", " ", cleaned)
    cleaned = re.sub(r"\(\?[:!=<]*", " ", cleaned)
    out: list[str] = []
    # a literal directly followed by ? or * is optional only in its last character
    for m in re.finditer(r"[a-z0-9]+", cleaned.lower()):
        word = m.group(0)
        nxt = cleaned[m.end() : m.end() + 1]
        if nxt in ("?", "*"):
            word = word[:-1]
        if len(word) >= minimum:
            out.append(word)
    return out


def gate(source: str) -> tuple[str, ...] | None:
    """Substrings at least one of which every match of ``source`` contains, or None.

    Conservative: returns None (always run) when a top-level branch has no literal
    of three characters outside character classes, escapes and optional groups'
    last characters. Matching is meant for lower-cased text.
    """
    anchors: list[str] = []
    for branch in _top_level_branches(source):
        lits = _literals(branch)
        if not lits:
            lits = _literals(branch, minimum=2)
        if not lits:
            return None
        anchors.extend(lits)
    return tuple(sorted(set(anchors)))


def gate_pattern(source: str) -> re.Pattern[str] | None:
    """``gate`` compiled into one alternation of literals (a single C-level scan)."""
    anchors = gate(source)
    if anchors is None:
        return None
    return re.compile("|".join(re.escape(a) for a in sorted(anchors, key=len, reverse=True)))


def passes(anchors: re.Pattern[str] | None, lower_text: str) -> bool:
    return anchors is None or anchors.search(lower_text) is not None


_TOKEN = re.compile(r"[a-z0-9]+")


_LAST: list[tuple[str, frozenset[str]]] = []


def _tokens(lower_text: str) -> frozenset[str]:
    """Distinct tokens of a text; the last text is remembered (several indexes ask in a row)."""
    if _LAST and _LAST[0][0] == lower_text:
        return _LAST[0][1]
    tokens = frozenset(_TOKEN.findall(lower_text))
    _LAST[:] = [(lower_text, tokens)]
    return tokens


class AnchorIndex:
    """Which of several gated patterns can match a text, from one tokenisation.

    Every gate literal consists of ``[a-z0-9]`` characters, so each occurrence lies
    inside one token of the lower-cased text; the literals of each token are
    computed once and cached, so a text costs one ``findall`` and a few set
    operations instead of one literal scan per pattern.
    """

    def __init__(self, gates: list[tuple[str, ...] | None]):
        self.gates = [frozenset(g) if g is not None else None for g in gates]
        self.anchors = tuple(sorted({a for g in gates if g for a in g}))
        self._cache: dict[str, frozenset[str]] = {}

    def _of_token(self, token: str) -> frozenset[str]:
        hit = self._cache.get(token)
        if hit is None:
            hit = frozenset(a for a in self.anchors if a in token)
            self._cache[token] = hit
        return hit

    def active(self, lower_text: str) -> list[bool]:
        present: set[str] = set()
        for token in _tokens(lower_text):
            present |= self._of_token(token)
        return [g is None or not present.isdisjoint(g) for g in self.gates]
