"""FTS5's BM25 ranking computed from per-phrase postings with numpy.

FTS5 evaluates ``bm25()`` for every row a MATCH expression matches before
``ORDER BY rank LIMIT k`` keeps the best: a broad query on a 100,000-trial corpus
ranks tens of thousands of rows, each through every phrase of the expression.
This module computes the same scores from *postings*: for each phrase of the
query, the rows that contain it and the phrase's field-weighted frequency in each
(``sum(weight[column])`` over its occurrences). With those, BM25 is a few numpy
operations per phrase.

Everything comes from the FTS5 index itself (``fts5vocab`` 'instance' rows for the
phrase's terms, phrase positions matched like FTS5 does, row lengths from
``trials_fts_docsize``), and the formula is FTS5's own (``fts5_aux.c``)::

    idf(p)   = log((N - n(p) + 0.5) / (n(p) + 0.5)), or 1e-6 when <= 0
    score(d) = sum over the query's phrases p of
               idf(p) * f(p,d) * (k1 + 1) / (f(p,d) + k1 * (1 - b + b * len(d) / avgdl))

with k1 = 1.2, b = 0.75, N the number of rows, avgdl the mean row length in
tokens. So the ranking is FTS5's, not an approximation
(``tests/store/test_search_fast.py`` compares the two on the snapshot).

Postings are computed on first use and cached, in memory and (for a writable
database) in the ``search_postings`` table. The rule that keeps them consistent:
every write batch that changes a trial increments ``meta.search_generation`` and
empties ``search_postings`` in the same transaction; postings are used only when
tagged with the current generation.
"""

from __future__ import annotations

import math
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from osteotrials.store.search import Clause
from osteotrials.store.terms import current_generation, phrase_terms

K1 = 1.2
B = 0.75
#: FTS5 floors a phrase's IDF at this value (a phrase found in half the rows or more).
MIN_IDF = 1e-6

#: Key of the row lengths in ``search_postings`` (phrase keys are never empty).
_LENGTHS_KEY = ""
#: Bytes of postings kept in memory per store.
MEMORY_BUDGET = 256 * 1024 * 1024

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Postings:
    """The rows holding one phrase (sorted rowids) and its weighted frequency in each."""

    docs: IntArray
    freqs: FloatArray

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.freqs.nbytes)


@dataclass(frozen=True, slots=True)
class RowLengths:
    """Length in tokens (all columns) of every row, as a dense array by rowid."""

    lengths: FloatArray
    rows: int
    total: float

    @property
    def size(self) -> int:
        return len(self.lengths)


def decode_varints(data: bytes) -> npt.NDArray[np.int64]:
    """SQLite varints (big-endian 7-bit groups, high bit = more follow) to integers.

    Only the 1-4 byte forms occur in FTS5 column sizes (< 2**28 tokens).
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.size == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.flatnonzero(raw < 0x80)
    if ends.size == 0 or ends[-1] != raw.size - 1:
        raise ValueError("truncated varint")
    starts = np.concatenate(([0], ends[:-1] + 1))
    widths = ends - starts + 1
    if widths.max() > 4:
        raise ValueError("varint wider than 4 bytes")
    values = np.zeros(ends.size, dtype=np.int64)
    for k in range(int(widths.max())):
        more = widths > k
        values[more] = (values[more] << 7) | (raw[starts[more] + k] & 0x7F)
    return values


class PhraseRanker:
    """BM25 (FTS5's formula and statistics) over ``trials_fts`` from cached postings."""

    def __init__(self, conn: sqlite3.Connection, weights: Sequence[float], *, persist: bool):
        self.conn = conn
        self.persist = persist
        self.weights = np.asarray(weights, dtype=np.float64)
        self._generation: int | None = None
        self._lengths: RowLengths | None = None
        self._cache: OrderedDict[tuple[str, ...], Postings] = OrderedDict()
        self._cached_bytes = 0
        self._columns: dict[str, int] = {}
        self._pending: dict[tuple[str, ...], Postings] = {}
        #: Term occurrences read while computing the postings of one query.
        self._instances_read: dict[str, IntArray] = {}
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trials_instances "
            "USING fts5vocab(main, trials_fts, 'instance')"
        )
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trials_terms "
            "USING fts5vocab(main, trials_fts, 'row')"
        )

    # -- consistency --------------------------------------------------------
    def current_generation(self) -> int:
        return current_generation(self.conn)

    def _sync(self) -> int:
        generation = self.current_generation()
        if generation != self._generation:
            self._generation = generation
            self._lengths = None
            self._cache.clear()
            self._cached_bytes = 0
        return generation

    # -- statistics -----------------------------------------------------------
    def row_lengths(self) -> RowLengths:
        """Row lengths for the current generation (loaded or computed once)."""
        self._sync()
        if self._lengths is None:
            stored = self._load(_LENGTHS_KEY)
            if stored is None:
                stored = self._compute_lengths()
                self._pending[(_LENGTHS_KEY,)] = stored
            size = int(stored.docs[-1]) + 1 if len(stored.docs) else 1
            dense = np.zeros(size, dtype=np.float64)
            dense[stored.docs] = stored.freqs
            self._lengths = RowLengths(dense, len(stored.docs), float(stored.freqs.sum()))
        return self._lengths

    def _compute_lengths(self) -> Postings:
        rows = self.conn.execute("SELECT id, sz FROM trials_fts_docsize ORDER BY id").fetchall()
        docs = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return Postings(docs, np.zeros(0, dtype=np.float64))
        sizes = [r[1] for r in rows]
        values = decode_varints(b"".join(sizes))
        columns = len(decode_varints(sizes[0]))  # one size per column, in every row
        if values.size != columns * len(rows):
            raise ValueError("unexpected trials_fts_docsize layout")
        lengths = values.reshape(len(rows), columns).sum(axis=1).astype(np.float64)
        return Postings(docs, lengths)

    # -- postings ---------------------------------------------------------------
    def postings(self, terms: tuple[str, ...], text: str | None = None) -> Postings:
        """The postings of the phrase made of ``terms`` (cached); ``text``: the phrase
        as typed, which FTS5 turns into those terms."""
        self._sync()
        found = self._cache.get(terms)
        if found is not None:
            self._cache.move_to_end(terms)
            return found
        stored = self._load(" ".join(terms))
        if stored is None:
            if text is not None and self._phrase_is_cheaper(terms, text):
                stored = self._compute_phrase(text)
            if stored is None:
                stored = self._compute(terms)
            self._pending[terms] = stored
        self._remember(terms, stored)
        return stored

    def _remember(self, terms: tuple[str, ...], postings: Postings) -> None:
        self._cache[terms] = postings
        self._cached_bytes += postings.nbytes
        while self._cached_bytes > MEMORY_BUDGET and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached_bytes -= dropped.nbytes

    def _column_index(self) -> dict[str, int]:
        if not self._columns:
            info = self.conn.execute("PRAGMA table_info(trials_fts)").fetchall()
            self._columns = {str(r[1]): int(r[0]) for r in info}
        return self._columns

    def _instances(self, term: str) -> IntArray:
        """Every occurrence of a term as one sortable key: rowid, column, offset."""
        if term in self._instances_read:
            return self._instances_read[term]
        column = " ".join(f"WHEN '{name}' THEN {i}" for name, i in self._column_index().items())
        # One key per occurrence, joined in SQL: a Python row per occurrence would
        # cost ten times more for a term found a hundred thousand times.
        text = self.conn.execute(
            f"SELECT group_concat((((doc << 3) | CASE col {column} END) << 32) | offset) "
            "FROM temp.trials_instances WHERE term=?",
            (term,),
        ).fetchone()[0]
        keys = np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, dtype=np.int64)
        keys.sort()
        self._instances_read[term] = keys
        return keys

    def _compute(self, terms: tuple[str, ...]) -> Postings:
        if not terms:
            return Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
        # A phrase occurs where its first term is followed by the others at the
        # next offsets, in the same column (as FTS5 matches a quoted phrase).
        starts = self._instances(terms[0])
        for shift, term in enumerate(terms[1:], start=1):
            if starts.size == 0:
                break
            starts = starts[np.isin(starts + shift, self._instances(term), assume_unique=True)]
        docs_all = starts >> 35
        weights = self.weights[(starts >> 32) & 7]
        docs, inverse = np.unique(docs_all, return_inverse=True)
        freqs = np.bincount(inverse, weights=weights, minlength=len(docs)).astype(np.float64)
        return Postings(docs.astype(np.int64), freqs)

    #: Cost of one row found by FTS5's phrase search, in term occurrences read.
    _ROW_COST = 10

    def _phrase_is_cheaper(self, terms: tuple[str, ...], text: str) -> bool:
        """Whether FTS5's phrase search costs less than reading every occurrence of
        the phrase's terms (about ten occurrences read per row FTS5 finds)."""
        if len(terms) < 2:
            return False
        marks = ",".join("?" * len(terms))
        occurrences = self.conn.execute(
            f"SELECT sum(cnt) FROM temp.trials_terms WHERE term IN ({marks})", terms
        ).fetchone()[0]
        rows = self.conn.execute(
            "SELECT count(*) FROM trials_fts WHERE trials_fts MATCH ?",
            ('"' + text.replace('"', "") + '"',),
        ).fetchone()[0]
        return int(rows) * self._ROW_COST < int(occurrences or 0)

    def _compute_phrase(self, text: str) -> Postings | None:
        """A multi-term phrase's postings from FTS5's own phrase matching.

        Reading every occurrence of each of its terms costs the most for phrases of
        common words ("every 12 weeks"); FTS5 finds the rows holding the phrase much
        faster. Its ``bm25()`` with one column weighted 1 and the others 0 is
        ``idf * f * (k1 + 1) / (f + k1 * K)`` for the phrase's count ``f`` in that
        column, so the counts come back exactly by inverting it (they are whole
        numbers; anything else means None, and the occurrences are read instead).
        """
        lengths = self.row_lengths()
        columns = [i for i, weight in enumerate(self.weights) if weight != 0.0]
        calls = []
        for column in columns:
            unit = ["0"] * len(self.weights)
            unit[column] = "1"
            calls.append(f"bm25(trials_fts, {', '.join(unit)})")
        rows = self.conn.execute(
            f"SELECT rowid, {', '.join(calls)} FROM trials_fts WHERE trials_fts MATCH ?",
            ('"' + text.replace('"', "") + '"',),
        ).fetchall()
        if not rows:
            return Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
        table = np.array(rows, dtype=np.float64)
        docs = table[:, 0].astype(np.int64)
        if lengths.rows == 0 or docs.max() >= lengths.size:
            return None
        hits = len(docs)
        idf = math.log((lengths.rows - hits + 0.5) / (hits + 0.5))
        if idf <= 0.0:
            idf = MIN_IDF
        scale = 1 - B + B * lengths.lengths[docs] / (lengths.total / lengths.rows)
        scores = -table[:, 1:]
        counts = scores * K1 * scale[:, None] / (idf * (K1 + 1.0) - scores)
        whole = np.rint(counts)
        if not np.allclose(counts, whole, rtol=0.0, atol=1e-6) or (whole.sum(axis=1) < 1).any():
            return None
        freqs = whole @ self.weights[columns]
        order = np.argsort(docs)
        return Postings(docs[order], freqs[order].astype(np.float64))

    # -- the persistent cache -------------------------------------------------
    def _load(self, key: str) -> Postings | None:
        row = self.conn.execute(
            "SELECT docs, freqs FROM search_postings WHERE key=? AND generation=?",
            (key, self._generation),
        ).fetchone()
        if row is None:
            return None
        docs = np.frombuffer(row[0], dtype="<i4").astype(np.int64)
        freqs = np.frombuffer(row[1], dtype="<f4").astype(np.float64)
        return Postings(docs, freqs)

    def flush(self, *, in_transaction: bool) -> None:
        """Store the postings computed since the last flush (when the file is writable).

        Postings are stored in 32-bit form only when that is exact; a writer
        holding the lock, or a newer generation, means they are simply not stored.
        """
        pending, self._pending = self._pending, {}
        if not self.persist or not pending:
            return
        rows = []
        for terms, post in pending.items():
            docs32 = post.docs.astype("<i4")
            freqs32 = post.freqs.astype("<f4")
            if np.array_equal(docs32, post.docs) and np.array_equal(freqs32, post.freqs):
                key = " ".join(terms)
                rows.append((key, self._generation, docs32.tobytes(), freqs32.tobytes()))
        if not rows:
            return
        sql = "INSERT OR REPLACE INTO search_postings VALUES (?,?,?,?)"
        if in_transaction:  # inside the caller's write transaction: same snapshot
            self.conn.executemany(sql, rows)
            return
        self.conn.execute("PRAGMA busy_timeout=0")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # another writer: try again another time
            return
        finally:
            self.conn.execute("PRAGMA busy_timeout=5000")
        try:
            if self.current_generation() == self._generation:
                self.conn.executemany(sql, rows)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- ranking ----------------------------------------------------------------
    def rank(self, plan: list[Clause]) -> tuple[IntArray, FloatArray]:
        """Rowids of every row the plan matches, with its BM25 score (higher is better)."""
        lengths = self.row_lengths()
        size = lengths.size
        order = [p for clause in plan for p in clause.all_phrases()]
        try:
            found = {p: self.postings(phrase_terms(p), " ".join(p)) for p in dict.fromkeys(order)}
        finally:
            self._instances_read.clear()
        scores = np.zeros(size, dtype=np.float64)
        if lengths.rows == 0:
            return np.zeros(0, dtype=np.int64), scores[:0]
        avgdl = lengths.total / lengths.rows
        n_rows = float(lengths.rows)
        # A clause's word groups match a row only together (an FTS5 AND); FTS5 counts
        # the occurrences of a phrase under an AND only in the rows the AND matches.
        matched = np.zeros(size, dtype=bool)
        together: list[npt.NDArray[np.bool_] | None] = []
        for clause in plan:
            for phrase in clause.phrases:
                matched[found[phrase].docs] = True
            every = None
            if clause.groups:
                every = np.ones(size, dtype=bool)
                for group in clause.groups:
                    some = np.zeros(size, dtype=bool)
                    for phrase in group:
                        some[found[phrase].docs] = True
                    every &= some
                matched |= every
            together.append(every)
        for clause, every in zip(plan, together, strict=True):
            # FTS5 sums the phrases in the order the expression lists them.
            for phrase in clause.phrases:
                self._add(scores, found[phrase], None, n_rows, avgdl, lengths)
            for group in clause.groups:
                for phrase in group:
                    self._add(scores, found[phrase], every, n_rows, avgdl, lengths)
        rowids = np.flatnonzero(matched).astype(np.int64)
        return rowids, scores[rowids]

    @staticmethod
    def _add(
        scores: FloatArray,
        post: Postings,
        only: npt.NDArray[np.bool_] | None,
        n_rows: float,
        avgdl: float,
        lengths: RowLengths,
    ) -> None:
        """Add one phrase's BM25 term (FTS5's arithmetic, in its order) to the scores."""
        hits = len(post.docs)
        if hits == 0:
            return
        idf = math.log((n_rows - hits + 0.5) / (hits + 0.5))
        if idf <= 0.0:
            idf = MIN_IDF
        docs, freq = post.docs, post.freqs
        if only is not None:
            keep = only[docs]
            docs, freq = docs[keep], freq[keep]
        row_len = lengths.lengths[docs]
        scale = 1 - B + B * row_len / avgdl
        scores[docs] += idf * ((freq * (K1 + 1.0)) / (freq + K1 * scale))
