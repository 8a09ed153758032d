# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Sex: female / male only, or both."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "sex"
_LEAD = r"^\W*(?:adult\s+|postmenopausal\s+|post-menopausal\s+)?(?:(?:patients?|participants?|subjects?|individuals?)\s+(?:must\s+be|is|are)\s+|(?:be|is|are|must be)\s+(?:an?\s+)?|(?:the\s+)?(?:participant|patient|subject)\s+is\s+(?:an?\s+)?)?"
_FEMALE_START = re.compile(
    _LEAD
    # not the subject of another rule ("Women having a vaginal pH above 5", "Women treated
    # with adjuvant LHRH analog are eligible")
    + r"(?P<w>females?|wom[ae]n)\b(?!'s\b|\s+(?:of|who|with|must|should|need|participants? of|partners?|having|treated|receiving|taking)\b)"
)
_MALE_START = re.compile(
    _LEAD + r"(?P<w>males?|men)\b(?!'s\b|\s+(?:of|who|with|must|should|and wom|or wom|partners?)\b)"
)
_EXPLICIT = re.compile(
    r"\b(?P<w>female|male)\s+(?:patients|participants|subjects|sex|gender|only|individuals)\b|\b(?:sex|gender)\s*:\s*(?P<w2>female|male|wom[ae]n|men)"
)
_BOTH = re.compile(
    r"\b(?:men (?:and|or|and/or) women|women (?:and|or|and/or) men|male(?:s)?\s?(?: and| or| and/or|/)\s?female(?:s)?|female(?:s)?\s?(?: and| or| and/or|/)\s?male(?:s)?|both sexes|either sex|any gender|any sex)\b"
    # "Patient is male or postmenopausal female", "Male and pre- or peri-menopausal female
    # participants": both sexes, the women of one menopausal status (the menopause rule)
    r"|\bmales?\s+(?:and|or|and/or)\s+(?:(?:pre|peri|post)-?\s*(?:(?:or|and|/)\s*(?:pre|peri|post)-?\s*)?menopausal\s+)(?:females?|women)\b"
)


def _sex(word: str) -> str:
    return "female" if word.startswith(("fem", "wom")) else "male"


_REPRODUCTIVE = re.compile(
    r"childbearing|child-bearing|reproductive|pregnan|contracep|wocbp|lactat|breast-?feed|nursing"
)
_STRONG = re.compile(
    r"\b(?:female|male)s?\s+(?:patients?\s+)?only\b|\bmust be (?:a )?(?:female|male|wom[ae]n|men)\b|\b(?:sex|gender)\s*:"
)


#: words after an excluded "Women" / "Male participants" that make it the subject of another
#: rule ("Women that have had a metastatic malignancy", "Women under the age of 18",
#: "Female participants must not donate ova"): the rule excludes those women, not all women
_QUALIFIED_AFTER = re.compile(
    r"\s*(?:(?:patients?|subjects?|participants?)\s+)?(?:who|that|with|under|over|aged?|younger|older|on|undergoing|being|treated|taking|receiving|participating|currently|previously|meeting|unable|must|should|will not|cannot|can not|not|having|had|have|<|>|≤|≥|=|\d)"
)


#: "Female participants can be pre-, peri- or postmenopausal", "Female participants may be of
#: any menopausal status": a statement about the women of a trial open to both sexes
_WOMEN_MAY_BE = re.compile(
    r"^\W*(?:female|women)\s+(?:participants|patients|subjects)?\s*(?:can|may)\s+(?:be|have)\b"
)


def extract(item: ItemText) -> list[Constraint]:
    if _WOMEN_MAY_BE.match(item.norm):
        return []
    out = _extract(item)
    if out and out[0].polarity == "exclude" and "sex" in out[0].params:
        end = out[0].span[1] - item.start
        if _QUALIFIED_AFTER.match(item.norm[end:]):
            return []
    return out


def _extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if _REPRODUCTIVE.search(norm) and not _STRONG.search(norm):
        return []  # "female patients of childbearing potential must ...": a pregnancy rule
    label = item.context.lower().rsplit(" | ", 1)[-1].strip()
    if m := _BOTH.search(norm):
        if re.search(r"sterili[sz]|contracept|condom", norm):
            return []  # "Male/female sterilization": a contraception method, not a sex rule
        return [make(item, FAMILY, m.start(), m.end(), {"no_restriction": True}, confidence=0.85)]
    for pattern in (_FEMALE_START, _MALE_START):
        if m := pattern.search(norm):
            if re.match(
                r"\W*(?:females?|males?|wom[ae]n|men)\s+(?:of childbearing|of child-bearing|of reproductive)",
                norm[m.start("w") :],
            ):
                continue
            return [
                make(
                    item,
                    FAMILY,
                    m.start("w"),
                    m.end("w"),
                    {"sex": _sex(m.group("w"))},
                    confidence=0.9,
                )
            ]
    if m := _EXPLICIT.search(norm):
        w = m.group("w") or m.group("w2")
        g = "w" if m.group("w") else "w2"
        return [make(item, FAMILY, m.start(g), m.end(g), {"sex": _sex(w)}, confidence=0.9)]
    if label in ("sex", "gender"):
        if re.search(r"\bnot specified\b", norm):
            return [make(item, FAMILY, 0, len(norm), {"no_restriction": True}, confidence=0.8)]
        if m := re.search(r"\b(females?|wom[ae]n|males?|men)\b", norm):
            return [
                make(item, FAMILY, m.start(), m.end(), {"sex": _sex(m.group(1))}, confidence=0.85)
            ]
    return []
