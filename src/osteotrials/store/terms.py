"""Index terms and the search generation, without numpy.

Everything the store needs on every search, whatever the ranking: FTS5's own
tokenizer (query words to index terms) and the write generation that cached
postings are tagged with. The postings ranking (:mod:`osteotrials.store.impact`)
needs numpy; the bundled snapshot ranks with FTS5 and never imports it.
"""

from __future__ import annotations

import sqlite3
import threading

from osteotrials.store.search import Phrase

#: ``meta`` key incremented by every write batch that adds or changes a trial.
GENERATION_KEY = "search_generation"

# -- FTS5's own tokenizer, for turning query phrases into index terms -------
_TOKENIZER = sqlite3.connect(":memory:", check_same_thread=False)
_TOKENIZER.execute(
    "CREATE VIRTUAL TABLE words USING fts5(w, tokenize='porter unicode61 remove_diacritics 2')"
)
_TOKENIZER.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, 'instance')")
_TERMS: dict[str, tuple[str, ...]] = {}
_TOKENIZER_LOCK = threading.Lock()  # the three statements below must not interleave


def index_terms(text: str) -> tuple[str, ...]:
    """The index terms FTS5 makes of ``text``, in order (its own tokenizer)."""
    if text not in _TERMS:
        with _TOKENIZER_LOCK, _TOKENIZER:
            _TOKENIZER.execute("DELETE FROM words")
            _TOKENIZER.execute("INSERT INTO words (rowid, w) VALUES (1, ?)", (text,))
            terms = tuple(
                r[0] for r in _TOKENIZER.execute("SELECT term FROM word_terms ORDER BY offset")
            )
        _TERMS[text] = terms
    return _TERMS[text]


def phrase_terms(phrase: Phrase) -> tuple[str, ...]:
    """The terms FTS5 matches for a quoted phrase (``"her2/neu"`` is two terms)."""
    return index_terms(" ".join(phrase))


def stem(word: str) -> str | None:
    """The index term FTS5 makes of one word (its own tokenizer, so always the same)."""
    terms = index_terms(word)
    return terms[0] if len(terms) == 1 else None


def current_generation(conn: sqlite3.Connection) -> int:
    """The database's search generation (0 before the first write)."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (GENERATION_KEY,)).fetchone()
    return int(row[0]) if row else 0
