# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Pregnancy, breastfeeding and pregnancy testing (contraception is administrative)."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import MultiPattern, make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "pregnancy"
_ASPECTS: list[tuple[str, str]] = [
    ("pregnant", r"pregnan\w*(?! test)|gravid"),
    (
        "breastfeeding",
        r"breast[- ]?feed\w*|lactat(?:ion|ing)\w*|nursing (?:women|mothers?|patients|infants?)|(?:pregnant|pregnancy) (?:or|and|and/or|/) nursing|\bor nursing\b|\bnursing\b(?!\s+(?:homes?|facilit\w*|care|staff|units?|services?))(?=[^.;]{0,20}$)",
    ),
    ("pregnancy_test", r"pregnancy test\w*|hcg|β-hcg|beta-hcg"),
]
_COMPILED = MultiPattern(_ASPECTS)


_CAUSE_BEFORE = re.compile(
    r"\b(?:related to|due to|caused by|induced by|secondary to|attributable to)\s+(?:\w+\s+(?:or|and|and/or)\s+)?$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    found = _COMPILED.first_matches(norm)
    if not found:
        return []
    if (
        [n for n, _ in found] == ["pregnant"]
        and re.search(
            r"could become pregnant|become pregnant|getting pregnant|able to get pregnant|partner",
            norm,
        )
        and not re.search(r"\b(?:are|is|currently|be) pregnant|pregnancy\b(?! test)", norm)
    ):
        return []
    # "women who have either been pregnant or had a menstrual period": an earlier pregnancy
    # as evidence of fertility, not a pregnancy rule
    found = [
        (n, m)
        for n, m in found
        if not (
            n == "pregnant"
            and re.search(
                r"\b(?:have|has|had)\s+(?:\w+\s+)?been\s+$",
                norm[max(0, m.start() - 25) : m.start()],
            )
        )
    ]
    # "deep venous thrombosis not related to trauma or pregnancy": pregnancy as the cause
    # of another condition, not a pregnancy rule
    found = [
        (n, m)
        for n, m in found
        if not _CAUSE_BEFORE.search(norm[max(0, m.start() - 40) : m.start()])
    ]
    if not found:
        return []
    aspects = sorted({n for n, _ in found})
    a = min(m.start() for _, m in found)
    b = max(m.end() for _, m in found)
    return [make(item, FAMILY, a, b, {"aspect": aspects}, confidence=0.9)]
