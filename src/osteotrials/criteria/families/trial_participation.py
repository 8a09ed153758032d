# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Participation in other trials / investigational agents."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "trial_participation"
_STRONG = re.compile(
    r"participat\w* in (?:an?other|any other|other|concurrent|another|simultaneous|a clinical|an interventional|any (?:other )?(?:clinical|investigational|interventional))\b"
    r"|(?:enrol\w*|participat\w*) in (?:\w+\s+){0,3}(?:clinical )?(?:trials?|stud(?:y|ies)) (?:of|with|involving) (?:an? )?investigational"
    r"|(?<!other than )(?<!other than the )\b(?:concurrent|simultaneous|another|any other)\s+(?:interventional |investigational |clinical |therapeutic |experimental )*(?:trials?|stud(?:y|ies))(?! (?:drug|medication|treatment|procedures?|requirements?|related))"
    r"|\bother (?:interventional |investigational |clinical |therapeutic )+(?:trials?|stud(?:y|ies))"
    r"|(?:participat\w* in|enrol\w* in|withdrawal from|withdrawn from) (?:a |an |any )?(?:prior|previous|earlier|parent)\s+(?:[\w-]+\s+){0,2}?(?:clinical\s+)?(?:trials?|stud(?:y|ies))\b"
    r"|(?:enrol\w*|participat\w*) in (?:an?\s+|another\s+)?(?:\w+\s+){0,2}?(?:interventional|therapeutic|investigational)\s+(?:\w+\s+){0,3}?(?:trials?|stud(?:y|ies))\b"
    r"|investigational (?:study|trial|device)|experimental (?:drug )?stud(?:y|ies)|clinical trials? (?:of|with|involving)|interventional clinical trial"
)
_AGENT = re.compile(
    r"investigational (?:agents?|drugs?|products?|medicinal products?|therap\w*|treatments?|compounds?)|experimental (?:agents?|drugs?|therap\w*)|unapproved (?:drugs?|agents?)"
)
_ANTICANCER_LIST = re.compile(
    r"chemotherap\w*|radiotherap\w*|radiation|immunotherap\w*|hormonal|endocrine|biologic\w*|anti-?cancer|targeted"
)

_STUDY_TREATMENT = re.compile(
    r"(?:consent to|contraindicat\w* (?:the )?use of|(?:tolerate|understand\w*|nature of)|(?:prior to|before|after|following|at the time of|since|within \d+ (?:days|weeks) of) (?:the\s+)?(?:first\s+|last\s+)?(?:dose|administration|infusion) of)\s+(?:the\s+|an?\s+|this\s+|study\s+)?$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if (m := _STRONG.search(norm)) and re.search(
        r"\b(?:potential|possible)\s+$", norm[max(0, m.start() - 12) : m.start()]
    ):
        m = None  # "considerations relevant to a patient's potential participation in a trial"
    if m:
        return [make(item, FAMILY, m.start(), m.end(), {"aspect": "other_trial"}, confidence=0.85)]
    if m := _AGENT.search(norm):
        if _STUDY_TREATMENT.search(norm[max(0, m.start() - 40) : m.start()]):
            return []  # "consent to the experimental therapy": the study's own treatment
        if _ANTICANCER_LIST.search(norm):
            return []  # "any investigational therapy" inside an anticancer-therapy washout list
        return [
            make(
                item,
                FAMILY,
                m.start(),
                m.end(),
                {"aspect": "investigational_agent"},
                confidence=0.8,
            )
        ]
    return []
