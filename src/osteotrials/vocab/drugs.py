"""Drug vocabulary: names (generic, brand, code) to canonical drug and classes.

Data: ``data/drugs.yaml``. ``lookup`` matches a name exactly (case- and
punctuation-insensitive) against the generic name and every synonym, then falls
back to a rapidfuzz ratio match at or above ``FUZZY_THRESHOLD`` for misspellings.
Umbrella classes (``endocrine``, ``chemotherapy``, ``targeted``, ``her2_directed``)
are added to each drug from ``class_groups``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from osteotrials.vocab._data import load_yaml

DATA_FILE = "drugs.yaml"
#: Minimum rapidfuzz ``ratio`` (0-100) for a fuzzy match; tested in tests/vocab.
FUZZY_THRESHOLD = 85.0
#: A fuzzy match must beat the best candidate of another drug by this many points.
FUZZY_MARGIN = 3.0
#: Names shorter than this are never matched fuzzily (too many near neighbours).
FUZZY_MIN_LENGTH = 6

PAYLOAD_CLASSES = frozenset({"topoI_DXd", "topoI_SN38", "maytansinoid", "auristatin", "other"})


@dataclass(frozen=True)
class Drug:
    """One drug: canonical generic ``name``, class ids, ADC payload class, synonyms."""

    name: str
    classes: frozenset[str]
    payload_class: str | None = None
    synonyms: tuple[str, ...] = ()

    def is_a(self, class_id: str) -> bool:
        return class_id in self.classes


def normalise_name(name: str) -> str:
    """Lower-case, unify dashes/spaces and drop trademark signs and trailing dose noise."""
    text = name.lower().replace("®", "").replace("™", "")
    text = re.sub(r"[\u2010-\u2015_]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[^\w\-+/ ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _key(name: str) -> str:
    """Matching key: normalised name without dashes and spaces (PD-0332991 == PD0332991)."""
    return re.sub(r"[\s\-]", "", normalise_name(name))


@cache
def version() -> str:
    return str(load_yaml(DATA_FILE)["version"])


@cache
def class_groups() -> dict[str, frozenset[str]]:
    """Umbrella class id -> member class ids."""
    raw = load_yaml(DATA_FILE)["class_groups"]
    return {str(k): frozenset(str(c) for c in v) for k, v in raw.items()}


@cache
def all_drugs() -> tuple[Drug, ...]:
    groups = class_groups()
    drugs: list[Drug] = []
    for entry in load_yaml(DATA_FILE)["drugs"]:
        classes = {str(c) for c in entry["classes"]}
        for umbrella, members in groups.items():
            if classes & members:
                classes.add(umbrella)
        payload = entry.get("payload_class")
        if payload is not None and payload not in PAYLOAD_CLASSES:
            raise ValueError(f"{entry['name']}: unknown payload class {payload}")
        drugs.append(
            Drug(
                name=str(entry["name"]),
                classes=frozenset(classes),
                payload_class=payload,
                synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
            )
        )
    return tuple(drugs)


@cache
def _index() -> dict[str, Drug]:
    index: dict[str, Drug] = {}
    for drug in all_drugs():
        for name in (drug.name, *drug.synonyms):
            key = _key(name)
            if key in index and index[key] is not drug:
                raise ValueError(f"drug name {name!r} is ambiguous")
            index[key] = drug
    return index


@cache
def _fuzzy_choices() -> tuple[list[str], list[Drug]]:
    keys: list[str] = []
    targets: list[Drug] = []
    for key, drug in _index().items():
        if len(key) >= FUZZY_MIN_LENGTH and not any(ch.isdigit() for ch in key):
            keys.append(key)
            targets.append(drug)
    return keys, targets


def lookup(name: str, *, fuzzy: bool = True) -> Drug | None:
    """The drug called ``name`` (generic, brand or code name), or None."""
    key = _key(name)
    if not key:
        return None
    found = _index().get(key)
    if found is not None or not fuzzy:
        return found
    if len(key) < FUZZY_MIN_LENGTH or any(ch.isdigit() for ch in key):
        return None
    keys, targets = _fuzzy_choices()
    candidates = process.extract(
        key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD - FUZZY_MARGIN, limit=8
    )
    if not candidates or candidates[0][1] < FUZZY_THRESHOLD:
        return None
    best = targets[candidates[0][2]]
    for _choice, score, idx in candidates[1:]:
        if targets[idx] is not best and candidates[0][1] - score < FUZZY_MARGIN:
            return None  # two different drugs are about equally close: refuse to guess
    return best


@cache
def class_terms() -> tuple[tuple[str, frozenset[str]], ...]:
    """Regex pattern -> class ids, for class names in free text ("aromatase inhibitor")."""
    raw = load_yaml(DATA_FILE)["class_terms"]
    return tuple((str(e["pattern"]), frozenset(str(c) for c in e["classes"])) for e in raw)


@cache
def _class_pattern() -> list[tuple[re.Pattern[str], frozenset[str]]]:
    return [(re.compile(p, re.IGNORECASE), c) for p, c in class_terms()]


def find_classes(text: str) -> list[tuple[frozenset[str], int, int]]:
    """Every drug-class phrase in ``text`` (e.g. "CDK4/6 inhibitor", "taxane") with its span."""
    found: list[tuple[frozenset[str], int, int]] = []
    taken: list[tuple[int, int]] = []
    for pattern, classes in _class_pattern():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((classes, m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def drugs_in_class(class_id: str) -> tuple[Drug, ...]:
    return tuple(d for d in all_drugs() if class_id in d.classes)


def all_class_ids() -> frozenset[str]:
    return frozenset(c for d in all_drugs() for c in d.classes)


@cache
def _name_pattern() -> re.Pattern[str]:
    names = sorted(
        {n for d in all_drugs() for n in (d.name, *d.synonyms) if len(n) >= 3},
        key=len,
        reverse=True,
    )
    alternatives = "|".join(
        re.escape(n).replace(r"\-", r"[\s\-]?").replace(r"\ ", r"[\s\-]") for n in names
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def find_drugs(text: str) -> list[tuple[Drug, int, int]]:
    """Every drug name (exact or synonym) in free ``text``, with its character span."""
    found: list[tuple[Drug, int, int]] = []
    for m in _name_pattern().finditer(text):
        drug = lookup(m.group(0), fuzzy=False)
        if drug is not None:
            found.append((drug, m.start(), m.end()))
    return found
