# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Surgery: major surgery washout, planned/completed breast surgery, reconstruction."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make, not_amenable_to
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "surgery"
_MENTION = re.compile(
    r"\b(?:major |minor |prior |previous |definitive |breast |recent |planned |elective )*surger(?:y|ies)\b|\bsurgical (?:procedure|resection|intervention|treatment|wound|incision)s?\b|\bmastectom\w*|\blumpectom\w*|\bbreast[- ]conserving\b|\bsternotomy\b|\breconstruction\b|\boperation\b|\bflap\b|\bsurgically (?:removed|resected|treated)|\bquadrantectomy|\bexcision(?:al)? biops\w*|\bwide local excision"
)


#: "(e.g., radiotherapy, surgery)": surgery as one example of how something was treated
_EXAMPLE_PARENS = re.compile(r"\(\s*(?:e\.?g\.?|i\.?e\.?|such as|for example)[^()]*$")
#: "biopsy/surgery of metastases", "surgical specimen": where tissue came from
_SPECIMEN = re.compile(
    r"biops\w*\s*(?:/|or|and|and/or)\s*$|^\s*(?:/|or|and)?\s*(?:specimens?|samples?|tissue|pathology)\b"
)
#: "at relapse after curative intent surgery", "is planned prior to surgery": a time
#: anchor for something else (no interval, no recovery, no plan for the surgery itself)
_ANCHOR = re.compile(
    r"(?:after|following|prior to|before|until|up to|post)\s+(?:the\s+|their\s+|her\s+|definitive\s+|primary\s+|curative(?:[- ]intent)?\s+|breast\s+|initial\s+)*$"
)
_OWN_RULE = re.compile(
    r"\b(?:recover\w*|heal\w*|weeks?|days?|months?|major|minor|undergo\w*|underwent|scheduled|candidates?|wound|complications?|since|within)\b"
)

#: an other-malignancy rule and the start of its exceptions
_OTHER_CANCER = re.compile(
    r"\b(?:other|another|second|prior|previous|concurrent|history of)\s+(?:\w+\s+){0,2}(?:malignan\w*|cancers?|carcinomas?|neoplasms?)"
)
_EXCEPTION_BEFORE = re.compile(
    r"\b(?:exceptions?|except|other than|excluding|unless)\b[^.;]{0,160}$"
)


def _context(item: ItemText, m: re.Match[str]) -> bool:
    norm = item.norm
    before = norm[max(0, m.start() - 120) : m.start()]
    if _EXAMPLE_PARENS.search(before) or _SPECIMEN.search(before[-20:]):
        return True
    if _SPECIMEN.match(norm[m.end() : m.end() + 20]):
        return True
    if _OTHER_CANCER.search(norm) and _EXCEPTION_BEFORE.search(
        norm[max(0, m.start() - 180) : m.start()]
    ):
        return True  # "Exceptions include ... skin cancer that has undergone curative surgery"
    if not_amenable_to(norm, m.start(), m.end()):
        return True  # "metastatic disease not amenable to curative surgery or radiotherapy"
    left, right = item.clause_bounds(m.start())
    return (
        m.group(0).endswith(("surgery", "surgeries"))
        and bool(_ANCHOR.search(before[-40:]))
        and not _OWN_RULE.search(norm[left:right])
    )


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    mentions = [m for m in _MENTION.finditer(norm) if not _context(item, m)]
    if not mentions:
        return []
    m = mentions[0]
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
    last = mentions[-1]
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
