# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Infections: HIV, hepatitis B/C (and A), tuberculosis, COVID-19, active/uncontrolled infection."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make, runs_between
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "infection"
_AGENTS: list[tuple[str, str]] = [
    (
        "hiv",
        r"\bhiv\b|human immunodeficiency virus|(?<!sleeping )(?<!sleep )(?<!hearing )(?<!walking )(?<!visual )(?<!mobility )(?<!memory )(?<!feeding )\baids\b|acquired immun\w* deficiency syndrome",
    ),
    ("hbv", r"hepatitis b|\bhbv\b|hbsag|hepatitis b surface antigen|\bhbc\b"),
    ("hcv", r"hepatitis c|\bhcv\b|hepatitis b (?:or|and|and/or|/) c\b"),
    ("hav", r"hepatitis a\b"),
    ("hepatitis", r"\bhepatitis\b(?! [abc]\b)|viral hepatitis"),
    ("tuberculosis", r"tuberculosis|\btb\b"),
    ("covid19", r"covid|sars-?cov-?2"),
    (
        "active",
        r"(?:active|serious|severe|uncontrolled|ongoing|systemic|acute|significant|current|clinically significant|intercurrent)\s+(?:(?:and|or|,)\s+|\w+\s+){0,3}?infections?|infections? requir\w* (?:\w+\s+){0,3}(?:antibiotics?|antimicrobials?|antivirals?|antifungals?|treatment|therapy)|(?:bacterial|fungal|viral)(?:,|\s+or|\s+and)?\s+(?:\w+\s+){0,3}infections?|unexplained fever|febrile|sepsis",
    ),
]
_SEPARATE = [(n, re.compile(p)) for n, p in _AGENTS]
_OTHER_ILLNESS = re.compile(
    r"diabet|thyroid|cardi|heart|renal|kidney|hepatic|liver|lung|pulmonary|psychiatr|illness|diseases?\b|conditions?\b|disorders?\b"
)

_NEGATIVE_AFTER = re.compile(
    r"[\s-]*(?:(?:surface|core|antigen|antibody|antibodies|ab|ag|test|status|serology|\w+)\s+){0,2}?"
    r"(?:sero)?negativ\w*\W*$"
)
#: "Seronegative for HIV antibody", "Non-reactive for HBsAg, anti-HBc, anti-HCV"
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:sero-?negative|negative|non-?reactive|free)\s+(?:for|of)\s+(?:[\w(),/-]+\s+){0,3}$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    found = [
        (n, m)
        for n, p in _SEPARATE
        if (m := p.search(norm))
        and not re.match(r"[\s-]*(?:\d+\s*)?\)?\s*vaccin", norm[m.end() : m.end() + 20])
        # "vaccination against coronavirus disease-19": the vaccine's target, not an infection
        and not re.search(
            r"vaccin\w*\s+(?:\w+\s+){0,5}?against\s+(?:\w+\s+){0,2}$",
            norm[max(0, m.start() - 60) : m.start()],
        )
    ]
    if not found:
        return []
    # one constraint per run of infection words; a run ends where other illnesses are
    # listed between two of them, so that those keep their own (comorbidity) words
    out = [
        make(item, FAMILY, a, b, {"agent": agents}, confidence=0.85)
        for agents, a, b in runs_between(found, norm, _OTHER_ILLNESS)
    ]
    for c in out:
        # "HIV negative", "Hepatitis C negative": a requirement not to have the infection
        end = c.span[1] - item.start
        start = c.span[0] - item.start
        if c.polarity == "require" and (
            _NEGATIVE_AFTER.match(norm[end : end + 40])
            or _NEGATIVE_BEFORE.search(norm[max(0, start - 40) : start])
        ):
            c.polarity = "exclude"
    return out
