"""Query expansion with the medical synonym table, shared by both backends.

A query is split into words; the longest run of words found in a synonym group
becomes one *concept*, expanded to every member of the group. Backends turn the
concepts into their own full-text syntax (FTS5 MATCH, PostgreSQL tsquery).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_WORD = re.compile(r"[a-z0-9]+(?:[/+][a-z0-9]+)*\+?", re.I)
MAX_PHRASE_WORDS = 5

# Words that carry no meaning for trial search; removed unless part of a phrase.
_STOPWORD_TEXT = (
    "a an and are as at be by for from has have in into is it its of on or that the their "
    "this to was were will with without who whose which than patients patient study trial trials"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split(" "))


Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """One query concept: the words as typed and every phrase that means the same."""

    text: str
    phrases: tuple[tuple[str, ...], ...]
    #: For a multi-word concept, its single-word concepts: a trial that uses the
    #: words apart ("metastatic ... to the bone") still matches, ranked lower.
    parts: tuple[Concept, ...] = ()


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _phrase_key(text: str) -> tuple[str, ...]:
    return tuple(words(text))


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """All synonym groups: the search file's, plus drug names from the vocabulary."""
    data = yaml.safe_load(
        resources.files("osteotrials.store").joinpath("data/search_synonyms.yaml").read_text()
    )
    groups: list[tuple[str, ...]] = [tuple(str(t) for t in g) for g in data["groups"]]
    groups.extend(_drug_groups())
    return tuple(groups)


def _drug_groups() -> list[tuple[str, ...]]:
    """Generic, brand and code names of each drug in the drug vocabulary."""
    try:
        from osteotrials.vocab import drugs
    except ImportError:  # the vocabulary package is optional for the store
        return []
    groups = []
    for drug in drugs.all_drugs():
        names = (drug.name, *sorted(drug.synonyms))
        groups.append(tuple(dict.fromkeys(n for n in names if n)))
    return groups


@lru_cache(maxsize=1)
def synonym_index() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Phrase (as a word tuple) -> every phrase sharing a group with it."""
    index: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for group in synonym_groups():
        keys = {k for k in (_phrase_key(t) for t in group) if k}
        for key in keys:
            index.setdefault(key, set()).update(keys)
    return {k: frozenset(v) for k, v in index.items()}


def concepts(query: str) -> list[Concept]:
    """Split a query into concepts, longest synonym phrase first."""
    index = synonym_index()
    tokens = words(query)
    out: list[Concept] = []
    i = 0
    while i < len(tokens):
        for size in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            if key in index and (size > 1 or key[0] not in STOPWORDS):
                phrases = tuple(sorted(index[key], key=lambda p: (len(p), p)))
                parts = (
                    tuple(_word_concept(w) for w in key if w not in STOPWORDS) if size > 1 else ()
                )
                out.append(Concept(" ".join(key), phrases, parts if len(parts) > 1 else ()))
                i += size
                break
        else:
            token = tokens[i]
            if token not in STOPWORDS:
                out.append(Concept(token, ((token,),)))
            i += 1
    # The same concept typed twice adds nothing.
    unique: dict[tuple[tuple[str, ...], ...], Concept] = {}
    for concept in out:
        unique.setdefault(concept.phrases, concept)
    return list(unique.values())


def _word_concept(word: str) -> Concept:
    single = synonym_index().get((word,), frozenset({(word,)}))
    return Concept(word, tuple(sorted(single, key=lambda p: (len(p), p))))


@dataclass(frozen=True, slots=True)
class Clause:
    """One concept of a search: any of ``phrases``, or (when ``groups`` is set) at
    least one phrase of every group (the concept's words apart)."""

    phrases: tuple[Phrase, ...]
    groups: tuple[tuple[Phrase, ...], ...] = ()

    def all_phrases(self) -> list[Phrase]:
        """Every phrase, in the order the FTS5 expression lists them."""
        return [*self.phrases, *(p for g in self.groups for p in g)]


def match_plan(
    query: str, is_common: Callable[[Phrase], bool] | None = None
) -> list[Clause] | None:
    """The concepts of a query as OR-ed clauses, the one form both search paths use.

    ``is_common(phrase)`` marks phrases found in at least half of all trials.
    FTS5's BM25 gives such a phrase an IDF of ~0 (it clamps log((N-n+0.5)/(n+0.5))
    to 1e-6), so leaving it out changes no score, only the number of rows that
    must be ranked: on a large corpus that is the difference between ranking most
    of the corpus and ranking the few trials that mention the rare words.
    """
    keep: Callable[[Phrase], bool] = (lambda p: not is_common(p)) if is_common else (lambda p: True)
    clauses = []
    for concept in concepts(query):
        phrases = tuple(p for p in concept.phrases if keep(p))
        groups: tuple[tuple[Phrase, ...], ...] = ()
        if concept.parts:
            kept = [tuple(p for p in part.phrases if keep(p)) for part in concept.parts]
            groups = tuple(g for g in kept if g)
        if phrases or groups:
            clauses.append(Clause(phrases, groups))
    if not clauses and is_common is not None:
        return match_plan(query)  # every word is common: rank on all of them
    return clauses or None


def _fts5_alternatives(phrases: tuple[Phrase, ...]) -> str:
    return " OR ".join('"' + " ".join(p).replace('"', "") + '"' for p in phrases)


def fts5_expression(plan: list[Clause]) -> str:
    """The FTS5 MATCH expression of a plan: clauses OR-ed, synonyms OR-ed."""
    parts = []
    for clause in plan:
        alternatives = [_fts5_alternatives(clause.phrases)] if clause.phrases else []
        if clause.groups:
            together = " AND ".join(f"({_fts5_alternatives(g)})" for g in clause.groups)
            alternatives.append(f"({together})")
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " OR ".join(parts)


def fts5_match(query: str, is_common: Callable[[Phrase], bool] | None = None) -> str | None:
    """The FTS5 MATCH expression for a query: concepts OR-ed, synonyms OR-ed.

    BM25 then ranks trials matching more (and rarer) concepts higher. Words are
    quoted so user input can never inject FTS5 syntax. ``is_common``: see
    :func:`match_plan`.
    """
    plan = match_plan(query, is_common)
    return fts5_expression(plan) if plan else None
