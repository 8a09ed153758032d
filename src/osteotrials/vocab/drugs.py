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
from functools import cache, lru_cache
from itertools import compress

from rapidfuzz import fuzz, process

from osteotrials.vocab._data import load_yaml
from osteotrials.vocab._regex import AlternativesIndex, fast_start, gate_alternatives, token_list

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


@lru_cache(maxsize=8192)  # pure; the same drug names are looked up again and again
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
def _class_gated() -> tuple[tuple[tuple[re.Pattern[str], frozenset[str]], ...], AlternativesIndex]:
    terms = class_terms()
    compiled = tuple((re.compile(p, re.IGNORECASE), c) for p, c in terms)
    # every required literal set of each alternative, not one set a pattern: "anti-HER2"
    # alone does not open "anti-HER2 therapy|agent|antibody"
    return compiled, AlternativesIndex([gate_alternatives(p, re.IGNORECASE) for p, _c in terms])


@cache
def _class_fast() -> tuple[re.Pattern[str], ...]:
    """The class patterns as ``find_classes`` runs them: same matches (``fast_start``)."""
    return tuple(fast_start(p) for p, _c in _class_gated()[0])


def find_classes(text: str) -> list[tuple[frozenset[str], int, int]]:
    """Every drug-class phrase in ``text`` (e.g. "CDK4/6 inhibitor", "taxane") with its span.

    Where phrases overlap, the one listed first in the data file wins.
    """
    lower = text.lower()
    found: list[tuple[frozenset[str], int, int]] = []
    taken: list[tuple[int, int]] = []
    compiled, index = _class_gated()
    fast = _class_fast()
    for i in index.active_indices(lower):
        classes = compiled[i][1]
        for m in fast[i].finditer(text):
            if m.end() == m.start() or any(m.start() < e and s_ < m.end() for s_, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((classes, m.start(), m.end()))
    return sorted(found, key=lambda f: f[1])


def drugs_in_class(class_id: str) -> tuple[Drug, ...]:
    return tuple(d for d in all_drugs() if class_id in d.classes)


def all_class_ids() -> frozenset[str]:
    return frozenset(c for d in all_drugs() for c in d.classes)


_TOKEN = re.compile(r"[a-z0-9]+")
_MAX_NGRAM = 6


@cache
def _ngram_index() -> dict[tuple[str, ...], Drug]:
    """Token tuples of every name and synonym (tokens of letters/digits only)."""
    index: dict[tuple[str, ...], Drug] = {}
    for drug in all_drugs():
        for name in (drug.name, *drug.synonyms):
            tokens = tuple(_TOKEN.findall(name.lower()))
            if tokens and len("".join(tokens)) >= 3 and len(tokens) <= _MAX_NGRAM:
                index.setdefault(tokens, drug)
            joined = ("".join(tokens),)
            if len(tokens) > 1 and len(joined[0]) >= 4:
                index.setdefault(joined, drug)  # "PD0332991" written without separators
    return index


@cache
def first_tokens() -> frozenset[str]:
    """Tokens that can start a drug name (for cheap pre-filtering)."""
    return frozenset(k[0] for k in _ngram_index())


@cache
def _longest_from() -> dict[str, int]:
    """First token of a name -> the most tokens of a name starting with it (longer
    windows cannot be names, so they are not looked up)."""
    longest: dict[str, int] = {}
    for key in _ngram_index():
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return longest


_DRUG_SUFFIX = re.compile(
    r"(?:mab|nib|clib|cib|rubicine?|taxel|taxol|platine?|rozole?|razole?|trozol|stane?|strant|xifene?|citabine?|sertib|lisib|parib|limus|tecan|ciclib)$"
)


@cache
def _fuzzy_token(token: str) -> Drug | None:
    """A misspelt single-token drug name in running text ("Letrozol", "epirubicine")."""
    if len(token) < 7 or not _DRUG_SUFFIX.search(token):
        return None
    return lookup(token)


class _DrugWords(dict[str, bool]):
    """token -> whether it starts a drug name or is a misspelt one (``_fuzzy_token``),
    computed on first use: one C-level lookup a word, not one cached call."""

    def __missing__(self, token: str) -> bool:
        found = self[token] = token in first_tokens() or _fuzzy_token(token) is not None
        return found


_DRUG_WORDS = _DrugWords()


def find_drugs(text: str) -> list[tuple[Drug, int, int]]:
    """Every drug name (exact or synonym) in free ``text``, with its character span.

    Names are matched on whole tokens (letters and digits), longest first, so
    "trastuzumab emtansine" wins over "trastuzumab" and "5-FU" matches "5 FU".
    """
    lower = text.lower()
    starts = first_tokens()
    words = token_list(lower)
    if not any(map(_DRUG_WORDS.__getitem__, words)):
        return []  # most items name no drug: one tokenisation and a lookup a word
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(lower)]
    index = _ngram_index()
    longest = _longest_from()
    found: list[tuple[Drug, int, int]] = []
    # only tokens that start a name or are a misspelt one can begin a hit (the others
    # were stepped over one at a time); tokens inside a name already found are skipped
    after_hit = 0
    for i in compress(range(len(words)), map(_DRUG_WORDS.__getitem__, words)):
        if i < after_hit:
            continue
        if toks[i][0] not in starts:  # so a misspelt name
            fuzzy_hit = _fuzzy_token(toks[i][0])
            if fuzzy_hit is not None:
                found.append((fuzzy_hit, toks[i][1], toks[i][2]))
            continue
        hit = None
        for n in range(min(longest[toks[i][0]], len(toks) - i), 0, -1):
            window = toks[i : i + n]
            # tokens of one name are separated by at most a few spaces/hyphens
            if any(window[k + 1][1] - window[k][2] > 2 for k in range(n - 1)):
                continue
            key = tuple(t[0] for t in window)
            drug = index.get(key)
            if drug is not None:
                hit = (drug, window[0][1], window[-1][2], n)
                break
        if hit is None:
            continue
        # a hyphen-joined suffix ("trastuzumab-based") is not part of the name,
        # but the name itself still counts
        found.append((hit[0], hit[1], hit[2]))
        after_hit = i + hit[3]
    return found
