# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Unresolved toxicity of earlier treatment (CTCAE grade), pre-existing neuropathy grade."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "toxicity"
_MENTION = re.compile(
    r"(?:unresolved|persistent|residual|ongoing|recover\w*|resolution|resolved)\b[^.;]{0,80}?(?:toxicit\w*|toxic effects?|adverse (?:events?|effects?|reactions?)|\baes?\b|side effects?)|(?:toxicit\w*|adverse (?:events?|effects?)|\baes?\b)\s+(?:\w+\s+){0,6}?(?:resolved|recovered|grade|≤|<=|>|≥|ctcae)|\bneuropath\w*\s+(?:\w+\s+){0,4}?grade|grade\s*(?:≥|>=|>|≤|<=|<)?\s*[1-4]\s+(?:or (?:higher|greater|worse)\s+)?(?:\w+\s+){0,3}neuropath\w*|(?:sensory|motor|peripheral)(?:/motor)? neuropath\w*\s+(?:\w+\s+){0,6}?(?:grade|ctcae)|\bneuropath\w*\s+(?:\w+\s+){0,3}?(?:ctcae|common terminology criteria)"
)
_GRADE = re.compile(
    r"grade\s*(?P<op>≥|>/=|>=|=>|>|≤|</=|<=|=<|<|=|of|(?:less|greater|lower|higher) than(?: or equal to)?(?:\s*\([<>/=≤≥]{1,3}\))?)?\s*(?P<g>[0-4])|(?P<op2>≥|>/=|>=|=>|>|≤|</=|<=|=<|<)\s*grade\s*(?P<g2>[0-4])"
)

_UPPER_OF_ZERO = re.compile(r"\s*(?:or|-|–|to)\s*([1-4])\b")


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    m = _MENTION.search(norm)
    if not m:
        return []
    params: dict[str, object] = {
        "aspect": "neuropathy" if "neuropath" in m.group(0) else "unresolved_toxicity"
    }
    if g := _GRADE.search(norm):
        grade = int(g.group("g") or g.group("g2"))
        # "Grade 0 or 1", "grade 0-1": grade 0 is no threshold, the upper grade is
        if grade == 0 and (upper := _UPPER_OF_ZERO.match(norm, g.end())):
            grade = int(upper.group(1))
        params["max_grade"] = grade
    return [make(item, FAMILY, m.start(), m.end(), params, confidence=0.75)]
