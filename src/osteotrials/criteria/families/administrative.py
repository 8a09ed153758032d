# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Administrative criteria: consent, compliance, language, availability, contraception
willingness, samples, study procedures, investigator judgement and legal status
(prisoners, compulsory detention)."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import MultiPattern, make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "administrative"
_ASPECTS: list[tuple[str, str]] = [
    (
        "consent",
        r"(?<!time of )(?<!time of the )(?<!time of signing )(?<!date of )informed consent(?! is signed| was signed| date)|consent form|sign\w* (?:the )?(?:written )?consent|written consent|give consent|provide consent|consent to|able to consent|agree to participate|assent",
    ),
    (
        "compliance",
        r"complian\w*|comply|adhere|follow[- ]?up|study (?:visits|requirements|procedures)|protocol (?:requirements|procedures)|willing(?:ness)? (?:and able )?to (?:participate|undergo|return|attend|complete|follow|provide|allow)|able to (?:attend|complete(?! (?:the |a |an )?(?:\w+ )?tests?\b)|return|participate|undergo|understand)|unable or unwilling|unwilling or unable|uncooperative|cooperative (?:patient|with)|ability to (?:follow|comply|participate|understand)|limit(?:ing)? (?:the patient's )?ability to follow|study[- ]related procedure",
    ),
    (
        "language",
        r"\benglish\b|\bspanish\b|\bfrench\b|read,? (?:and )?write|speak|literate|language",
    ),
    (
        "contraception",
        r"contracepti\w*|birth control|abstinence|barrier method|intrauterine device|\biud\b|vasectomy|sterili[sz]ation|childbearing potential must agree",
    ),
    (
        "availability",
        r"available for|geograph\w*|accessib\w*\b(?!\s+(?:(?:\w+\s+)?(?:disease|lesions?|tumou?rs?|sites?|metasta\w*|nodes?)|for (?:biopsy|biopsies)))|travel|reside|residence|live within|transportation|telephone(?!\s+(?:screening|interviews?))|internet|access to",
    ),
    (
        "samples",
        r"(?:tissue|specimen|sample|block)s?\b[^.;]{0,60}\b(?:must be available|available|availability|submitted|provided)|availability of (?:an? )?(?:\w+\s+){0,3}(?:tissue|specimen|sample|block)|(?:tissue|tumou?r|blood|archival)\s+(?:samples?|blocks?|specimens?|biopsies)\s+(?:\w+\s+){0,3}?(?:available|provide|submitted|submission)|provide (?:\w+\s+){0,3}samples|willing to (?:provide|undergo) (?:\w+\s+){0,3}biops\w*|availability of (?:\w+\s+){0,2}tissue",
    ),
    (
        "procedures",
        r"(?:radiolog\w*|imaging|scans?|tumou?r assessments?|assessments?)\s+(?:\w+\s+){0,3}within \d+ days|must be (?:performed|obtained|done) within|(?:scans?|imaging|x-rays?|tests?|assessments?|examinations?)\s+(?:\w+\s+){0,5}?(?:performed|obtained|done|completed) within|baseline (?:scans?|imaging|assessments?)|randomi[sz]ation (?:must|should)|medical monitor|per protocol|as defined in the protocol|laid out in the protocol|outlined in the protocol|in the study protocol|section \d|appendix",
    ),
    (
        "investigator_judgement",
        r"investigator'?s?'? (?:judge?ment|opinion|discretion)|in the (?:judge?ment|opinion) of the (?:treating )?(?:investigator|physician)|inappropriate candidate|appropriate (?:study )?(?:subject|candidate)|not (?:be )?suitable|unsuitable",
    ),
    (
        "eligibility_meta",
        r"inclusion criteria|exclusion criteria|eligibility criteria|meet (?:all )?(?:the )?(?:requirements|criteria)",
    ),
    ("notification", r"general practitioner|notified|notification"),
    (
        "legal_status",
        r"\bprisoners?\b|incarcerat\w*|compulsor\w* (?:detain\w*|hospitali[sz]\w*|admi\w*)|detained (?:by|under|in)|legally detained|institutionali[sz]ed (?:by|under|against)",
    ),
]
_COMPILED = MultiPattern(_ASPECTS)
_SUBHEADER = re.compile(
    r"\W*(?:key\s+|additional\s+|general\s+|main\s+)?(?:inclusion|exclusion|eligibility)\s+criteri\w*\b[^.;]{0,50}"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if re.search(r"protocol[- ]defined|criteria (?:may|will|might) apply", norm):
        return []  # the list is incomplete by the trial's words: leave it unparsed
    found = _COMPILED.first_matches(norm)
    # "within the time frame in which contraception is required": a period, not a rule
    found = [
        (n, m)
        for n, m in found
        if not (
            n == "contraception"
            and re.search(
                r"(?:period|time ?frame|time)\s+(?:in|during|for)\s+which\s+$",
                norm[max(0, m.start() - 30) : m.start()],
            )
        )
    ]
    if not found:
        return []
    aspects = sorted({n for n, _ in found})
    if aspects == ["eligibility_meta"] and _SUBHEADER.fullmatch(norm):
        return []  # "Inclusion Criteria Part B": a section sub-header, not a rule
    a = min(m.start() for _, m in found)
    b = max(m.end() for _, m in found)
    return [
        make(
            item,
            FAMILY,
            a,
            b,
            {"aspect": aspects},
            confidence=0.85,
            polarity="require" if item.kind == "inclusion" else None,
        )
    ]
