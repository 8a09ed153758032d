"""Coverage of compiled criteria: share of items typed, per family, unparsed patterns."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from osteotrials.model.criteria import CompiledTrial, CoverageReport

_WORD = re.compile(r"[a-z]+")
_STOP = {
    "a",
    "an",
    "the",
    "of",
    "to",
    "with",
    "and",
    "or",
    "in",
    "for",
    "be",
    "is",
    "are",
    "have",
    "has",
    "must",
    "patients",
    "patient",
    "subjects",
    "subject",
    "participants",
    "participant",
    "who",
    "that",
    "any",
    "on",
    "by",
    "as",
    "at",
}


def pattern_key(text: str) -> str:
    """A short key for grouping unparsed items: their first two content words."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    return " ".join(words[:2]) or "(no words)"


def coverage(compiled: Iterable[CompiledTrial], *, top: int = 20) -> CoverageReport:
    trials = items = typed = administrative = headers = no_condition = 0
    by_family: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    patterns: Counter[str] = Counter()
    for trial in compiled:
        trials += 1
        for item in trial.items:
            if item.role == "header":
                headers += 1
                continue
            if item.role == "no_condition":
                no_condition += 1
                continue
            items += 1
            if item.constraints:
                typed += 1
                if item.administrative:
                    administrative += 1
                for fam in {c.family for c in item.constraints}:
                    by_family[fam] += 1
            else:
                reasons[item.unparsed_reason or "unknown"] += 1
                patterns[pattern_key(item.text)] += 1
    return CoverageReport(
        trials=trials,
        items=items,
        typed=typed,
        unparsed=items - typed,
        administrative=administrative,
        typed_share=round(typed / items, 4) if items else 0.0,
        by_family=dict(by_family.most_common()),
        unparsed_reasons=dict(reasons.most_common()),
        top_unparsed_patterns=patterns.most_common(top),
        headers=headers,
        no_condition=no_condition,
    )
