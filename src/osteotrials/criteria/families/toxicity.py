# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Unresolved toxicity of earlier treatment (CTCAE grade), pre-existing neuropathy grade."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "toxicity"
#: the clause of a recovery may hold an abbreviation: "not recovered (i.e., =< grade 1 or at
#: baseline) from adverse events"
_CLAUSE_CHAR = r"(?:[^.;]|\b(?:i\.e|e\.g)\.)"
_THERAPY_WORD = (
    r"(?:therap\w*|treatments?|chemo\w*|radiation|radiotherapy|anti-?cancer \w+|agents?)"
)
_MENTION = re.compile(
    rf"(?:unresolved|persistent|residual|ongoing|recover\w*|resolution|resolved)\b{_CLAUSE_CHAR}{{0,80}}?(?:toxicit\w*|toxic effects?|adverse (?:events?|effects?|reactions?)|\baes?\b|side[- ]effects?|(?:acute|reversible) effects? of (?:\w+\s+){{0,3}}?{_THERAPY_WORD})|(?:toxicit\w*|toxic effects?|side[- ]effects?|adverse (?:events?|effects?)|\baes?\b|\beffect(?:s|\(s\))? of (?:\w+\s+){{0,3}}?{_THERAPY_WORD})\s+(?:\w+\s+){{0,8}}?(?:resolved|recovered|grade|≤|<=|>|≥|ctcae)|"
    # "Recovered from all prior chemotherapy or radiotherapy to NCI CTC grade 1": recovery
    # from a treatment, to a grade or to baseline
    # "Any significant side effects related to prior chemo, radiation, biology or hormonal
    # therapy that did not resolve": effects of treatment that have not resolved
    r"\b(?:side[- ]effects?|toxicit\w*|adverse (?:events?|effects?))\b[^.;]{0,100}?\b(?:did|has|have|had)\s+not\s+(?:resolved?|recovered?)\b|"
    rf"\brecover\w* from (?:(?:all|any|the|prior|previous|of|or|and|acute|effects?|[\w-]+al),?\s+){{0,6}}{_THERAPY_WORD}\b[^.;]{{0,40}}?\bto\s+(?:(?:nci|ctc|ctcae|v?[\d.]+|a|an)\s+){{0,4}}(?:grade|baseline|≤|<=|=<|<)|"
    r"\bneuropath\w*\s+(?:\w+\s+){0,4}?grade|grade\s*(?:≥|>=|>|≤|<=|<)?\s*[1-4]\s+(?:or (?:higher|greater|worse)\s+)?(?:\w+\s+){0,3}neuropath\w*|(?:sensory|motor|peripheral)(?:/motor)? neuropath\w*\s+(?:\w+\s+){0,6}?(?:grade|ctcae)|\bneuropath\w*\s+(?:\w+\s+){0,3}?(?:ctcae|common terminology criteria)"
)
_GRADE = re.compile(
    r"grade\s*(?P<op>≥|>/=|>=|=>|>|≤|</=|<=|=<|<|=|of|(?:less|greater|lower|higher) than(?: or equal to)?(?:\s*\([<>/=≤≥]{1,3}\))?)?\s*(?P<g>[0-4])|(?P<op2>≥|>/=|>=|=>|>|≤|</=|<=|=<|<)\s*grade\s*(?P<g2>[0-4])"
)

#: a neuropathy limit named as an exception to the recovery rule is an allowance: after an
#: exception cue (``_therapy.is_exception``) or called one after it
_EXCEPTED_AFTER = re.compile(
    r"[^.;]{0,40}?\b(?:(?:is|are) (?:an )?exceptions?|(?:is|are) (?:eligible|acceptable|allowed|permitted)|may (?:qualify|participate|be (?:eligible|included|enrolled)))\b"
)
_UPPER_OF_ZERO = re.compile(r"\s*(?:or|-|–|to)\s*([1-4])\b")


def _max_grade(norm: str, start: int = 0, end: int | None = None) -> int | None:
    g = _GRADE.search(norm, start, len(norm) if end is None else end)
    if not g:
        return None
    grade = int(g.group("g") or g.group("g2"))
    # "Grade 0 or 1", "grade 0-1": grade 0 is no threshold, the upper grade is
    if grade == 0 and (upper := _UPPER_OF_ZERO.match(norm, g.end())):
        grade = int(upper.group(1))
    return grade


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    m = _MENTION.search(norm)
    if not m:
        return []
    neuropathy = "neuropath" in m.group(0)
    params: dict[str, object] = {"aspect": "neuropathy" if neuropathy else "unresolved_toxicity"}
    if (grade := _max_grade(norm)) is not None:
        params["max_grade"] = grade
    out = [make(item, FAMILY, m.start(), m.end(), params, confidence=0.75)]
    if not neuropathy:
        # "... recovered to <= Grade 1 ... Note: Subjects with <= Grade 2 neuropathy are an
        # exception": the neuropathy limit is a rule of its own, with its own grade
        for later in _MENTION.finditer(norm, m.end()):
            if "neuropath" in later.group(0):
                near = _max_grade(norm, max(0, later.start() - 25), later.end() + 40)
                excepted = _therapy.is_exception(
                    norm, later.start(), stated_after=False
                ) or _EXCEPTED_AFTER.match(norm, later.end())
                out.append(
                    make(
                        item,
                        FAMILY,
                        later.start(),
                        later.end(),
                        {"aspect": "neuropathy", "max_grade": near},
                        confidence=0.75,
                        polarity="allow" if excepted else None,
                    )
                )
                break
    return out
