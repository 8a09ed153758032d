# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Helpers shared by the family components."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from osteotrials.criteria import _build
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint, Logic, Polarity, TimeWindow
from osteotrials.vocab._regex import (
    AlternativesIndex,
    AnchorIndex,
    fast_start,
    gate,
    gate_alternatives,
)

_UNSET: Any = object()


_WITH_OR_WITHOUT = re.compile(r"\bwith or without\s+(?:[\w()-]+\s+){0,3}$")


def make(
    item: ItemText,
    family: str,
    a: int,
    b: int,
    params: dict[str, Any] | None = None,
    *,
    confidence: float,
    polarity: Polarity | None = None,
    logic: Logic | None = None,
    time_window: TimeWindow | None = _UNSET,
) -> Constraint:
    """A constraint for the local span [a, b) of ``item``."""
    a = max(0, min(a, len(item.text)))
    b = max(a, min(b, len(item.text)))
    if time_window is _UNSET:
        left, right = item.clause_bounds(a)
        time_window = item.time_window(left, max(right, b))
    clean = {k: v for k, v in (params or {}).items() if v is not None and v != [] and v != ""}
    if polarity is None:
        polarity = item.polarity(a, b)
        # a lab limit inside a permissive parenthesis is a conditional threshold (liver
        # metastases, Gilbert syndrome), which the lab rules and the matcher handle
        if polarity != "allow" and family != "lab" and "(" in item.norm:
            polarity = item.parenthesis_verdict(a) or polarity
        if "with or without" in item.norm and _WITH_OR_WITHOUT.search(
            item.norm[max(0, a - 40) : a]
        ):
            polarity = "allow"  # "ER positive, with or without PR positivity": no PR rule
    return _build.constraint(
        family,
        polarity,
        clean,
        logic or _build.logic(),
        time_window,
        item.span(a, b),
        item.text[a:b],
        confidence,
    )


#: "Uncontrolled hypertension", "poorly controlled diabetes mellitus", "hypertension not
#: adequately controlled": only the uncontrolled condition is the rule
_UNCONTROLLED_BEFORE = re.compile(
    r"\b(?:uncontrolled|uncontrollable|poorly[- ]controlled|inadequately[- ]controlled)\s+"
    r"(?:(?:and|or|/|,)\s*)?(?:[\w-]+\s+){0,2}$"
)
_UNCONTROLLED_AFTER = re.compile(
    r"^\s*(?:(?:that|which)\s+(?:is|are)\s+uncontrolled|(?:(?:that|which)\s+)?(?:is|are)?\s*"
    r"(?:not\s+(?:well\s+|adequately\s+|optimally\s+)?controlled|poorly\s+controlled))\b"
)


#: a head that makes every condition it lists uncontrolled: "Uncontrolled intercurrent
#: illness including, but not limited to, ... symptomatic congestive heart failure, unstable
#: angina pectoris, cardiac arrhythmia"
_UNCONTROLLED_LIST_HEAD = re.compile(
    r"\b(?:uncontrolled|poorly[- ]controlled)\s+(?:[\w-]+\s+){0,2}?(?:illness\w*|diseases?|"
    r"conditions?|disorders?)\s*,?\s*\(?(?:including|such as|e\.g\.|for example)\b"
)


def uncontrolled_near(norm: str, a: int, b: int) -> bool:
    """Whether the condition at [a, b) is qualified as uncontrolled: the qualifier just
    before it (at most two words between) or just after it (the matcher then counts only
    a comorbidity the patient file does not mark controlled)."""
    if (head := _UNCONTROLLED_LIST_HEAD.search(norm, 0, a)) and not re.search(
        r"[.;]\s", norm[head.end() : a]
    ):
        return True  # one of the examples of an uncontrolled illness
    return bool(
        _UNCONTROLLED_BEFORE.search(norm, max(0, a - 60), a)
        or _UNCONTROLLED_AFTER.match(norm[b : b + 40])
    )


def first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{t})" for t in terms))


def exceptions_in(norm: str, original: str) -> list[str]:
    """Texts of "except ..." / "unless ..." / "other than ..." clauses."""
    out: list[str] = []
    for m in re.finditer(
        r"\b(?:except(?: for)?|with the exception of|unless|other than|excluding|apart from|but not)\b([^.;]{3,200})",
        norm,
    ):
        out.append(original[m.start(1) : m.end(1)].strip(" ,()"))
    return out


def runs_between(
    found: list[tuple[str, re.Match[str]]], norm: str, separator: re.Pattern[str]
) -> list[tuple[list[str], int, int]]:
    """Group named matches into runs; a run ends where ``separator`` occurs in the text
    between two of them (e.g. an infection rule between two listed illnesses, so each
    family keeps its own words). Each run: its sorted names and its span."""
    found = sorted(found, key=lambda f: f[1].start())
    runs: list[list[tuple[str, re.Match[str]]]] = [[found[0]]] if found else []
    for name, m in found[1:]:
        prev_end = max(x.end() for _, x in runs[-1])
        if m.start() > prev_end and separator.search(norm[prev_end : m.start()]):
            runs.append([])
        runs[-1].append((name, m))
    return [
        (sorted({n for n, _ in run}), min(m.start() for _, m in run), max(m.end() for _, m in run))
        for run in runs
    ]


def sentences(norm: str) -> list[tuple[int, int]]:
    """Sentence bounds of the normalised item text."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"(?<=[a-z0-9)\]%])[.;]\s+(?=\S)", norm):
        bounds.append((start, m.start() + 1))
        start = m.end()
    bounds.append((start, len(norm)))
    return [(a, b) for a, b in bounds if b > a]


class MultiPattern:
    """Several named patterns searched in one pass: ``first_matches`` returns the first
    match of each name (names whose match overlaps an earlier name's may be missed)."""

    def __init__(self, patterns: list[tuple[str, str]]):
        self.patterns = [(n, re.compile(p)) for n, p in patterns]
        #: one literal set a pattern (``gate``)
        self.index = AnchorIndex([gate(p) for _n, p in patterns])
        #: every required set of one alternative (``gate_alternatives``): what
        #: ``first_matches`` runs, fewer patterns than ``index`` opens
        self.alternatives = AlternativesIndex([gate_alternatives(p) for _n, p in patterns])
        #: what ``first_matches`` runs: the same matches, found faster (``fast_start``)
        self._fast = [(n, fast_start(p)) for n, p in self.patterns]

    def first_matches(self, text: str) -> list[tuple[str, re.Match[str]]]:
        """First match of each named pattern in (lower-case, normalised) ``text``."""
        out: list[tuple[str, re.Match[str]]] = []
        for i in self.alternatives.active_indices(text):
            name, pattern = self._fast[i]
            if (m := pattern.search(text)) and m.end() > m.start():
                out.append((name, m))
        return out


#: "Bone, CNS, and skin lesions ... are not considered measurable", "Ascites, pleural
#: effusion ... are not measurable": lesions named as what does not count as measurable
_NOT_MEASURABLE_SENTENCE = re.compile(
    r"\b(?:are|is)\s+not\s+(?:\w+\s+){0,2}?(?:measurable|target|evaluable)|\bnot\s+be\s+(?:accepted|considered|counted)\s+as\s+(?:\w+\s+)?measurable|\bnot\s+(?:be\s+)?(?:considered|counted|regarded|used)\s+(?:as\s+)?(?:\w+\s+)?(?:measurable|target)|considered\s+(?:as\s+)?non-?(?:measurable|target)|non-?measurable (?:lesions?|disease) (?:include|such as|e\.g|are)"
)


def named_as_not_measurable(norm: str, start: int) -> bool:
    """The mention at ``start`` is in a sentence listing lesions that are not measurable."""
    for a, b in sentences(norm):
        if a <= start < b:
            sent = norm[a:b]
            # "bone-only disease that is non-measurable is eligible" stays a site rule
            return bool(_NOT_MEASURABLE_SENTENCE.search(sent)) and not (
                re.search(r"\bonly\b|\bsole\b|exclusively", sent)
                and re.search(r"eligible|allowed|permitted|acceptable|\bmay\b", sent)
            )
    return False


#: "metastatic disease not amenable to curative surgery or radiotherapy", "not amenable to
#: local therapy (surgery and radiation)": the therapies say how advanced the disease is
#: (a diagnosis rule), not a rule on the patient's treatment
_NOT_AMENABLE = re.compile(
    r"\b(?:not|non|cannot be|no longer)[- ](?:\w+\s+){0,3}?(?:amenable|candidates?|suitable|eligible)\s+(?:to|for)\b(?:(?!\band\s+(?:has|have|had|must|is|are|who|should|progress\w*)\b)[^.;]){0,80}$"
)
_CURATIVE_LOCAL = re.compile(
    r"curative|curable|definitive|(?:surg\w*|resect\w*)[^.;]{0,50}(?:radiat\w*|radiotherap\w*)|(?:radiat\w*|radiotherap\w*)[^.;]{0,50}(?:surg\w*|resect\w*)"
)


def not_amenable_to(norm: str, start: int, end: int) -> bool:
    """The therapy at [start, end) is named in "(disease) not amenable to curative ..."."""
    before = _NOT_AMENABLE.search(norm[max(0, start - 100) : start])
    if before is None:
        return False
    clause = before.group(0) + norm[start : end + 60].split(".")[0].split(";")[0]
    return bool(_CURATIVE_LOCAL.search(clause))
