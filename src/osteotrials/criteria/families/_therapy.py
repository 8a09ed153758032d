# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Therapy mentions (drug names, drug classes, generic anticancer therapy) in an item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from osteotrials.criteria.text import ItemText
from osteotrials.vocab import drugs

BONE_CLASSES = frozenset(
    {"bone_modifying_agent", "bisphosphonate", "oral_bisphosphonate", "rank_ligand_inhibitor"}
)
_GENERIC = re.compile(
    r"\b(?:(?:prior|previous|any|other|systemic|concurrent|concomitant)\s+)*(?:anti-?cancer|anti-?neoplastic|anti-?tumou?r|systemic|cancer[- ]directed|cancer|oncologic|antineoplastic|investigational|experimental|targeted|molecularly targeted|neo-?adjuvant|adjuvant|palliative|standard|first[- ]line|second[- ]line)\s+(?:systemic\s+)?(?:therapy|therapies|treatment|treatments|agents?|drugs?|regimens?|medications?|small[- ]molecules?)\b"
    r"|\b(?:prior|previous|concomitant|concurrent)\s+(?:or\s+\w+\s+)?(?:treatment|therapy|therapies|regimens?)\b|\bpreviously received\b|\btreatment for (?:this|the|their|her) (?:breast )?cancer\b"
    r"|\b(?:prior|previous(?:ly)?|received|since (?:last|prior))\s+(?:an?\s+|any\s+)?(?:[\w/-]+\s+){0,2}(?:inhibitors?|antibod(?:y|ies))(?:[- ](?:containing|based))?(?: therapy)?\b"
    r"|\bsystemic (?:therapy|treatment|therapies)\b|\b(?:lines?|regimens?) of (?:systemic )?(?:therapy|treatment)\b"
)
_UNKNOWN_DRUG = re.compile(
    r"\b(?:prior|previous(?:ly)?|received|receiving|treatment with|therapy with|exposure to|treated with)\s+(?:an?\s+|any\s+|the\s+)?(?:treatment with\s+)?(?P<name>[a-z]{3,}-?\d{2,}[a-z0-9-]*|[a-z]{4,}(?:mab|tinib|ciclib|lisib|sertib|parib|limus|tecan|platin|estrant|apopt|ostat|rafenib|metinib))\b"
)
_BEFORE_DOSE = re.compile(
    r"(?:prior to|before|preceding|after|following)\s+(?:the\s+)?(?:first|1st|start of|initiation of|last)\s+(?:dose|cycle|administration|infusion)?\s*(?:of\s+)?(?:study\s+)?$"
)
#: "must be corrected prior to dasatinib administration": the drug names a time anchor
_ANCHOR_BEFORE = re.compile(
    r"(?:prior to|before|after|following|until|at)\s+(?:the\s+)?(?:(?:start|initiation|time) of\s+)?(?:study\s+)?$"
)
_ANCHOR_AFTER = re.compile(r"^\s*(?:administration|infusion|dosing|initiation|start)\b")
_START_OF = re.compile(
    r"\b(?:of|before|prior to|after|until|following)\s+(?:beginning|starting|initiating|(?:the\s+)?(?:initiation|start) of)\s+(?:the\s+)?(?:study\s+|protocol\s+)?(?:\w+\s+)?$"
)
_STUDY_TREATMENT_PARENS = re.compile(
    r"\b(?:study|randomi[sz]ed|protocol) (?:treatments?|drugs?|medications?|therap(?:y|ies)|interventions?)\s*\((?:[^()]*?(?:and|or|/|,)\s*)?$"
)
_ET = re.compile(r"\b(?:ET|HT)\b")


#: a therapy named as what the patient must be able to take: "Definite contraindications for
#: the use of corticosteroids", "No contraindication to anti-hormonal treatment", "Any
#: contraindications for therapy with vinorelbine or trastuzumab", "co-morbidities
#: contraindicating the use of tamoxifen" (read as a therapy rule, each excluded the
#: patients who had or took the drug)
_CONTRAINDICATION_BEFORE = re.compile(
    r"\bcontraindicat(?:ions?|ed|ing)\s+(?:(?:to|for|with|of|against)\s+)?(?:(?:the|a|an|any|receiving|use|using|of|therapy|treatment|with|administration|selected|standard-of-care|standard|care|local|course|study)\s+)*(?:[\w/-]+\s+(?:or|and|and/or)\s+)?$"
)
#: "Patients for whom docetaxel is contraindicated", "Capecitabine is contraindicated in
#: patients with a creatinine clearance of < 30 ml/min"
_CONTRAINDICATED_AFTER = re.compile(
    r"^\s*(?:(?:therapy|treatment|use)\s+)?(?:is|are|was|were|be)\s+(?:medically\s+|clinically\s+)?contraindicated\b"
)


#: a therapy the disease or the patient is unsuitable for: "The disease must be deemed
#: unsuitable for curative treatments including surgery, radiotherapy, systemic therapy,
#: including checkpoint inhibitors" (read as requirements, every patient without adjuvant
#: immunotherapy failed)
_UNSUITABLE_FOR_BEFORE = re.compile(
    r"\b(?:unsuitable|ineligible|unfit|not (?:a )?candidates?|not amenable|not eligible)\s+(?:for|to)\s+"
    # up to a new predicate: "not amenable to curative treatment ... AND has failed 2
    # previous treatment regimens" keeps its line count
    r"(?:(?!\b(?:and|or)\s+(?:has|have|had|is|are|was|were|must|will|who)\b)[^.;()]){0,90}$"
)


def contraindicated(norm: str, start: int, end: int) -> bool:
    """Whether the therapy at [start, end) is named as contraindicated or unsuitable (a
    condition of the patient, ``comorbidity`` "contraindication"), not as a therapy the
    patient had."""
    if "contraindicat" not in norm and not any(
        w in norm for w in ("unsuitable", "ineligible", "unfit", "candidate", "amenable")
    ):
        return False
    before = re.split(r"[.;]\s", norm[max(0, start - 100) : start])[-1]
    return bool(
        _CONTRAINDICATION_BEFORE.search(before)
        or _CONTRAINDICATED_AFTER.match(norm[end : end + 50])
        or _UNSUITABLE_FOR_BEFORE.search(before)
    )


@dataclass
class TherapyMention:
    start: int
    end: int
    drugs: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    payloads: set[str] = field(default_factory=set)
    generic: bool = False
    terms: set[str] = field(default_factory=set)

    @property
    def bone(self) -> bool:
        return bool(self.classes & BONE_CLASSES) or (
            bool(self.drugs)
            and all(
                (d := drugs.lookup(name, fuzzy=False)) is not None
                and "bone_modifying_agent" in d.classes
                for name in self.drugs
            )
        )


def mentions(item: ItemText) -> list[TherapyMention]:
    cached = item.memo.get("therapy")
    if cached is None:
        cached = item.memo["therapy"] = _mentions(item)
    return list(cached)


def _mentions(item: ItemText) -> list[TherapyMention]:
    out: list[TherapyMention] = []
    for drug, a, b in drugs.find_drugs(item.text):
        if _BEFORE_DOSE.search(item.norm[max(0, a - 45) : a]):
            continue  # "prior to the first dose of trastuzumab": a time anchor, not therapy history
        if _STUDY_TREATMENT_PARENS.search(item.norm[max(0, a - 60) : a]):
            continue  # "after the last dose of study treatment (trastuzumab and/or pertuzumab)"
        if _ANCHOR_BEFORE.search(item.norm[max(0, a - 30) : a]) and _ANCHOR_AFTER.match(
            item.norm[b : b + 20]
        ):
            continue
        mention = TherapyMention(a, b, drugs={drug.name})
        if drug.payload_class:
            mention.payloads.add(drug.payload_class)
        if "bone_modifying_agent" in drug.classes:
            mention.classes |= set(drug.classes & BONE_CLASSES)
        out.append(mention)
    for classes, a, b in drugs.find_classes(item.text):
        if any(o.start <= a < o.end or a <= o.start < b for o in out):
            continue
        if _START_OF.search(item.norm[max(0, a - 45) : a]):
            continue  # "within 14 days of beginning conditioning chemotherapy": a time anchor
        out.append(TherapyMention(a, b, classes=set(classes)))
    for m in _ET.finditer(item.text):
        out.append(TherapyMention(m.start(), m.end(), classes={"endocrine"}))
    for m in _UNKNOWN_DRUG.finditer(item.norm):
        name = m.group("name")
        if any(o.start <= m.start("name") < o.end for o in out) or drugs.lookup(name, fuzzy=False):
            continue
        out.append(
            TherapyMention(
                m.start("name"), m.end("name"), terms={item.text[m.start("name") : m.end("name")]}
            )
        )
    for m in _GENERIC.finditer(item.norm):
        if any(o.start <= m.start() < o.end or m.start() <= o.start < m.end() for o in out):
            continue
        out.append(TherapyMention(m.start(), m.end(), generic=True))
    return sorted(out, key=lambda t: t.start)


#: an exception cue: "except (for)", "excluding", "other than", "with the exception of",
#: "apart from", "besides"
_EXCEPT_CUE = re.compile(
    r"\b(?:except(?:\s+for)?|excluding|other than|with the exception of|apart from|besides)\b"
)
#: an exception stated after the agents, in their own clause: "endocrine therapy does not
#: count as a line", "Hormonal therapy is not considered anti-neoplastic therapy",
#: "bone modifying agents (bisphosphonates, denosumab) do not count as anti-cancer therapy"
_EXCEPT_AFTER = re.compile(
    r"\b(?:do|does|did|will|shall|should|would|are|is|was|were)\s+not\s+(?:be\s+)?"
    r"(?:count(?:ed)?\b|considered\s+(?:as\s+)?(?:an?\s+)?(?:form of\s+|prior\s+|separate\s+|new\s+|additional\s+)*"
    r"(?:lines?|regimens?|therap(?:y|ies)|treatments?|anti-?cancer|anti-?neoplastic|antineoplastic|systemic|chemotherapy)\b)"
)
#: what may stand between a closed parenthesis and the next agent of the same exception
#: list: "bisphosphonates (e.g. zoledronic acid) or RANKL inhibitors" (a bare "and" is
#: left out: "other than trastuzumab (including ...) and capecitabine" joins the head)
_LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:or|and/or)?\s*$")


#: a parenthesis of examples: "(eg, goserelin)", "(e.g. zoledronic acid, denosumab)",
#: "(such as ...)", "(including ...)"
_EXAMPLES_OPEN = re.compile(r"\(\s*(?:e\.?\s?g\b\.?|for example\b|such as\b|including\b)")
#: an agent followed by its own parenthesis of examples (at most four words before it)
_EXAMPLES_AFTER = re.compile(r"(?:[\w/+-]+\s+){0,4}?" + _EXAMPLES_OPEN.pattern)
#: "... (eg, goserelin) and bone-stabilizing agents (eg, ...)": a parallel item of an
#: exception list after a closed parenthesis of examples, its head words included
_PARALLEL_GAP = re.compile(r"\s*(?:,\s*)?(?:and|or|and/or)\s+(?:[\w/+-]+\s+){0,4}?$")


def is_exception(text: str, pos: int, *, stated_after: bool = True) -> bool:
    """Whether the mention at ``pos`` is named as an exception: an exception cue between it
    and the start of its parenthesis, or of its clause (";", ".", a closed parenthesis) when
    it is not in one, so that a list after the cue ("except for endocrine therapy,
    denosumab, or bisphosphonates") is excepted whole; a list that runs on past a closed
    parenthesis with "or" or a comma stays one list (the parenthesis's own words are not
    read for the cue); or, with ``stated_after``, an exception stated after the agent in
    its own clause ("... does not count as a line")."""
    depth = paren_depth(text, pos)
    if depth:
        start = text.rfind("(", 0, pos)
        # the open parenthesis of this depth: skip closed groups inside
        while start > 0 and paren_depth(text, start) >= depth:
            start = text.rfind("(", 0, start)
        if _EXCEPT_CUE.search(text, max(0, start), pos):
            return True
    else:
        end = pos
        while True:
            start = max(text.rfind(";", 0, end), text.rfind(". ", 0, end), text.rfind(")", 0, end))
            if _EXCEPT_CUE.search(text, max(0, start), end):
                return True
            if start < 0 or text[start] != ")":
                break
            if not _LIST_GAP.fullmatch(text, start + 1, end) and not (
                # "other than GnRHa (eg, goserelin) and bone-stabilizing agents (eg, ...)":
                # two parallel items, each with its examples (not "other than trastuzumab
                # (including ...) and capecitabine;", whose last agent joins the rule)
                end == pos
                and _EXAMPLES_AFTER.match(text, pos)
                and _EXAMPLES_OPEN.match(text, _open_of(text, start))
                and _PARALLEL_GAP.fullmatch(text, start + 1, end)
            ):
                break
            # "bisphosphonates (e.g. zoledronic acid) or RANKL inhibitors": skip the closed
            # group and read on before it
            end = _open_of(text, start)
            if end < 0:
                break
    if not stated_after:
        return False
    end = min(e for e in (text.find(";", pos), text.find(". ", pos), len(text)) if e >= 0)
    return bool(_EXCEPT_AFTER.search(text, pos, end))


def excepted(item: ItemText, *, stated_after: bool = True) -> list[TherapyMention]:
    """The therapy mentions of ``item`` named as exceptions (:func:`is_exception`), and the
    examples in parentheses right after an excepted agent that belong to it ("with the
    exception of bisphosphonates (e.g. zoledronic acid)"; not "other than trastuzumab
    (including neratinib)": neratinib is no trastuzumab). Read once per item: prior
    therapy and bone agents share it."""
    key = f"therapy_excepted:{stated_after}"
    cached = item.memo.get(key)
    if cached is None:
        cached = item.memo[key] = _excepted(item.norm, mentions(item), stated_after)
    return list(cached)


def _excepted(text: str, ms: list[TherapyMention], stated_after: bool) -> list[TherapyMention]:
    out = [
        m
        for m in ms
        if (m.drugs or m.classes) and is_exception(text, m.start, stated_after=stated_after)
    ]
    for m in ms:
        if m in out or not (m.classes or m.drugs) or not paren_depth(text, m.start):
            continue
        open_at = text.rfind("(", 0, m.start)
        heads = [e for e in out if e.end <= open_at and not text[e.end : open_at].strip()]
        if not heads:
            continue
        if m.drugs:
            # a named drug given as an example of an excepted class, its classes under the
            # class's umbrella: "GnRHa (eg, goserelin)", "bone-stabilizing agents (eg,
            # zoledronic acid, denosumab)"
            found = [drugs.lookup(name, fuzzy=False) for name in m.drugs]
            classes = set().union(*(d.classes for d in found if d is not None))
            if classes and any(classes <= _with_members(e.classes) for e in heads):
                out.append(m)
        elif any(m.classes <= e.classes for e in heads):
            out.append(m)
    return out


def _with_members(classes: set[str]) -> set[str]:
    """``classes`` with the members of its umbrella classes (``drugs.yaml`` class_groups):
    zoledronic acid (a bisphosphonate) is an example of "bone-stabilizing agents"."""
    groups = drugs.class_groups()
    return classes.union(*(groups.get(c, frozenset()) for c in classes))


def _open_of(text: str, close: int) -> int:
    """The open parenthesis that the one closed at ``close`` matches (-1 if none)."""
    depth = 0
    for i in range(close, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def paren_depth(text: str, pos: int) -> int:
    """How many parentheses are open at ``pos``."""
    head = text[:pos]
    return max(0, head.count("(") - head.count(")"))
