# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Hypersensitivity / allergy / intolerance to study drugs, classes or excipients."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "hypersensitivity"
_TRIGGER = re.compile(
    r"hypersensitiv\w*|allerg\w*|anaphyla\w*|(?:drug|known) intoleran\w*|intoleran\w* to (?:any |the )?(?:study|component|excipient)\w*|contraindications? to (?:the )?(?:use of )?(?:any of )?(?:the )?(?:study |trial )?(?:drugs?|medications?|agents?|treatment|contrast|gadolinium|iodinated|\w+-based|\w+(?:mab|nib|ib|ine|in|ol|ide|ate)\b)|sensitivity to|idiosyncra\w*|severe (?:infusion )?reactions? to|unanticipated severe reaction"
)


_REMEDY = re.compile(r"\s(?:relief\s)?(?:medications?|medicines?|remed\w*|pills?|tablets?)\b")


def extract(item: ItemText) -> list[Constraint]:
    # "OTC allergy medications" names a drug, not an allergy
    m = next(
        (
            t
            for t in _TRIGGER.finditer(item.norm)
            if not (t.group(0).startswith("allerg") and _REMEDY.match(item.norm, t.end()))
        ),
        None,
    )
    if not m:
        return []
    ms = [t for t in _therapy.mentions(item) if t.start >= m.start() - 60]
    params = {
        "drugs": sorted({d for t in ms for d in t.drugs}),
        "classes": sorted({c for t in ms for c in t.classes}),
    }
    end = max([m.end(), *(t.end for t in ms)])
    return [make(item, FAMILY, m.start(), end, params, confidence=0.85)]
