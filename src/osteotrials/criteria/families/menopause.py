# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Menopausal status (domain.md 1.4) and ovarian suppression."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "menopause"
_STATUS: list[tuple[str, str]] = [
    (
        "post",
        r"post-?\s?menopaus\w*|(?<!-)(?<!pre )(?<!peri )\bmenopausal women|\b(?:have been|has been|are|is) menopausal\b|\b(?:without|no) (?:spontaneous )?menstrual bleeding|no longer menstruat\w*|amenorrh\w*|bilateral (?:surgical )?oophorectomy|bilateral salpingo-?oophorectomy|\bbso\b|ovarian ablation|(?:fsh|follicle[- ]stimulating hormone|estradiol|oestradiol)[^.;]{0,80}post-?menopausal range|postmenopausal range",
    ),
    (
        "pre",
        r"pre-?\s?menopaus\w*|\bpre(?=\s*-?\s*(?:/|or\b|and\b|,)\s*-?\s*peri-?\s?menopaus)|(?<!cessation of )(?<!absence of )(?<!no )(?<!without )(?:regular menstrua\w*|regular menses)|(?<!not )(?<!no longer )menstruating",
    ),
    ("peri", r"peri-?\s?menopaus\w*"),
]
_OFS = re.compile(
    r"ovarian (?:function )?suppression|\blhrh\b|\bgnrh\b|goserelin|leuprolide|leuprorelin|triptorelin|luteinizing hormone[- ]releasing"
)
_COMPILED = [(n, re.compile(p)) for n, p in _STATUS]
_ANY = re.compile(
    r"any menopausal status|regardless of menopausal status|pre-?\s?(?:or|and|/)\s?post-?\s?menopausal|pre-?, peri-? or post-?menopausal|menopausal status:? not specified"
)


_FOR_GROUP_BEFORE = re.compile(
    r"(?<!range )(?<!ranges )(?<!levels )\b(?:for|in|among)\s+(?:all\s+)?$"
    # "practicing adequate birth control if premenopausal", "If not post-menopausal must
    # adhere to birth control measures": whom a contraception rule is for
    r"|\bif\s+(?:(?:she|the patient|patient|subject|participant|(?:a\s+|the\s+)?(?:woman|women|female))\s+(?:is|are)\s+)?(?:not\s+)?$"
    # "In pre-/peri-menopausal female and male patients, known hypersensitivity to LHRH
    # agonists": the second status of a pair names the same group
    r"|\b(?:for|in|among)\s+pre-?\s?(?:menopausal\s*)?(?:/|and|or|,)\s*-?\s*$"
)
#: "perimenopausal symptoms", "Postmenopausal uterine bleeding": a symptom, not a status
_SYMPTOM_AFTER = re.compile(
    r"\s*(?:uterine\s+|vaginal\s+)?(?:symptoms?|bleeding|hot flash\w*|hot flush\w*|complaints?)\b"
)
#: "The use of GnRH analogs to achieve post menopausal status is not allowed": what a
#: treatment is for, not a condition of entry
_PURPOSE_BEFORE = re.compile(
    r"(?:\bto\s+(?:achieve|induce|attain|reach|maintain|render\s+\w+|become)|\bpurpose of(?:\s+medical)?)\s+(?:an?\s+)?$"
)
#: "pre/peri-menopausal", "Pre- or peri-menopausal", "premenopausal and perimenopausal":
#: the pair names one group, so what is said of the first is said of the second
_DEFINITIONAL = re.compile(
    r"childbearing|child-bearing|contracepti|non-childbearing|reproductive|birth control|steriliz"
)
_PAIR_BEFORE = re.compile(r"\bpre-?\s*(?:menopausal\s*)?(?:/|\bor\b|\band\b|,)\s*-?\s*$")


def _group_start(norm: str, m: re.Match[str]) -> int:
    """Where the group a status names starts: before "pre-/" of "pre-/peri-menopausal"."""
    start = m.start()
    if pair := _PAIR_BEFORE.search(norm[max(0, start - 30) : start]):
        start -= len(pair.group(0))
    return start


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    label = item.context.lower().rsplit(" | ", 1)[-1].strip()
    if m := _ANY.search(norm):
        return [make(item, FAMILY, m.start(), m.end(), {"no_restriction": True}, confidence=0.8)]
    if label == "menopausal status" and re.search(r"not specified|any\b", norm):
        return [make(item, FAMILY, 0, len(norm), {"no_restriction": True}, confidence=0.8)]
    # "a pregnancy test for pre-menopausal women": the status names whom another rule is
    # for, not a condition of entry
    found = [
        (n, m)
        for n, p in _COMPILED
        if (m := p.search(norm))
        and not _FOR_GROUP_BEFORE.search(norm[max(0, (g := _group_start(norm, m)) - 40) : g])
    ]
    found = [
        (n, m)
        for n, m in found
        if not re.match(r"\s*(?:hormone|estrogen|hrt)", norm[m.end() :])
        and not _SYMPTOM_AFTER.match(norm, m.end())
        and not _PURPOSE_BEFORE.search(norm[max(0, m.start() - 20) : m.start()])
    ]
    if not found:
        return _definition_line(item)
    # "women of childbearing potential ... (postmenopausal defined as ...)": a definition
    # inside a contraception rule still names the status; keep it, at lower confidence
    statuses = sorted({n for n, _ in found})
    # "must have a negative pregnancy test ... Patients who are postmenopausal ... do not
    # require this test", "Negative pregnancy test, postmenopausal, or surgically
    # sterilized": postmenopausal women are exempt from a pregnancy rule (a premenopausal
    # status beside a pregnancy test is a rule: "Be premenopausal or perimenopausal with a
    # negative serum pregnancy test")
    definitional = bool(
        _DEFINITIONAL.search(norm) or (statuses == ["post"] and "pregnancy test" in norm)
    )
    params: dict[str, object] = {"status": statuses}
    if o := _OFS.search(norm):
        params["ovarian_suppression"] = norm[o.start() : o.end()]
    a = min(m.start() for _, m in found)
    b = max(m.end() for _, m in found)
    constraint = make(item, FAMILY, a, b, params, confidence=0.6 if definitional else 0.85)
    if item.kind == "inclusion" and constraint.polarity == "exclude" and "post" in statuses:
        # an inclusion item that bars postmenopausal women is, in the snapshot, always a
        # definition: of childbearing potential ("Has not undergone a hysterectomy or
        # bilateral oophorectomy", "Has had menses at any time in the preceding 12
        # months") or of a status by its alternatives ("No menses for < 1 year with FSH and
        # estradiol levels in postmenopausal range"); a "not met" is checked by hand
        constraint.confidence = min(constraint.confidence, 0.5)
    return [constraint]


#: the parent defines postmenopausal status by alternatives: "Postmenopausal status is
#: defined by any one of the following criteria:" (the last part of an item's context)
_DEFINITION_PARENT = (
    r"post-?\s?menopaus\w*[^|]{0,120}?\b(?:defined|definition|one of the following|"
    r"following criteria)[^|]*$"
)
DEFINITION_PARENT = re.compile(_DEFINITION_PARENT)
#: ... or the label is "Menopausal status" (old PDQ lists)
_DEFINITION_CONTEXT = re.compile(rf"{_DEFINITION_PARENT}|menopausal status\s*$")
#: ... and the line gives one: an age, menses, a hysterectomy, FSH
_DEFINITION_LINE = re.compile(
    r"\b(?:age|aged|years?|menses|menstrua\w*|amenorrh\w*|hysterectomy|fsh|follicle[- ]stimulating)\b"
)


def _definition_line(item: ItemText) -> list[Constraint]:
    """A line of a postmenopausal definition ("Age ≥ 60 years.", "At least 55 years of age
    with prior hysterectomy"): a way to be postmenopausal, at the confidence of a
    definition (read as an age rule, it failed every younger patient)."""
    if not (
        _DEFINITION_CONTEXT.search(item.context.lower()) and _DEFINITION_LINE.search(item.norm)
    ):
        return []
    return [make(item, FAMILY, 0, len(item.norm), {"status": ["post"]}, confidence=0.6)]
