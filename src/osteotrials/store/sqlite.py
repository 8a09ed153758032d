"""The embedded store: one SQLite file with FTS5 full-text search.

Layout (see ``MIGRATIONS``): ``trials`` (one row per NCT id, the model as JSON
plus the scrubbed raw record), ``criteria_history`` (every distinct eligibility
text ever seen), ``trials_fts`` (FTS5, BM25 with field weights),
``search_postings`` (cached search postings, see :mod:`osteotrials.store.impact`),
``sync_checkpoints`` and ``meta``. Schema changes are numbered migrations
applied in order inside one transaction each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial
from osteotrials.store import compile as compiling
from osteotrials.store.base import (
    STATUS_FILTERS,
    CriteriaVersion,
    Progress,
    SearchHit,
    StatusFilter,
    StoreError,
    StoreInfo,
    TrialStore,
    UpsertSummary,
)
from osteotrials.store.search import Clause, Phrase, fts5_expression, match_plan
from osteotrials.store.terms import GENERATION_KEY, current_generation, stem

if TYPE_CHECKING:
    from osteotrials.store.impact import PhraseRanker

#: BM25 weights per FTS column: title > conditions = keywords > interventions >
#: summary > criteria. The first (nct_id) column is not indexed.
FTS_WEIGHTS = (0.0, 10.0, 6.0, 6.0, 4.0, 2.0, 1.0)

#: From this many trials on, ``search`` ranks with :mod:`osteotrials.store.impact`
#: (FTS5's BM25 from cached per-phrase postings); below it FTS5 ranks directly, which
#: takes about a millisecond at the snapshot's size and needs no cached postings.
FAST_SEARCH_MIN_TRIALS = 5_000

SearchMethod = Literal["auto", "fts5", "postings"]

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE trials (
            nct_id TEXT PRIMARY KEY,
            record_version TEXT NOT NULL,
            record_version_basis TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            criteria_hash TEXT NOT NULL,
            source TEXT,
            title TEXT,
            overall_status TEXT,
            study_type TEXT,
            phases TEXT NOT NULL,
            data TEXT NOT NULL,
            raw TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX trials_status ON trials(overall_status);
        CREATE TABLE criteria_history (
            nct_id TEXT NOT NULL,
            criteria_hash TEXT NOT NULL,
            record_version TEXT NOT NULL,
            criteria TEXT,
            first_seen TEXT NOT NULL,
            replaced_at TEXT NOT NULL,
            PRIMARY KEY (nct_id, criteria_hash, record_version)
        );
        CREATE VIRTUAL TABLE trials_fts USING fts5(
            nct_id UNINDEXED, title, conditions, keywords, interventions, summary, criteria,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE sync_checkpoints (
            key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE compiled_criteria (
            nct_id TEXT PRIMARY KEY,
            record_version TEXT NOT NULL,
            parser_version TEXT NOT NULL,
            criteria_hash TEXT NOT NULL,
            compiled TEXT NOT NULL,
            compiled_at TEXT NOT NULL
        );
        CREATE INDEX compiled_parser ON compiled_criteria(parser_version);
        """,
    ),
    (
        3,
        """
        CREATE TABLE search_postings (
            key TEXT PRIMARY KEY,
            generation INTEGER NOT NULL,
            docs BLOB NOT NULL,
            freqs BLOB NOT NULL
        );
        """,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def fts_fields(trial: Trial) -> tuple[str, str, str, str, str, str]:
    """The text of each full-text column for a trial."""
    titles = " ".join(t for t in (trial.brief_title, trial.official_title, trial.acronym) if t)
    conditions = " ".join([*trial.conditions, *trial.condition_mesh_terms])
    interventions = " ".join(
        [
            *(i.name for i in trial.interventions),
            *(n for i in trial.interventions for n in i.other_names),
            *trial.intervention_mesh_terms,
            *(a.label for a in trial.arm_groups),
        ]
    )
    summary = " ".join(t for t in (trial.brief_summary, trial.detailed_description) if t)
    return (
        titles,
        conditions,
        " ".join(trial.keywords),
        interventions,
        summary,
        trial.eligibility.criteria or "",
    )


class SQLiteStore(TrialStore):
    """A trial store in one SQLite file."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = read_only
        self._depth = 0  # nesting of atomic() blocks
        if read_only:
            if not self.path.exists():
                raise StoreError(f"database {self.path} does not exist")
            uri = f"file:{self.path}?mode=ro&immutable=1"
            self.conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.row_factory = sqlite3.Row
        self._migrate()
        # Document frequency of index terms, for leaving out phrases too common
        # to change a BM25 score (see search.fts5_match). Reset on every write.
        self._doc_freq: dict[str, int] = {}
        self._doc_total: int | None = None
        self._common_generation: int | None = None
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.trials_terms "
            "USING fts5vocab(main, trials_fts, 'row')"
        )
        # The postings ranking (numpy) is loaded on its first use: the bundled
        # snapshot ranks with FTS5 and never needs it.
        self._phrase_ranker: PhraseRanker | None = None

    @property
    def _ranker(self) -> PhraseRanker:
        if self._phrase_ranker is None:
            from osteotrials.store.impact import PhraseRanker

            self._phrase_ranker = PhraseRanker(self.conn, FTS_WEIGHTS, persist=not self.read_only)
        return self._phrase_ranker

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def _schema_version(self) -> int:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        current = self._schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this osteotrials "
                f"({SCHEMA_VERSION}); upgrade osteotrials"
            )
        if current == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.path} needs a schema upgrade but is open read-only")
        with self.atomic():
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            for version, sql in MIGRATIONS:
                if version > current:
                    for statement in sql.split(";"):
                        if statement.strip():
                            self.conn.execute(statement)
                    self.conn.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?)", (version, _now())
                    )

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (or a savepoint inside an outer one)."""
        name = f"sp{self._depth}"
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute(f"RELEASE {name}")

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.path} is read-only (the bundled snapshot); pass --db FILE or set "
                "OSTEOTRIALS_DB to write to your own database"
            )

    # -- writing ---------------------------------------------------------
    def upsert_trials(
        self,
        trials: Iterable[Trial],
        *,
        batch_size: int = 500,
        checkpoint: tuple[str, dict[str, Any]] | None = None,
        progress: Progress | None = None,
        compile_criteria: bool = True,
    ) -> UpsertSummary:
        self._writable()
        summary = UpsertSummary()
        batch: list[Trial] = []
        for trial in trials:
            batch.append(trial)
            if len(batch) >= batch_size:
                summary.add(self._write_batch(batch, None, compile_criteria))
                if progress:
                    progress(len(batch))
                batch = []
        # The checkpoint goes with the last batch (possibly empty) so it is
        # committed together with the rows it describes.
        if batch or checkpoint:
            summary.add(self._write_batch(batch, checkpoint, compile_criteria))
            if progress and batch:
                progress(len(batch))
        return summary

    def _write_batch(
        self,
        batch: list[Trial],
        checkpoint: tuple[str, dict[str, Any]] | None,
        compile_criteria: bool = True,
    ) -> UpsertSummary:
        summary = UpsertSummary()
        self._doc_freq.clear()
        self._doc_total = None
        now = _now()
        ids = [t.nct_id for t in batch]
        existing: dict[str, tuple[int, str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT rowid, nct_id, content_hash, criteria_hash FROM trials "
                f"WHERE nct_id IN ({marks})",
                chunk,
            ):
                existing[row["nct_id"]] = (row["rowid"], row["content_hash"], row["criteria_hash"])
        with self.atomic():
            seen_in_batch: set[str] = set()
            for trial in batch:
                data = trial.model_dump_json(exclude={"raw"})
                digest = _hash(data)
                previous = existing.get(trial.nct_id)
                if previous and previous[1] == digest:
                    summary.unchanged += 1
                    continue
                raw = orjson.dumps(trial.raw).decode()
                fields = fts_fields(trial)
                criteria_hash = _hash(trial.eligibility.criteria or "")
                row = (
                    trial.record_version,
                    trial.record_version_basis,
                    digest,
                    criteria_hash,
                    trial.provenance.source,
                    trial.title,
                    trial.overall_status,
                    trial.study_type,
                    json.dumps(trial.phases),
                    data,
                    raw,
                    now,
                )
                if previous:
                    rowid = previous[0]
                    if previous[2] != criteria_hash:
                        # Keep the eligibility text being replaced, with its version.
                        self.conn.execute(
                            "INSERT OR IGNORE INTO criteria_history SELECT nct_id, criteria_hash, "
                            "record_version, json_extract(data, '$.eligibility.criteria'), "
                            "updated_at, ? FROM trials WHERE rowid=?",
                            (now, rowid),
                        )
                    self.conn.execute(
                        "UPDATE trials SET record_version=?, record_version_basis=?, "
                        "content_hash=?, criteria_hash=?, source=?, title=?, overall_status=?, "
                        "study_type=?, phases=?, data=?, raw=?, updated_at=? WHERE rowid=?",
                        (*row, rowid),
                    )
                    self.conn.execute("DELETE FROM trials_fts WHERE rowid=?", (rowid,))
                    if trial.nct_id not in seen_in_batch:  # count a repeated id once
                        summary.updated += 1
                        summary.updated_ids.append(trial.nct_id)
                else:
                    cursor = self.conn.execute(
                        "INSERT INTO trials (record_version, record_version_basis, content_hash, "
                        "criteria_hash, source, title, overall_status, study_type, phases, data, "
                        "raw, updated_at, ingested_at, nct_id) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (*row, now, trial.nct_id),
                    )
                    rowid = int(cursor.lastrowid or 0)
                    summary.new += 1
                    summary.new_ids.append(trial.nct_id)
                existing[trial.nct_id] = (rowid, digest, criteria_hash)
                seen_in_batch.add(trial.nct_id)
                self.conn.execute(
                    "INSERT INTO trials_fts (rowid, nct_id, title, conditions, keywords, "
                    "interventions, summary, criteria) VALUES (?,?,?,?,?,?,?,?)",
                    (rowid, trial.nct_id, *fields),
                )
                compiled = compiling.compile_trial(trial) if compile_criteria else None
                if compiled is not None:
                    self._save_compiled(compiled, criteria_hash, now)
            if summary.new or summary.updated:
                # Cached search postings describe the old rows: start a new generation.
                self.conn.execute(
                    "INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) "
                    "DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                    (GENERATION_KEY,),
                )
                self.conn.execute("DELETE FROM search_postings")
            if checkpoint is not None:
                self._set_checkpoint(*checkpoint)
        return summary

    # -- reading ---------------------------------------------------------
    def _trial_from_row(self, row: sqlite3.Row) -> Trial:
        trial = Trial.model_validate_json(row["data"])
        trial.raw = json.loads(row["raw"])
        return trial

    def get_trial(self, nct_id: str) -> Trial | None:
        row = self.conn.execute(
            "SELECT data, raw FROM trials WHERE nct_id=?", (nct_id.strip().upper(),)
        ).fetchone()
        return self._trial_from_row(row) if row else None

    def iter_trials(self) -> Iterator[Trial]:
        for row in self.conn.execute("SELECT data, raw FROM trials ORDER BY nct_id"):
            yield self._trial_from_row(row)

    def nct_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT nct_id FROM trials ORDER BY nct_id")]

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM trials").fetchone()[0])

    def search(
        self,
        query: str,
        *,
        status: StatusFilter = "all",
        phase: str | None = None,
        study_type: str | None = None,
        limit: int = 20,
        method: SearchMethod = "auto",
    ) -> list[SearchHit]:
        """Trials matching ``query``, best BM25 first (ties in NCT id order).

        ``method``: "fts5" ranks with FTS5's ``bm25()``; "postings" computes the
        same scores from cached per-phrase postings (:mod:`osteotrials.store.impact`);
        "auto" uses postings from ``FAST_SEARCH_MIN_TRIALS`` trials on.
        """
        where, params = _filters(status, phase, study_type)
        began = not self.conn.in_transaction
        if began:  # one consistent snapshot for the statistics, postings and rows
            self.conn.execute("BEGIN")
        try:
            self._refresh_common()
            plan = match_plan(query, self._is_common)
            if plan is None:
                hits: list[SearchHit] = []
            elif method == "postings" or (
                method == "auto" and self._trial_count() >= FAST_SEARCH_MIN_TRIALS
            ):
                hits = self._search_postings(plan, where, params, limit)
            else:
                hits = self._search_fts5(plan, where, params, limit)
        finally:
            if began:
                self.conn.execute("COMMIT")
        if self._phrase_ranker is not None:
            self._phrase_ranker.flush(in_transaction=self.conn.in_transaction)
        return hits

    def _search_fts5(
        self, plan: list[Clause], where: str, params: list[Any], limit: int
    ) -> list[SearchHit]:
        match = fts5_expression(plan)
        weights = ", ".join(str(w) for w in FTS_WEIGHTS)
        if where:
            sql = (
                f"SELECT t.nct_id, t.title, t.overall_status, t.phases, t.study_type, "
                f"t.record_version, bm25(trials_fts, {weights}) AS rank "
                f"FROM trials_fts JOIN trials t ON t.rowid = trials_fts.rowid "
                f"WHERE trials_fts MATCH ? {where} ORDER BY rank, t.nct_id LIMIT ?"
            )
        else:  # rank inside FTS5 first, join only the rows returned
            sql = (
                f"SELECT t.nct_id, t.title, t.overall_status, t.phases, t.study_type, "
                f"t.record_version, r.rank FROM (SELECT rowid, "
                f"bm25(trials_fts, {weights}) AS rank FROM trials_fts WHERE trials_fts MATCH ? "
                f"ORDER BY rank LIMIT ?) r JOIN trials t ON t.rowid = r.rowid "
                f"ORDER BY r.rank, t.nct_id"
            )
        rows = self.conn.execute(sql, (match, *params, limit)).fetchall()
        return [_hit(r, -float(r["rank"])) for r in rows]

    def _search_postings(
        self, plan: list[Clause], where: str, params: list[Any], limit: int
    ) -> list[SearchHit]:
        import numpy as np

        rowids, scores = self._ranker.rank(plan)
        if limit <= 0 or len(rowids) == 0:
            return []
        # Fetch the best rows (every row tied with the last one too), keep those the
        # filters let through; fetch deeper until ``limit`` pass or none are left.
        want = limit if not where else 4 * limit
        while True:
            if want >= len(rowids):
                chosen, chosen_scores = rowids, scores
            else:
                threshold = -np.partition(-scores, want - 1)[want - 1]
                best = scores >= threshold
                chosen, chosen_scores = rowids[best], scores[best]
            score_of = dict(zip(chosen.tolist(), chosen_scores.tolist(), strict=True))
            rows = self.conn.execute(
                "SELECT t.rowid AS rid, t.nct_id, t.title, t.overall_status, t.phases, "
                "t.study_type, t.record_version FROM trials t "
                f"WHERE t.rowid IN (SELECT value FROM json_each(?)){where}",
                (json.dumps(list(score_of)), *params),
            ).fetchall()
            if len(rows) >= limit or len(chosen) == len(rowids):
                break
            want *= 4
        rows.sort(key=lambda r: (-score_of[r["rid"]], r["nct_id"]))
        return [_hit(r, score_of[r["rid"]]) for r in rows[:limit]]

    # -- compiled criteria ----------------------------------------------
    def _save_compiled(self, compiled: CompiledTrial, criteria_hash: str, now: str) -> None:
        self.conn.execute(
            "INSERT INTO compiled_criteria VALUES (?,?,?,?,?,?) ON CONFLICT(nct_id) DO UPDATE SET "
            "record_version=excluded.record_version, parser_version=excluded.parser_version, "
            "criteria_hash=excluded.criteria_hash, compiled=excluded.compiled, "
            "compiled_at=excluded.compiled_at",
            (
                compiled.nct_id,
                compiled.record_version,
                compiled.parser_version,
                criteria_hash,
                compiled.model_dump_json(),
                now,
            ),
        )

    def _compiled_current(self, row: sqlite3.Row) -> CompiledTrial | None:
        """The stored compilation when it matches this record and parser version."""
        if row["compiled"] is None:
            return None
        if row["c_record_version"] != row["record_version"]:
            return None
        if row["parser_version"] != compiling.parser_version():
            return None
        return CompiledTrial.model_validate_json(row["compiled"])

    _COMPILED_SQL = (
        "SELECT t.nct_id, t.data, t.raw, t.record_version, c.compiled, "
        "c.record_version AS c_record_version, c.parser_version "
        "FROM trials t LEFT JOIN compiled_criteria c ON c.nct_id = t.nct_id"
    )

    def get_compiled(self, nct_id: str) -> CompiledTrial | None:
        """The trial's compiled criteria (compiled now if missing or outdated)."""
        row = self.conn.execute(
            self._COMPILED_SQL + " WHERE t.nct_id=?", (nct_id.strip().upper(),)
        ).fetchone()
        if row is None:
            return None
        current = self._compiled_current(row)
        if current is not None:
            return current
        return compiling.compile_trial(self._trial_from_row(row))

    def iter_compiled_trials(self) -> Iterator[tuple[Trial, CompiledTrial]]:
        """Every trial with its compiled criteria, in NCT id order.

        Stored compilations of an older record or parser version are compiled
        again on the fly (``recompile`` stores them).
        """
        for row in self.conn.execute(self._COMPILED_SQL + " ORDER BY t.nct_id"):
            trial = self._trial_from_row(row)
            compiled = self._compiled_current(row) or compiling.compile_trial(trial)
            if compiled is not None:
                yield trial, compiled

    def recompile(self, progress: Progress | None = None, *, force: bool = False) -> int:
        """Compile again every trial whose stored criteria are missing or outdated."""
        self._writable()
        version = compiling.parser_version()
        if version is None:
            raise StoreError("the eligibility engine (osteotrials.criteria) is not available")
        stale = self.conn.execute(
            "SELECT t.nct_id FROM trials t LEFT JOIN compiled_criteria c ON c.nct_id = t.nct_id "
            "WHERE ? OR c.nct_id IS NULL OR c.parser_version != ? "
            "OR c.record_version != t.record_version ORDER BY t.nct_id",
            (force, version),
        ).fetchall()
        done = 0
        ids = [r[0] for r in stale]
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            with self.atomic():
                for nct_id in chunk:
                    trial = self.get_trial(nct_id)
                    assert trial is not None
                    compiled = compiling.compile_trial(trial)
                    if compiled is not None:
                        self._save_compiled(
                            compiled, _hash(trial.eligibility.criteria or ""), _now()
                        )
                        done += 1
            if progress:
                progress(len(chunk))
        return done

    def compiled_counts(self) -> dict[str, int]:
        """Stored compilations per parser version."""
        return {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT parser_version, count(*) FROM compiled_criteria GROUP BY parser_version"
            )
        }

    def _refresh_common(self) -> None:
        """Forget document frequencies when the corpus changed (in any process)."""
        generation = current_generation(self.conn)
        if generation != self._common_generation:
            self._common_generation = generation
            self._doc_freq.clear()
            self._doc_total = None

    def _is_common(self, phrase: Phrase) -> bool:
        """True when a one-word phrase occurs in at least half of all trials."""
        if len(phrase) != 1:
            return False
        term = stem(phrase[0])
        if term is None:
            return False
        if term not in self._doc_freq:
            row = self.conn.execute(
                "SELECT doc FROM temp.trials_terms WHERE term = ?", (term,)
            ).fetchone()
            self._doc_freq[term] = int(row[0]) if row else 0
        total = self._trial_count()
        return total > 0 and 2 * self._doc_freq[term] >= total

    def _trial_count(self) -> int:
        """Trials (= rows of the FTS5 index) in the current generation, counted once."""
        if self._doc_total is None:
            self._doc_total = self.count()
        return self._doc_total

    def criteria_history(self, nct_id: str) -> list[CriteriaVersion]:
        """Every eligibility text kept for a trial, oldest first, the current one last."""
        nct = nct_id.strip().upper()
        rows = self.conn.execute(
            "SELECT nct_id, record_version, criteria, first_seen FROM criteria_history "
            "WHERE nct_id=? ORDER BY replaced_at, rowid",
            (nct,),
        ).fetchall()
        current = self.conn.execute(
            "SELECT nct_id, record_version, json_extract(data, '$.eligibility.criteria') "
            "AS criteria, updated_at AS first_seen FROM trials WHERE nct_id=?",
            (nct,),
        ).fetchall()
        return [CriteriaVersion(**dict(r)) for r in [*rows, *current]]

    def info(self) -> StoreInfo:
        sources = {
            (r[0] or "unknown"): r[1]
            for r in self.conn.execute(
                "SELECT source, count(*) FROM trials GROUP BY source ORDER BY source"
            )
        }
        statuses = {
            (r[0] or "unknown"): r[1]
            for r in self.conn.execute(
                "SELECT overall_status, count(*) FROM trials GROUP BY overall_status "
                "ORDER BY overall_status"
            )
        }
        return StoreInfo(
            db_path=str(self.path),
            backend="sqlite",
            schema_version=self._schema_version(),
            trials=self.count(),
            snapshot_date=self.get_meta("snapshot_date"),
            sources=sources,
            statuses=statuses,
            read_only=self.read_only,
        )

    # -- checkpoints and meta -------------------------------------------
    def get_checkpoint(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT value FROM sync_checkpoints WHERE key=?", (key,)).fetchone()
        return dict(json.loads(row[0])) if row else None

    def _set_checkpoint(self, key: str, value: dict[str, Any] | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM sync_checkpoints WHERE key=?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO sync_checkpoints VALUES (?,?,?) ON CONFLICT(key) DO UPDATE "
                "SET value=excluded.value, updated_at=excluded.updated_at",
                (key, json.dumps(value, sort_keys=True), _now()),
            )

    def set_checkpoint(self, key: str, value: dict[str, Any] | None) -> None:
        self._writable()
        with self.atomic():
            self._set_checkpoint(key, value)

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._writable()
        with self.atomic():
            self.conn.execute(
                "INSERT INTO meta VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    def optimize(self) -> None:
        """Merge FTS segments and compact the file (for the shipped snapshot)."""
        self._writable()
        self.conn.execute("INSERT INTO trials_fts(trials_fts) VALUES ('optimize')")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("VACUUM")


def _hit(row: sqlite3.Row, score: float) -> SearchHit:
    return SearchHit(
        nct_id=row["nct_id"],
        title=row["title"],
        status=row["overall_status"],
        phases=json.loads(row["phases"]),
        study_type=row["study_type"],
        score=round(score, 4),
        record_version=row["record_version"],
    )


def _filters(
    status: StatusFilter, phase: str | None, study_type: str | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    statuses = STATUS_FILTERS.get(status)
    if status not in STATUS_FILTERS:
        raise ValueError(
            f"unknown status filter {status!r}; use one of {', '.join(STATUS_FILTERS)}"
        )
    if statuses is not None:
        clauses.append(f"t.overall_status IN ({','.join('?' * len(statuses))})")
        params.extend(sorted(statuses))
    if phase:
        clauses.append("t.phases LIKE ?")
        params.append(f'%"{normalise_phase(phase)}"%')
    if study_type:
        clauses.append("t.study_type = ?")
        params.append(study_type.strip().upper())
    return "".join(f" AND {c}" for c in clauses), params


def normalise_phase(phase: str) -> str:
    """'2', 'phase 2', 'PHASE2' -> 'PHASE2'; 'early 1' -> 'EARLY_PHASE1'."""
    text = phase.strip().upper().replace(" ", "").replace("PHASE", "")
    if text in {"1", "2", "3", "4"}:
        return f"PHASE{text}"
    if text in {"EARLY1", "0", "EARLY_1"}:
        return "EARLY_PHASE1"
    if text in {"NA", "N/A"}:
        return "NA"
    raise ValueError(f"unknown phase {phase!r}; use 1, 2, 3, 4, early1 or na")
