"""Therapy mentions (drug names, drug classes, generic anticancer therapy) in an item."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from osteotrials.criteria.text import ItemText
from osteotrials.vocab import drugs

BONE_CLASSES = frozenset({"bone_modifying_agent", "bisphosphonate", "oral_bisphosphonate", "rank_ligand_inhibitor"})
_GENERIC = re.compile(
    r"\b(?:(?:prior|previous|any|other|systemic|concurrent|concomitant)\s+)*(?:anti-?cancer|anti-?neoplastic|anti-?tumou?r|systemic|cancer[- ]directed|cancer|oncologic|antineoplastic|investigational|experimental|targeted|molecularly targeted|neo-?adjuvant|adjuvant|palliative|standard|first[- ]line|second[- ]line)\s+(?:systemic\s+)?(?:therapy|therapies|treatment|treatments|agents?|drugs?|regimens?|medications?)\b"
    r"|\bsystemic (?:therapy|treatment|therapies)\b|\b(?:lines?|regimens?) of (?:systemic )?(?:therapy|treatment)\b"
)
_ET = re.compile(r"\b(?:ET|HT)\b")


@dataclass
class TherapyMention:
    start: int
    end: int
    drugs: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    payloads: set[str] = field(default_factory=set)
    generic: bool = False

    @property
    def bone(self) -> bool:
        return bool(self.classes & BONE_CLASSES) or bool(self.drugs) and all(
            (d := drugs.lookup(name, fuzzy=False)) is not None and "bone_modifying_agent" in d.classes
            for name in self.drugs
        )


def mentions(item: ItemText) -> list[TherapyMention]:
    out: list[TherapyMention] = []
    for drug, a, b in drugs.find_drugs(item.text):
        m = TherapyMention(a, b, drugs={drug.name})
        if drug.payload_class:
            m.payloads.add(drug.payload_class)
        if "bone_modifying_agent" in drug.classes:
            m.classes |= set(drug.classes & BONE_CLASSES)
        out.append(m)
    for classes, a, b in drugs.find_classes(item.text):
        if any(o.start <= a < o.end or a <= o.start < b for o in out):
            continue
        out.append(TherapyMention(a, b, classes=set(classes)))
    for m in _ET.finditer(item.text):
        out.append(TherapyMention(m.start(), m.end(), classes={"endocrine"}))
    for m in _GENERIC.finditer(item.norm):
        if any(o.start <= m.start() < o.end or m.start() <= o.start < m.end() for o in out):
            continue
        out.append(TherapyMention(m.start(), m.end(), generic=True))
    return sorted(out, key=lambda t: t.start)
