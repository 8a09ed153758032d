"""Literal gates for regular expressions: the cheap substring test that must pass
before a pattern can match, so most patterns are skipped without running them."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from functools import reduce
from operator import or_
from typing import Any

#: the standard library's regular-expression parser (``re._parser``, 3.11+): the
#: parse tree tells which literal runs every match must contain
_sre: Any = importlib.import_module("re._parser")

_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_REPEATS = frozenset({_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)})


def _required(
    items: Any, fold: bool = True, words: bool = False, at_word_start: bool = False
) -> frozenset[str] | None:
    """Strings of ``[a-z0-9]`` at least one of which lies inside every match of the
    parsed sequence ``items`` (lower-cased), or None when no such set is known: the
    best of ``_candidates``."""
    candidates = _candidates(items, fold, words, at_word_start)
    if not candidates:
        return None
    # the rarest-looking set: longest shortest string, then fewest strings
    return max(candidates, key=lambda c: (min(len(s.lstrip("^")) for s in c), -len(c)))


def _candidates(
    items: Any, fold: bool = True, words: bool = False, at_word_start: bool = False
) -> list[frozenset[str]]:
    """Sets of strings of ``[a-z0-9]`` such that every match of the parsed sequence
    ``items`` contains one string of EACH set (lower-cased).

    Each maximal run of consecutive alphanumeric literals is contained in every
    match of the sequence, and so is one string of the set of any element that
    must occur (a group, an alternation whose every branch has a set, a repeat with
    a minimum of one). Anything else (classes, optional parts, look-arounds,
    back-references) only ends a run.

    With ``words``, a run right after "\\b" (``at_word_start``: the sequence itself
    starts there) is written "^run": the character before it is not a word character,
    so in the text's ``[a-z0-9]+`` tokens the run starts a token (``literal_occurs``).
    """
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    run_at_word_start = False

    def flush() -> None:
        if run:
            prefix = "^" if run_at_word_start else ""
            candidates.append(frozenset({prefix + "".join(run)}))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            ch = chr(av).lower() if fold else chr(av)
            if len(ch) == 1 and ch.lower() in _ALNUM:
                if not run:
                    run_at_word_start = at_word_start
                run.append(ch)
                at_word_start = False
                continue
            flush()
            at_word_start = False
            continue
        if op is _sre.BRANCH and run:
            # "pr|pgr|progesterone" is parsed as "p" then (r|gr|rogesterone): the run
            # joined to each alternative's leading literals is required too, and rarer
            prefix = ("^" if run_at_word_start else "") + "".join(run)
            candidates.append(frozenset(prefix + _leading_run(b, fold) for b in av[1]))
        flush()
        if op is _sre.AT or op is _sre.ASSERT or op is _sre.ASSERT_NOT:
            # zero width: the position (and whether it starts a word) stays
            if words and op is _sre.AT and av is _sre.AT_BOUNDARY:
                at_word_start = True
            continue
        nested_start, at_word_start = at_word_start, False
        found: frozenset[str] | None = None
        if op is _sre.SUBPATTERN:
            found = _required(av[-1], fold, words, nested_start)
        elif op is getattr(_sre, "ATOMIC_GROUP", None):
            found = _required(av, fold, words, nested_start)
        elif op is _sre.BRANCH:
            branches = [_required(b, fold, words, nested_start) for b in av[1]]
            if all(b is not None for b in branches):
                found = frozenset().union(*(b for b in branches if b is not None))
        elif op in _REPEATS and av[0] >= 1:
            found = _required(av[2], fold, words, nested_start)
        if found:
            candidates.append(found)
    flush()
    return candidates


def _leading_run(items: Any, fold: bool) -> str:
    """The alphanumeric literals that open every match of the parsed sequence."""
    out: list[str] = []
    for op, av in items:
        if op is not _sre.LITERAL:
            break
        ch = chr(av).lower() if fold else chr(av)
        if len(ch) != 1 or ch.lower() not in _ALNUM:
            break
        out.append(ch)
    return "".join(out)


def literal_occurs(literal: str, lower_text: str) -> bool:
    """Whether a gate literal occurs in ``lower_text``: "^run" (``_candidates`` with
    ``words``) at the start of one of its ``[a-z0-9]+`` tokens, else anywhere."""
    if literal.startswith("^"):
        return any(token.startswith(literal[1:]) for token in _TOKEN.findall(lower_text))
    return literal in lower_text


def gate(source: str, flags: int = 0) -> tuple[str, ...] | None:
    """Substrings at least one of which every match of ``source`` contains, or None.

    Derived from the parse tree of the pattern (see ``_required``), so it holds for
    any pattern the ``re`` module accepts; None (always run the pattern) when the
    pattern has no required alphanumeric literal. Literals are lower-cased:
    matching is meant for lower-cased text.
    """
    try:
        parsed = _sre.parse(source, flags)
    except re.error:
        return None
    found = _required(parsed)
    return tuple(sorted(found)) if found else None


def gate_alternatives(
    source: str, flags: int = 0, *, words: bool = False
) -> tuple[tuple[frozenset[str], ...], ...] | None:
    """A finer gate than ``gate``: one entry per top-level alternative of ``source``
    (the whole pattern when it has none), each the sets of which every match of that
    alternative contains one string EACH (``_candidates``). A text can match only if
    for some alternative every set has a string in it. None when some alternative has
    no required literal. Literals are lower-cased, as in ``gate``; with ``words``,
    literals after "\\b" must start a token ("^run", see ``literal_occurs``)."""
    try:
        parsed = _sre.parse(source, flags)
    except re.error:
        return None
    items = list(parsed)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] is _sre.BRANCH else [parsed]
    out: list[tuple[frozenset[str], ...]] = []
    for alternative in alternatives:
        candidates = _candidates(alternative, True, words)
        if not candidates:
            return None
        out.append(tuple(candidates))
    return tuple(out)


#: inline flags that make part of a pattern case-insensitive ("(?i)", "(?i:...)", "(?ai)")
_INLINE_IGNORECASE = re.compile(r"\(\?[aiLmsux]*i[aiLmsux-]*[:)]")


def exact_gate(pattern: re.Pattern[str], *, words: bool = False) -> tuple[str, ...] | None:
    """Substrings at least one of which every match of ``pattern`` contains, exactly as
    written (not lower-cased), so ``any(g in s for g in gate)`` must hold before the
    pattern can match ``s``. None for case-insensitive patterns and for patterns
    without a required literal. With ``words``, a literal right after "\\b" is written
    "^run": it starts one of the string's ``[a-z0-9]+`` tokens (``literal_occurs``)."""
    if pattern.flags & re.IGNORECASE or _INLINE_IGNORECASE.search(pattern.pattern):
        return None
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return None
    found = _required(parsed, fold=False, words=words)
    return tuple(sorted(found)) if found else None


class GatedPattern:
    """A compiled pattern that first tests its ``exact_gate`` literals (plain substring
    tests, far cheaper than the regex engine) and reports "no match" when none of them
    occurs, without running the pattern. Same methods and results as ``re.Pattern``.

    A gate of lower-case ``[a-z0-9]`` literals also owns a bit of the anchor registry:
    such a literal occurs in a string exactly when it occurs in one of the string's
    ``[a-z0-9]+`` tokens, so on a text whose token mask the registry already holds
    (an item's normalised or lower-cased text, asked about by the anchor indexes) the
    gate is one bit test instead of one substring scan a literal. The bit reads the
    finer ``word_literals`` when given (``exact_gate`` with ``words``: "^er" opens on
    "eribulin", not on "other"; the substring scan keeps ``literals``)."""

    __slots__ = ("anchors", "bit", "flags", "groupindex", "groups", "literals", "pattern", "raw")

    def __init__(
        self,
        raw: re.Pattern[str],
        literals: tuple[str, ...],
        word_literals: tuple[str, ...] | None = None,
    ):
        #: the pattern run once the gate is open (``fast_start``: same matches)
        self.raw = fast_start(raw)
        self.literals = literals
        self.pattern = raw.pattern
        self.flags = raw.flags
        self.groups = raw.groups
        self.groupindex = raw.groupindex
        #: this gate's bit in ``_REGISTRY`` text masks, 0 when its literals are not all
        #: lower-case ``[a-z0-9]`` (then the literals are always scanned) and for the
        #: always-open gate ("": a text without any token must not close it)
        anchors = word_literals or literals
        #: what the bit stands for: one of these occurs (``literal_occurs``)
        self.anchors = anchors
        self.bit = (
            1 << _REGISTRY.register(dict.fromkeys(anchors, 1), 1)
            if literals
            and "" not in literals
            and all(lit and _ALNUM.issuperset(lit.removeprefix("^")) for lit in anchors)
            else 0
        )

    def _open(self, string: str) -> bool:
        """Whether one of the gate literals occurs in ``string``."""
        if self.bit:
            mask = _REGISTRY.recent.get(string)
            if mask is not None:
                return bool(mask & self.bit)
        return any(literal in string for literal in self.literals)

    # search, match and finditer (most calls) test the gate inline: no extra call
    def search(self, string: str, *args: int) -> re.Match[str] | None:
        if self.bit:
            mask = _REGISTRY.recent.get(string)
            if mask is not None:
                return self.raw.search(string, *args) if mask & self.bit else None
        for literal in self.literals:
            if literal in string:
                return self.raw.search(string, *args)
        return None

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        if self.bit:
            mask = _REGISTRY.recent.get(string)
            if mask is not None:
                return self.raw.match(string, *args) if mask & self.bit else None
        for literal in self.literals:
            if literal in string:
                return self.raw.match(string, *args)
        return None

    def finditer(self, string: str, *args: int) -> Iterator[re.Match[str]]:
        if self.bit:
            mask = _REGISTRY.recent.get(string)
            if mask is not None:
                return self.raw.finditer(string, *args) if mask & self.bit else iter(())
        for literal in self.literals:
            if literal in string:
                return self.raw.finditer(string, *args)
        return iter(())

    def fullmatch(self, string: str, *args: int) -> re.Match[str] | None:
        return self.raw.fullmatch(string, *args) if self._open(string) else None

    def findall(self, string: str, *args: int) -> list[Any]:
        return self.raw.findall(string, *args) if self._open(string) else []

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.raw.sub(repl, string, count) if self._open(string) else string

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.raw.split(string, maxsplit) if self._open(string) else [string]


def gated(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` behind its literal gate when it has one (else ``pattern`` itself, or
    a ``GatedPattern`` always open when ``fast_start`` speeds it up)."""
    literals = exact_gate(pattern)
    if literals is None:
        if fast_start(pattern) is pattern:
            return pattern
        literals = ("",)  # the empty string is in every string: always open
        return GatedPattern(pattern, literals)  # type: ignore[return-value]
    return GatedPattern(pattern, literals, exact_gate(pattern, words=True))  # type: ignore[return-value]


_ZERO_WIDTH = frozenset({_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT})
_CATEGORIES = {
    _sre.CATEGORY_DIGIT: r"\d",
    _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s",
    _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w",
    _sre.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    """A character as an escape that is safe inside a class."""
    return f"\\x{code:02x}" if code < 0x100 else f"\\U{code:08x}"


def _first_of_sequence(items: Any) -> tuple[frozenset[str], bool] | None:
    """Class items (escaped) of which the first character of every match of the parsed
    sequence ``items`` is one, and whether the sequence can match the empty string;
    None when unknown (an element this does not model)."""
    found: set[str] = set()
    for op, av in items:
        got = _first_of_element(op, av)
        if got is None:
            return None
        found |= got[0]
        if not got[1]:
            return frozenset(found), False
    return frozenset(found), True


def _first_of_element(op: Any, av: Any) -> tuple[frozenset[str], bool] | None:
    if op in _ZERO_WIDTH:  # "\b", look-arounds: consume nothing
        return frozenset(), True
    if op is _sre.LITERAL:
        return frozenset({_char(av)}), False
    if op is _sre.IN:
        out: set[str] = set()
        for inner, value in av:
            if inner is _sre.LITERAL:
                out.add(_char(value))
            elif inner is _sre.RANGE:
                out.add(f"{_char(value[0])}-{_char(value[1])}")
            elif inner is _sre.CATEGORY and value in _CATEGORIES:
                out.add(_CATEGORIES[value])
            else:  # negated classes and the like
                return None
        return frozenset(out), False
    if op is _sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _first_of_sequence(sub)
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _first_of_sequence(av)
    if op is _sre.BRANCH:
        found: set[str] = set()
        empty = False
        for alternative in av[1]:
            got = _first_of_sequence(alternative)
            if got is None:
                return None
            found |= got[0]
            empty = empty or got[1]
        return frozenset(found), empty
    if op in _REPEATS:
        got = _first_of_sequence(av[2])
        return None if got is None else (got[0], got[1] or av[0] == 0)
    return None


def _engine_skips(items: Any) -> bool:
    """Whether the ``re`` engine already skips to the possible starts of a match by
    itself (a literal or class first, or alternatives that all start with a literal),
    or the pattern is anchored ("^", "\\A"): nothing to gain from a first-character test."""
    items = list(items)
    while items:
        op, av = items[0]
        if op is _sre.SUBPATTERN and not (av[1] or av[2]):
            items = list(av[3])
            continue
        if op in (_sre.LITERAL, _sre.IN):
            return True
        if op in _REPEATS and len(av[2]) == 1 and av[2][0][0] in (_sre.LITERAL, _sre.IN):
            return True  # "\\W+", "\\d{1,3}": one cheap class test a position already
        if op is _sre.AT:
            return av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)
        if op is _sre.BRANCH:
            return all(alt and alt[0][0] is _sre.LITERAL for alt in av[1])
        return False
    return True


def top_level_alternatives(source: str) -> list[str] | None:
    """The top-level alternatives of the pattern ``source`` as written ("a|b(c|d)" ->
    ["a", "b(c|d)"]), or None when the text cannot be split safely (comments, verbose
    mode). Escapes, character classes and groups are skipped whole."""
    if "(?#" in source or _VERBOSE_INLINE.search(source):
        return None
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(source)
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if i < n and source[i] == "^":
                i += 1
            if i < n and source[i] == "]":
                i += 1  # "[]...]": a leading "]" is a member
            while i < n and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
            i += 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out if depth == 0 and "|".join(out) == source else None


_VERBOSE_INLINE = re.compile(r"\(\?[aiLmsux-]*x")
#: an alternative that opens on "\b" and a plain letter or digit (not repeated)
_BOUNDARY_LITERAL = re.compile(r"\\b([a-z0-9])(?![*+?{])")


def hoist_boundaries(source: str, flags: int = 0) -> str:
    """``source`` with each top-level alternative "\\bx..." (a word boundary, then a
    plain letter or digit x) written "x(?<=\\bx)...": the same matches (x at the same
    position, and the look-behind asserts the boundary before it, seeing exactly what
    "\\b" saw), but the alternative now opens on a literal, which the ``re`` engine
    rejects with one comparison where x is absent instead of entering the alternative
    at every position; when every alternative opens on a literal the engine also skips
    to their first characters by itself. ``source`` itself when nothing is hoisted, when
    every alternative opens on "\\b" (the parser then tests it once for all), or the
    pattern cannot be split safely (``top_level_alternatives``, verbose flag)."""
    if flags & re.VERBOSE:
        return source
    alternatives = top_level_alternatives(source)
    if alternatives is None or all(a.startswith("\\b") for a in alternatives):
        # "\\b" opening every alternative is factored out by the parser: tested once a
        # position already, and hoisting some alternatives would undo that
        return source
    out: list[str] = []
    for alternative in alternatives:
        m = _BOUNDARY_LITERAL.match(alternative)
        if m:
            x = m.group(1)
            alternative = f"{x}(?<=\\b{x}){alternative[m.end() :]}"
        elif (m := _BOUNDARY_OPTIONAL_CLASS.match(alternative)) and _no_groups(
            rest := alternative[m.end() :], flags
        ):
            # "\\b[cyp]?t..." is "\\b[cyp]t..." then "\\bt...", in that order (a greedy
            # optional part is tried first): both written to open on a literal
            members, x = m.group(1), m.group(2)
            alternative = f"[{members}](?<=\\b[{members}]){x}{rest}|{x}(?<=\\b{x}){rest}"
        out.append(alternative)
    return "|".join(out)


#: an alternative that opens on "\\b", an optional class of letters, then a letter
_BOUNDARY_OPTIONAL_CLASS = re.compile(r"\\b\[([a-z0-9]+)\]\?([a-z0-9])(?![*+?{])")


def _no_groups(fragment: str, flags: int) -> bool:
    """Whether the pattern text ``fragment`` compiles on its own without capturing groups
    (so it can be written twice)."""
    try:
        return re.compile(fragment, flags).groups == 0
    except re.error:
        return False


def first_character_groups(alternatives: list[str]) -> str:
    """The alternation of ``alternatives`` (texts of a case-sensitive pattern) with
    those that open on the same literal character grouped behind it: "abc|x|ade" ->
    "a(?:bc|de)|x". Same matches: at any position only the alternatives opening on its
    character can match, and they keep their order; but the engine compares each
    group's character once instead of each alternative's. An alternative that does not
    open on a plain character or an escaped punctuation character (not repeated) stays
    where it is, and only the alternatives between two such are grouped, so that every
    alternative keeps its order relative to it."""
    out: list[str] = []
    groups: dict[str, tuple[str, list[str]]] = {}

    def flush() -> None:
        out.extend(
            head + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})")
            for head, rests in groups.values()
        )
        groups.clear()

    for alternative in alternatives:
        head = alternative[:2] if alternative.startswith("\\") else alternative[:1]
        literal = head[-1:]
        rest = alternative[len(head) :]
        if (
            not literal
            or (len(head) == 1 and literal in _METACHARACTERS)
            or (len(head) == 2 and (literal.isalnum() or literal == "_" or not literal.isascii()))
            or rest[:1] in ("*", "+", "?", "{")
        ):
            flush()
            out.append(alternative)
            continue
        groups.setdefault(literal, (head, []))[1].append(rest)
    flush()
    return "|".join(out)


#: characters that are not literals when written plain in a pattern
_METACHARACTERS = frozenset("\\|()[]{}.^$*+?")


def fast_start(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a look-ahead for the possible first characters of a match in
    front ("(?=[bcd...])(?:...)"), when the ``re`` engine cannot skip to them by
    itself: patterns that open on "\\b" or a look-behind, or on alternatives not all
    starting with a literal, otherwise try every alternative at every position of the
    text. Top-level alternatives that open on "\\b" and a letter are first written with
    the letter in front (``hoist_boundaries``), and in a pattern without capturing
    groups and case distinctions those that open on the same character are grouped
    behind it (``first_character_groups``). Same matches (the look-ahead is compiled
    with the same flags and only rejects positions where no match can start);
    ``pattern`` itself when nothing is hoisted and no first character is known, a match
    can be empty, or the engine skips already."""
    source = hoist_boundaries(pattern.pattern, pattern.flags)
    if (
        not pattern.groups  # grouping moves alternatives: numbered groups would change
        and not pattern.flags & (re.IGNORECASE | re.VERBOSE)
        and not _INLINE_IGNORECASE.search(source)
        and (alternatives := top_level_alternatives(source)) is not None
        and len(alternatives) > 1
    ):
        source = first_character_groups(alternatives)
    try:
        parsed = _sre.parse(source, pattern.flags)
    except re.error:  # pragma: no cover - the pattern compiled, so it parses
        return pattern
    first = _first_of_sequence(parsed)
    if first is None or first[1] or not first[0] or _engine_skips(parsed):
        return pattern if source == pattern.pattern else re.compile(source, pattern.flags)
    try:
        return re.compile(f"(?=[{''.join(sorted(first[0]))}])(?:{source})", pattern.flags)
    except re.error:  # e.g. global inline flags, which must open the pattern
        return pattern


def _gate_value(value: Any) -> Any:
    """``value`` with its ``str`` patterns gated: a pattern, or a tuple holding patterns
    (e.g. ``(name, pattern)``); anything else as it is."""
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        return gated(value)
    if isinstance(value, tuple) and any(isinstance(v, re.Pattern) for v in value):
        new = tuple(_gate_value(v) if isinstance(v, re.Pattern) else v for v in value)
        if any(a is not b for a, b in zip(new, value, strict=True)):
            return new
    return value


def gate_module(module: Any, *, inline: bool = False) -> int:
    """Put the module-level compiled ``str`` patterns of ``module`` behind their literal
    gates (``gated``): patterns bound to a name, and patterns one level down in
    module-level lists, tuples and dict values (tables such as ``[(name, pattern)]``;
    lists and dicts are updated in place). With ``inline``, the module's ``re`` becomes
    ``GATED_RE`` so that patterns written inline (``re.search(r"...", text)``) are
    gated too. Returns the number of values replaced."""
    count = 0
    if inline and vars(module).get("re") is re:
        module.re = GATED_RE
        count += 1
    for name, value in list(vars(module).items()):
        if isinstance(value, list):
            for i, element in enumerate(value):
                if (new := _gate_value(element)) is not element:
                    value[i] = new
                    count += 1
        elif isinstance(value, dict):
            for key, element in list(value.items()):
                if (new := _gate_value(element)) is not element:
                    value[key] = new
                    count += 1
        elif isinstance(value, tuple) and not any(isinstance(v, re.Pattern) for v in value):
            gated_items = tuple(_gate_value(v) for v in value)
            if any(a is not b for a, b in zip(gated_items, value, strict=True)):
                setattr(module, name, gated_items)
                count += 1
        elif (new := _gate_value(value)) is not value:
            setattr(module, name, new)
            count += 1
    return count


_TOKEN = re.compile(r"[a-z0-9]+")
#: the token lists of the last few texts (one item is tokenised by the trigger filter,
#: the anchor indexes and the drug finder, mostly as the same lower-cased string)
_RECENT_TOKENS: dict[str, list[str]] = {}


def token_list(lower_text: str) -> list[str]:
    """``[a-z0-9]+`` tokens of ``lower_text``, shared by callers: do not modify the list."""
    found = _RECENT_TOKENS.get(lower_text)
    if found is None:
        if len(_RECENT_TOKENS) >= 8:
            _RECENT_TOKENS.clear()
        found = _RECENT_TOKENS[lower_text] = _TOKEN.findall(lower_text)
    return found


class _Registry:
    """All anchor indexes share one bit space: index ``k`` owns the bits from its
    ``offset``. A token's mask over every index is computed once (then cached), and a
    text's mask is one C-level OR over its tokens' masks, remembered for the last few
    texts (several indexes ask about one item in a row, some on the normalised text
    and some on the plain lower-cased one)."""

    recent_size = 4

    def __init__(self) -> None:
        self.width = 0
        self.by_anchor: dict[str, int] = {}
        self.lengths: tuple[int, ...] = ()
        #: "^run" anchors (``literal_occurs``) by run, and their lengths ascending
        self.prefixes: dict[str, int] = {}
        self.prefix_lengths: tuple[int, ...] = ()
        self.tokens: dict[str, int] = {}
        self.recent: dict[str, int] = {}
        self.generation = 0
        #: (offset, function): bits of a token's mask that a function gives (``TokenBitsIndex``)
        self.functions: tuple[tuple[int, Callable[[str], int]], ...] = ()

    def register(self, by_anchor: dict[str, int], size: int) -> int:
        offset = self.width
        self.width += size
        merged = dict(self.by_anchor)
        prefixes = dict(self.prefixes)
        for anchor, bits in by_anchor.items():
            if anchor.startswith("^"):  # "^run": a token starting with run
                prefixes[anchor[1:]] = prefixes.get(anchor[1:], 0) | (bits << offset)
            else:
                merged[anchor] = merged.get(anchor, 0) | (bits << offset)
        self.by_anchor = merged
        self.prefixes = prefixes
        self.prefix_lengths = tuple(sorted({len(a) for a in prefixes}))
        #: the distinct anchor lengths, ascending (``token_mask``)
        self.lengths = tuple(sorted({len(a) for a in merged}))
        self.generation += 1  # masks computed from now on include the new bits
        self.tokens = {}
        self.recent = {}
        return offset

    def register_function(self, function: Callable[[str], int], size: int) -> int:
        offset = self.width
        self.width += size
        self.functions = (*self.functions, (offset, function))
        self.generation += 1  # masks computed from now on include the new bits
        self.tokens = {}
        self.recent = {}
        return offset

    def token_mask(self, token: str, tokens: dict[str, int]) -> int:
        by_anchor, lengths = self.by_anchor, self.lengths
        mask = 0
        for offset, function in self.functions:
            mask |= function(token) << offset
        if self.prefixes:
            prefixes = self.prefixes
            for size in self.prefix_lengths:
                if size > len(token):
                    break
                mask |= prefixes.get(token[:size], 0)
        n = len(token)
        if n * n < 2 * len(by_anchor):
            # fewer substrings of the token than anchors: look each substring up
            get = by_anchor.get
            for size in lengths:
                if size > n:
                    break
                for i in range(n - size + 1):
                    mask |= get(token[i : i + size], 0)
        else:
            for anchor, bits in by_anchor.items():
                if anchor in token:
                    mask |= bits
        tokens[token] = mask
        return mask

    def text_mask(self, lower_text: str) -> int:
        recent = self.recent
        mask = recent.get(lower_text)
        if mask is None:
            # the tables as of now: an index registered meanwhile (another thread)
            # replaces them, and a mask computed from the old ones is not kept
            generation, tokens = self.generation, self.tokens
            words = token_list(lower_text)
            try:  # every token seen before (the usual case): one C-level pass
                mask = reduce(or_, map(tokens.__getitem__, words), 0)
            except KeyError:
                for word in words:
                    if word not in tokens:
                        self.token_mask(word, tokens)
                mask = reduce(or_, map(tokens.__getitem__, words), 0)
            if generation == self.generation:
                if len(recent) >= self.recent_size:
                    recent.clear()
                recent[lower_text] = mask
        return mask


_REGISTRY = _Registry()


class AnchorIndex:
    """Which of several gated patterns can match a text, from one tokenisation.

    Every gate literal consists of ``[a-z0-9]`` characters, so each occurrence lies
    inside one token of the lower-cased text. Each distinct token is mapped once
    (then cached) to the bit mask of the gates its literals open, so a text costs
    one ``findall`` and one C-level OR over its tokens' masks (shared by all
    indexes) instead of one literal scan per pattern.
    """

    def __init__(self, gates: list[tuple[str, ...] | None]):
        self.gates = [frozenset(g) if g is not None else None for g in gates]
        self.anchors = tuple(sorted({a for g in gates if g for a in g}))
        by_anchor: dict[str, int] = {}
        always = 0
        for i, g in enumerate(self.gates):
            if g is None:
                always |= 1 << i
                continue
            for anchor in g:
                by_anchor[anchor] = by_anchor.get(anchor, 0) | (1 << i)
        self._always = always
        self._full = (1 << len(self.gates)) - 1
        self._offset = _REGISTRY.register(by_anchor, len(self.gates))

    def mask(self, lower_text: str) -> int:
        """Bit ``i`` is set when gated pattern ``i`` can match ``lower_text``."""
        return (_REGISTRY.text_mask(lower_text) >> self._offset) & self._full | self._always

    def active(self, lower_text: str) -> list[bool]:
        bits = f"{self.mask(lower_text):0{len(self.gates)}b}"[::-1]
        return list(map("1".__eq__, bits))

    def active_indices(self, lower_text: str) -> list[int]:
        """Indices of the patterns that can match, in increasing order."""
        mask = self.mask(lower_text)
        out: list[int] = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out


class TokenBitsIndex:
    """The OR over a text's ``[a-z0-9]+`` tokens of ``function(token)`` (at most
    ``size`` bits), from the shared registry: computed once a token, and a text's mask
    is the one the anchor indexes use (one tokenisation and OR for all of them)."""

    def __init__(self, function: Callable[[str], int], size: int):
        self._offset = _REGISTRY.register_function(function, size)
        self._full = (1 << size) - 1

    def mask(self, lower_text: str) -> int:
        return (_REGISTRY.text_mask(lower_text) >> self._offset) & self._full


class AlternativesIndex:
    """Like ``AnchorIndex`` with the finer ``gate_alternatives``: pattern ``i`` can match
    only when, for one of its alternatives, every literal set has a string in the text.
    One anchor index holds each distinct set once; each pattern's verdict is
    remembered per value of the set bits it reads.

    Two more anchor indexes keep the per-pattern work to a few patterns a text (all
    three masks come from the one token mask of the text): ``_sure`` opens a pattern
    when one of its one-set alternatives is satisfied (then it is open, nothing to
    check), ``_candidates`` when the rarest-looking set of one of its alternatives is
    (a pattern outside it cannot be open). Only candidates not already sure are checked
    set by set."""

    def __init__(self, alternatives: list[tuple[tuple[frozenset[str], ...], ...] | None]):
        sets: dict[frozenset[str], int] = {}
        #: per pattern: (set bits it reads, its alternatives as set-bit masks), or None
        self.patterns: list[tuple[int, tuple[int, ...]] | None] = []
        sure: list[tuple[str, ...] | None] = []
        candidates: list[tuple[str, ...] | None] = []
        for pattern_alternatives in alternatives:
            if pattern_alternatives is None:
                self.patterns.append(None)  # no required literal: always a candidate
                sure.append(None)
                candidates.append(None)
                continue
            masks = [
                reduce(or_, (1 << sets.setdefault(s, len(sets)) for s in alternative), 0)
                for alternative in pattern_alternatives
            ]
            self.patterns.append((reduce(or_, masks, 0), tuple(dict.fromkeys(masks))))
            sure.append(
                tuple(
                    sorted({lit for alt in pattern_alternatives if len(alt) == 1 for lit in alt[0]})
                )
            )
            candidates.append(
                tuple(
                    sorted(
                        {
                            lit
                            for alt in pattern_alternatives
                            for lit in max(alt, key=lambda s: (min(map(len, s)), -len(s)))
                        }
                    )
                )
            )
        self.index = AnchorIndex([tuple(sorted(s)) for s in sets])
        self._sure = AnchorIndex(sure)
        self._candidates = AnchorIndex(candidates)
        self._memo: list[dict[int, bool]] = [{} for _ in self.patterns]
        #: ``patterns`` with None (never checked: always sure) as no alternative
        self._checks = [entry or (0, ()) for entry in self.patterns]

    def active_indices(self, lower_text: str) -> list[int]:
        """Indices of the patterns that can match, in increasing order."""
        opened = self._sure.mask(lower_text)
        check = self._candidates.mask(lower_text) & ~opened
        if check:
            found = self.index.mask(lower_text)
            checks, memos = self._checks, self._memo
            while check:
                low = check & -check
                check ^= low
                i = low.bit_length() - 1
                reads, alternatives = checks[i]
                key = found & reads
                memo = memos[i]
                is_open = memo.get(key)
                if is_open is None:
                    is_open = memo[key] = any(key & alt == alt for alt in alternatives)
                if is_open:
                    opened |= low
        out: list[int] = []
        while opened:
            low = opened & -opened
            out.append(low.bit_length() - 1)
            opened ^= low
        return out


class GatedRe:
    """A stand-in for the ``re`` module inside the engine's modules (``gate_module``
    with ``inline=True``): ``search``, ``match``, ``fullmatch``, ``finditer``,
    ``findall``, ``sub`` and ``split`` take the pattern as a string, as ``re`` does,
    and run it compiled once behind its literal gate (``gated``). Rules keep their
    inline patterns; each call saves ``re``'s own cache lookup, and a pattern whose
    required literals are absent from the text is not run at all. Anything else
    (``compile``, flags, ``escape``, ``Match``) is the ``re`` module's own."""

    def __init__(self) -> None:
        #: (pattern, flags) -> compiled and gated; flags 0 keyed by the string alone
        self._plain: dict[str, re.Pattern[str]] = {}
        self._flagged: dict[tuple[str, int], re.Pattern[str]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    def _compiled(self, pattern: Any, flags: int) -> re.Pattern[str]:
        if not isinstance(pattern, str):
            if flags:
                raise ValueError("cannot process flags argument with a compiled pattern")
            return pattern  # type: ignore[no-any-return]  # compiled (or gated) already
        if flags:
            found = self._flagged.get((pattern, flags))
            if found is None:
                found = self._flagged[(pattern, flags)] = gated(re.compile(pattern, flags))
            return found
        found = self._plain.get(pattern)
        if found is None:
            found = self._plain[pattern] = gated(re.compile(pattern))
        return found

    def search(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        found = None if flags else self._plain.get(pattern)  # the usual case: one lookup
        return (found or self._compiled(pattern, flags)).search(string)

    def match(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        found = None if flags else self._plain.get(pattern)  # the usual case: one lookup
        return (found or self._compiled(pattern, flags)).match(string)

    def fullmatch(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        found = None if flags else self._plain.get(pattern)  # the usual case: one lookup
        return (found or self._compiled(pattern, flags)).fullmatch(string)

    def finditer(self, pattern: Any, string: str, flags: int = 0) -> Iterator[re.Match[str]]:
        found = None if flags else self._plain.get(pattern)  # the usual case: one lookup
        return (found or self._compiled(pattern, flags)).finditer(string)

    def findall(self, pattern: Any, string: str, flags: int = 0) -> list[Any]:
        found = None if flags else self._plain.get(pattern)  # the usual case: one lookup
        return (found or self._compiled(pattern, flags)).findall(string)

    def sub(self, pattern: Any, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
        found = None if flags else self._plain.get(pattern)
        return (found or self._compiled(pattern, flags)).sub(repl, string, count)

    def split(
        self, pattern: Any, string: str, maxsplit: int = 0, flags: int = 0
    ) -> list[str | Any]:
        return self._compiled(pattern, flags).split(string, maxsplit)


#: the one stand-in shared by every gated module
GATED_RE = GatedRe()
