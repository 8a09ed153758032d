# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Surgery: major surgery washout, planned/completed breast surgery, reconstruction."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "surgery"
_MENTION = re.compile(
    r"\b(?:major |minor |prior |previous |definitive |breast |recent |planned |elective )*surger(?:y|ies)\b|\bsurgical (?:procedure|resection|intervention|treatment|wound|incision)s?\b|\bmastectom\w*|\blumpectom\w*|\bbreast[- ]conserving\b|\bsternotomy\b|\breconstruction\b|\boperation\b|\bflap\b|\bsurgically (?:removed|resected|treated)|\bquadrantectomy|\bexcision(?:al)? biops\w*|\bwide local excision"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    m = _MENTION.search(norm)
    if not m:
        return []
    if re.search(
        r"surgical(?:ly)? steril|surgically[- ]induced|steriliz",
        norm[max(0, m.start() - 5) : m.end() + 15],
    ):
        return []
    aspects: list[str] = []
    if re.search(r"\bmajor\b", norm):
        aspects.append("major_surgery")
    if re.search(r"planned|scheduled|undergo|undergoing|will (?:have|undergo)|candidate", norm):
        aspects.append("planned")
    if re.search(r"prior|previous|completed|undergone|had\b|history|recover", norm):
        aspects.append("prior")
    last = list(_MENTION.finditer(norm))[-1]
    return [
        make(
            item,
            FAMILY,
            m.start(),
            last.end(),
            {"aspect": aspects or ["mentioned"]},
            confidence=0.8,
        )
    ]
