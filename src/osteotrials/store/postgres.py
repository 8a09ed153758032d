"""The PostgreSQL store: the SQLite store's interface and layout on a shared server.

Tables mirror :mod:`osteotrials.store.sqlite` (``trials``, ``criteria_history``,
``sync_checkpoints``, ``meta``, ``schema_migrations``), with numbered
migrations applied in one transaction each under an advisory lock (two
processes opening a new database at once do not race).

Full-text search uses ``tsvector`` columns kept in the ``trials`` row:

* ``search_doc``: title (weight A), conditions and keywords (B), interventions
  (C) and summary (D), English stemming;
* ``search_criteria``: the eligibility text, ranked at a tenth of weight D.

Queries are expanded with the same synonym table as SQLite
(:func:`osteotrials.store.search.concepts`): each concept becomes a tsquery
(its phrases OR-ed, a multi-word concept also matching its words apart).
Ranking approximates the SQLite BM25: each concept's ``ts_rank`` (length
normalised) is multiplied by its inverse document frequency over the whole
table, and the concepts are summed. The weights follow SQLite's order
(title > conditions = keywords > interventions > summary > criteria).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

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
from osteotrials.store.search import Concept, Phrase, concepts
from osteotrials.store.sqlite import _hash, _now, fts_fields, normalise_phase

TS_CONFIG = "english"
#: ts_rank weights for {D, C, B, A}: summary, interventions, conditions/keywords, title
#: (SQLite's BM25 column weights 2, 4, 6, 10 scaled to 1.0 for the title).
RANK_WEIGHTS = "{0.2, 0.4, 0.6, 1.0}"
#: The eligibility text: a fifth of the title weight (SQLite: 1 vs 10; 0.2 ranked the
#: relevance queries best on PostgreSQL, whose ts_rank already saturates repeats).
CRITERIA_WEIGHT = 0.2
#: ts_rank normalisation: none (the BM25-style length term below replaces it).
RANK_NORMALISATION = 0
#: When more trials match, only this many (at least twice the limit) are fully
#: ranked, chosen by the weighted rank of title/conditions/keywords/
#: interventions/summary alone: bounds the cost of broad queries.
PRE_RANK_LIMIT = 200
_ADVISORY_LOCK = 0x05_7E_07_81  # "osteotrials migrations"

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        f"""
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
            phases JSONB NOT NULL,
            data TEXT NOT NULL,
            raw TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            search_doc TSVECTOR NOT NULL,
            search_criteria TSVECTOR NOT NULL,
            doc_length INTEGER NOT NULL
        );
        CREATE INDEX trials_status ON trials (overall_status);
        CREATE INDEX trials_search_doc ON trials USING GIN (search_doc);
        CREATE INDEX trials_search_criteria ON trials USING GIN (search_criteria);
        CREATE TABLE criteria_history (
            seq BIGSERIAL,
            nct_id TEXT NOT NULL,
            criteria_hash TEXT NOT NULL,
            record_version TEXT NOT NULL,
            criteria TEXT,
            first_seen TEXT NOT NULL,
            replaced_at TEXT NOT NULL,
            PRIMARY KEY (nct_id, criteria_hash, record_version)
        );
        CREATE TABLE sync_checkpoints (
            key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        COMMENT ON COLUMN trials.search_doc IS
            'tsvector ({TS_CONFIG}): title A, conditions+keywords B, interventions C, summary D';
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
        CREATE INDEX compiled_parser ON compiled_criteria (parser_version);
        """,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

_UPSERT = f"""
INSERT INTO trials (
    nct_id, record_version, record_version_basis, content_hash, criteria_hash, source, title,
    overall_status, study_type, phases, data, raw, ingested_at, updated_at,
    search_doc, search_criteria, doc_length
) VALUES (
    %(nct_id)s, %(record_version)s, %(basis)s, %(hash)s, %(criteria_hash)s, %(source)s, %(title)s,
    %(status)s, %(study_type)s, %(phases)s::jsonb, %(data)s, %(raw)s, %(now)s, %(now)s,
    setweight(to_tsvector('{TS_CONFIG}', %(f_title)s), 'A')
      || setweight(to_tsvector('{TS_CONFIG}', %(f_conditions)s), 'B')
      || setweight(to_tsvector('{TS_CONFIG}', %(f_keywords)s), 'B')
      || setweight(to_tsvector('{TS_CONFIG}', %(f_interventions)s), 'C')
      || setweight(to_tsvector('{TS_CONFIG}', %(f_summary)s), 'D'),
    to_tsvector('{TS_CONFIG}', %(f_criteria)s),
    %(doc_length)s
)
ON CONFLICT (nct_id) DO UPDATE SET
    record_version = excluded.record_version,
    record_version_basis = excluded.record_version_basis,
    content_hash = excluded.content_hash,
    criteria_hash = excluded.criteria_hash,
    source = excluded.source,
    title = excluded.title,
    overall_status = excluded.overall_status,
    study_type = excluded.study_type,
    phases = excluded.phases,
    data = excluded.data,
    raw = excluded.raw,
    updated_at = excluded.updated_at,
    search_doc = excluded.search_doc,
    search_criteria = excluded.search_criteria,
    doc_length = excluded.doc_length
"""


def redact_dsn(dsn: str) -> str:
    """The DSN without its password, for messages and ``info().db_path``."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable DSN)"
    host = params.get("host") or "localhost"
    port = params.get("port") or 5432
    user = params.get("user")
    db = params.get("dbname") or ""
    options = params.get("options")
    extra = f"?options={options}" if options else ""
    return f"postgresql://{str(user) + '@' if user else ''}{host}:{port}/{db}{extra}"


class PostgresStore(TrialStore):
    """A trial store in a PostgreSQL database (psycopg 3)."""

    def __init__(self, dsn: str, *, read_only: bool = False) -> None:
        self.dsn = dsn
        self.location = redact_dsn(dsn)
        self.read_only = read_only
        try:
            self.conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to {self.location}: {exc}") from exc
        self._migrate()
        # Document frequencies of search phrases, the trial count and the mean
        # document length: what the ranking needs from the whole table. Cleared
        # on every write.
        self._stats_cache: dict[Any, Any] = {}
        #: phrase -> its tsquery text (depends on the text-search configuration only)
        self._tsquery_cache: dict[Any, str] = {}

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def _schema_version(self) -> int:
        row = self.conn.execute("SELECT to_regclass('schema_migrations')").fetchone()
        if row is None or row[0] is None:
            return 0
        version = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(version[0] or 0) if version else 0

    def _migrate(self) -> None:
        current = self._schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location} has schema version {current}, newer than this osteotrials "
                f"({SCHEMA_VERSION}); upgrade osteotrials"
            )
        if current == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.location} needs a schema upgrade but is open read-only")
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK,))
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = self._schema_version()  # another process may have migrated meanwhile
            for version, statements in MIGRATIONS:
                if version > current:
                    self.conn.execute(statements.encode())
                    self.conn.execute(
                        "INSERT INTO schema_migrations VALUES (%s, %s)", (version, _now())
                    )

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (or a savepoint inside an outer one)."""
        with self.conn.transaction():
            yield

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.location} is open read-only")

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
        # As in SQLite: the checkpoint is committed together with the last batch.
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
        self._stats_cache.clear()
        now = _now()
        ids = list({t.nct_id for t in batch})
        # nct_id -> (content hash, criteria hash) of the stored row
        existing: dict[str, tuple[str, str]] = {}
        if ids:
            for nct_id, digest, crit in self.conn.execute(
                "SELECT nct_id, content_hash, criteria_hash FROM trials WHERE nct_id = ANY(%s)",
                (ids,),
            ):
                existing[nct_id] = (digest, crit)
        rows: dict[str, dict[str, Any]] = {}  # the last version of an id in the batch is stored
        archive_stored: list[str] = []  # ids whose stored eligibility text is being replaced
        archive_batch: list[tuple[str, str, str, str | None, str, str]] = []
        seen_in_batch: set[str] = set()
        written: dict[str, Trial] = {}
        for trial in batch:
            data = trial.model_dump_json(exclude={"raw"})
            digest = _hash(data)
            previous = existing.get(trial.nct_id)
            if previous is not None and previous[0] == digest:
                summary.unchanged += 1
                continue
            criteria = trial.eligibility.criteria
            criteria_hash = _hash(criteria or "")
            if previous is not None:
                if previous[1] != criteria_hash:
                    # Keep the eligibility text being replaced, with its version (as SQLite).
                    earlier = rows.get(trial.nct_id)
                    if earlier is None:
                        archive_stored.append(trial.nct_id)
                    else:
                        archive_batch.append(
                            (
                                trial.nct_id,
                                earlier["criteria_hash"],
                                earlier["record_version"],
                                earlier["criteria"],
                                now,
                                now,
                            )
                        )
                if trial.nct_id not in seen_in_batch:  # count a repeated id once
                    summary.updated += 1
                    summary.updated_ids.append(trial.nct_id)
            else:
                summary.new += 1
                summary.new_ids.append(trial.nct_id)
            existing[trial.nct_id] = (digest, criteria_hash)
            seen_in_batch.add(trial.nct_id)
            written[trial.nct_id] = trial
            title, conditions, keywords, interventions, text_summary, criteria_text = fts_fields(
                trial
            )
            rows[trial.nct_id] = {
                "nct_id": trial.nct_id,
                "record_version": trial.record_version,
                "basis": trial.record_version_basis,
                "hash": digest,
                "criteria_hash": criteria_hash,
                "criteria": criteria,
                "source": trial.provenance.source,
                "title": trial.title,
                "status": trial.overall_status,
                "study_type": trial.study_type,
                "phases": json.dumps(trial.phases),
                "data": data,
                "raw": json.dumps(trial.raw, ensure_ascii=False, separators=(",", ":")),
                "now": now,
                "f_title": title,
                "f_conditions": conditions,
                "f_keywords": keywords,
                "f_interventions": interventions,
                "f_summary": text_summary,
                "f_criteria": criteria_text,
                "doc_length": sum(
                    len(f.split())
                    for f in (
                        title,
                        conditions,
                        keywords,
                        interventions,
                        text_summary,
                        criteria_text,
                    )
                ),
            }
        with self.atomic(), self.conn.cursor() as cur:
            if archive_stored:
                cur.execute(
                    "INSERT INTO criteria_history (nct_id, criteria_hash, record_version, "
                    "criteria, first_seen, replaced_at) SELECT nct_id, criteria_hash, "
                    "record_version, data::jsonb -> 'eligibility' ->> 'criteria', updated_at, %s "
                    "FROM trials WHERE nct_id = ANY(%s) ON CONFLICT DO NOTHING",
                    (now, archive_stored),
                )
            if archive_batch:
                cur.executemany(
                    "INSERT INTO criteria_history (nct_id, criteria_hash, record_version, "
                    "criteria, first_seen, replaced_at) VALUES (%s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT DO NOTHING",
                    archive_batch,
                )
            if rows:
                cur.executemany(_UPSERT.encode(), list(rows.values()))
            if compile_criteria:
                compiled = [
                    (c, rows[nct]["criteria_hash"])
                    for nct, trial in written.items()
                    if (c := compiling.compile_trial(trial)) is not None
                ]
                self._save_compiled(compiled, now)
            if checkpoint is not None:
                self._set_checkpoint(*checkpoint)
        return summary

    # -- reading ---------------------------------------------------------
    @staticmethod
    def _trial(data: str, raw: str) -> Trial:
        trial = Trial.model_validate_json(data)
        trial.raw = json.loads(raw)
        return trial

    def get_trial(self, nct_id: str) -> Trial | None:
        row = self.conn.execute(
            "SELECT data, raw FROM trials WHERE nct_id = %s", (nct_id.strip().upper(),)
        ).fetchone()
        return self._trial(row[0], row[1]) if row else None

    def iter_trials(self) -> Iterator[Trial]:
        # Keyset pages: no long-running transaction or cursor held between yields.
        after = ""
        while True:
            rows = self.conn.execute(
                "SELECT nct_id, data, raw FROM trials WHERE nct_id > %s ORDER BY nct_id LIMIT 500",
                (after,),
            ).fetchall()
            if not rows:
                return
            for _nct, data, raw in rows:
                yield self._trial(data, raw)
            after = rows[-1][0]

    def nct_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT nct_id FROM trials ORDER BY nct_id")]

    def count(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM trials").fetchone()
        return int(row[0]) if row else 0

    def search(
        self,
        query: str,
        *,
        status: StatusFilter = "all",
        phase: str | None = None,
        study_type: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        found = concepts(query)
        if not found:
            return []
        total, avg_len = self._table_stats()
        every = {p for c in found for p in _phrases_of(c)}
        df = self._doc_freqs(every)
        # As SQLite: a one-word phrase found in at least half of all trials adds
        # (almost) nothing to BM25 and is left out, unless every phrase is common.
        common: set[Phrase] = {p for p in every if len(p) == 1 and total > 0 and 2 * df[p] >= total}
        plan = _match_plan(found, df, common) or _match_plan(found, df, set[Phrase]())
        if plan is None:
            return []
        shape, terms = plan
        texts = [self._tsquery_text(p) for p in terms]
        any_query = re.sub(r"\{(\d+)\}", lambda m: f"({texts[int(m.group(1))]})", shape)
        # Every tsquery is a bound constant, so the planner can use the GIN indexes.
        params: dict[str, Any] = {"any": any_query, "limit": limit}
        for i, text in enumerate(texts):
            params[f"t{i}"] = text
        idfs = [_idf(total, df[p]) for p in terms]
        prerank = f"ts_rank('{RANK_WEIGHTS}', t.search_doc, %(any)s::tsquery)"
        score = " + ".join(
            _term_sql(f"%(t{i})s::tsquery", idf, avg_len) for i, idf in enumerate(idfs)
        )
        where, filter_params = _filters(status, phase, study_type)
        for i, value in enumerate(filter_params):
            params[f"f{i}"] = value
        statement = (
            "WITH c AS MATERIALIZED (SELECT t.nct_id, t.title, t.overall_status, t.phases, "
            "t.study_type, t.record_version, t.search_doc, t.search_criteria, t.doc_length "
            "FROM trials t WHERE (t.search_doc @@ %(any)s::tsquery "
            f"OR t.search_criteria @@ %(any)s::tsquery) {where} "
            # Many matches (broad words): fully rank only the best by the small vector.
            f"ORDER BY {prerank} DESC LIMIT {max(PRE_RANK_LIMIT, 2 * limit)}) "
            "SELECT c.nct_id, c.title, c.overall_status, c.phases, c.study_type, "
            f"c.record_version, ({score}) AS score FROM c "
            "ORDER BY score DESC, c.nct_id LIMIT %(limit)s"
        ).encode()
        with self.conn.transaction():
            # The planner prices ``@@`` on a (toasted) criteria vector like any cheap
            # operator and prefers a sequential scan; the GIN indexes are far faster.
            self.conn.execute("SET LOCAL enable_seqscan = off")
            rows = self.conn.execute(statement, params).fetchall()
        return [
            SearchHit(
                nct_id=r[0],
                title=r[1],
                status=r[2],
                phases=list(r[3]),
                study_type=r[4],
                score=round(float(r[6]), 4),
                record_version=r[5],
            )
            for r in rows
        ]

    def _tsquery_text(self, phrase: Phrase) -> str:
        key = ("tsq", phrase)
        if key not in self._tsquery_cache:
            row = self.conn.execute(
                "SELECT phraseto_tsquery(%s, %s)::text", (TS_CONFIG, " ".join(phrase))
            ).fetchone()
            self._tsquery_cache[key] = str(row[0]) if row else ""
        return self._tsquery_cache[key]

    def _table_stats(self) -> tuple[float, float]:
        """Trial count and mean document length (cached until the next write)."""
        key = ("table",)
        if key not in self._stats_cache:
            row = self.conn.execute(
                "SELECT count(*), coalesce(avg(doc_length), 1) FROM trials"
            ).fetchone()
            total, avg_len = (float(row[0]), float(row[1])) if row else (0.0, 1.0)
            self._stats_cache[key] = (total, max(avg_len, 1.0))
        value: tuple[float, float] = self._stats_cache[key]
        return value

    def _doc_freqs(self, phrases: Iterable[Phrase]) -> dict[Phrase, int]:
        """Trials containing each phrase (GIN index counts, cached until the next write)."""
        out: dict[Phrase, int] = {}
        for phrase in phrases:
            key = ("df", phrase)
            if key not in self._stats_cache:
                text = self._tsquery_text(phrase)
                row = (
                    self.conn.execute(
                        "SELECT count(*) FROM trials WHERE search_doc @@ %(q)s::tsquery "
                        "OR search_criteria @@ %(q)s::tsquery",
                        {"q": text},
                    ).fetchone()
                    if text
                    else (0,)
                )
                self._stats_cache[key] = int(row[0]) if row else 0
            out[phrase] = self._stats_cache[key]
        return out

    def criteria_history(self, nct_id: str) -> list[CriteriaVersion]:
        """Every eligibility text kept for a trial, oldest first, the current one last."""
        nct = nct_id.strip().upper()
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                "SELECT nct_id, record_version, criteria, first_seen FROM criteria_history "
                "WHERE nct_id = %s ORDER BY replaced_at, seq",
                (nct,),
            )
            rows = cur.fetchall()
            cur.execute(
                "SELECT nct_id, record_version, data::jsonb -> 'eligibility' ->> 'criteria' "
                "AS criteria, updated_at AS first_seen FROM trials WHERE nct_id = %s",
                (nct,),
            )
            rows.extend(cur.fetchall())
        return [CriteriaVersion(**r) for r in rows]

    # -- compiled criteria ----------------------------------------------
    def _save_compiled(self, compiled: list[tuple[CompiledTrial, str]], now: str) -> None:
        if not compiled:
            return
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO compiled_criteria VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (nct_id) DO UPDATE SET record_version = excluded.record_version, "
                "parser_version = excluded.parser_version, "
                "criteria_hash = excluded.criteria_hash, compiled = excluded.compiled, "
                "compiled_at = excluded.compiled_at",
                [
                    (
                        c.nct_id,
                        c.record_version,
                        c.parser_version,
                        criteria_hash,
                        c.model_dump_json(),
                        now,
                    )
                    for c, criteria_hash in compiled
                ],
            )

    _COMPILED_SQL = (
        "SELECT t.nct_id, t.data, t.raw, t.record_version, c.compiled, "
        "c.record_version AS c_record_version, c.parser_version "
        "FROM trials t LEFT JOIN compiled_criteria c ON c.nct_id = t.nct_id"
    )

    @staticmethod
    def _compiled_current(row: dict[str, Any]) -> CompiledTrial | None:
        """The stored compilation when it matches this record and parser version."""
        if row["compiled"] is None or row["c_record_version"] != row["record_version"]:
            return None
        if row["parser_version"] != compiling.parser_version():
            return None
        return CompiledTrial.model_validate_json(row["compiled"])

    def get_compiled(self, nct_id: str) -> CompiledTrial | None:
        """The trial's compiled criteria (compiled now if missing or outdated)."""
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                (self._COMPILED_SQL + " WHERE t.nct_id = %s").encode(),
                (nct_id.strip().upper(),),
            )
            row = cur.fetchone()
        if row is None:
            return None
        current = self._compiled_current(row)
        if current is not None:
            return current
        return compiling.compile_trial(self._trial(row["data"], row["raw"]))

    def iter_compiled_trials(self) -> Iterator[tuple[Trial, CompiledTrial]]:
        """Every trial with its compiled criteria, in NCT id order (outdated ones compiled anew)."""
        after = ""
        while True:
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(
                    (
                        self._COMPILED_SQL + " WHERE t.nct_id > %s ORDER BY t.nct_id LIMIT 500"
                    ).encode(),
                    (after,),
                )
                rows = cur.fetchall()
            if not rows:
                return
            for row in rows:
                trial = self._trial(row["data"], row["raw"])
                compiled = self._compiled_current(row) or compiling.compile_trial(trial)
                if compiled is not None:
                    yield trial, compiled
            after = rows[-1]["nct_id"]

    def recompile(self, progress: Progress | None = None, *, force: bool = False) -> int:
        """Compile again every trial whose stored criteria are missing or outdated."""
        self._writable()
        version = compiling.parser_version()
        if version is None:
            raise StoreError("the eligibility engine (osteotrials.criteria) is not available")
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT t.nct_id FROM trials t LEFT JOIN compiled_criteria c "
                "ON c.nct_id = t.nct_id WHERE %s OR c.nct_id IS NULL OR c.parser_version != %s "
                "OR c.record_version != t.record_version ORDER BY t.nct_id",
                (force, version),
            )
        ]
        done = 0
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            batch: list[tuple[CompiledTrial, str]] = []
            for nct_id in chunk:
                trial = self.get_trial(nct_id)
                if trial is None:
                    continue
                compiled = compiling.compile_trial(trial)
                if compiled is not None:
                    batch.append((compiled, _hash(trial.eligibility.criteria or "")))
            with self.atomic():
                self._save_compiled(batch, _now())
            done += len(batch)
            if progress:
                progress(len(chunk))
        return done

    def compiled_counts(self) -> dict[str, int]:
        """Stored compilations per parser version."""
        return {
            r[0]: int(r[1])
            for r in self.conn.execute(
                "SELECT parser_version, count(*) FROM compiled_criteria GROUP BY parser_version"
            )
        }

    def info(self) -> StoreInfo:
        sources = {
            (r[0] or "unknown"): int(r[1])
            for r in self.conn.execute(
                "SELECT source, count(*) FROM trials GROUP BY source ORDER BY source"
            )
        }
        statuses = {
            (r[0] or "unknown"): int(r[1])
            for r in self.conn.execute(
                "SELECT overall_status, count(*) FROM trials GROUP BY overall_status "
                "ORDER BY overall_status"
            )
        }
        return StoreInfo(
            db_path=self.location,
            backend="postgresql",
            schema_version=self._schema_version(),
            trials=self.count(),
            snapshot_date=self.get_meta("snapshot_date"),
            sources=sources,
            statuses=statuses,
            read_only=self.read_only,
        )

    # -- checkpoints and meta -------------------------------------------
    def get_checkpoint(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT value FROM sync_checkpoints WHERE key = %s", (key,)
        ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def _set_checkpoint(self, key: str, value: dict[str, Any] | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM sync_checkpoints WHERE key = %s", (key,))
        else:
            self.conn.execute(
                "INSERT INTO sync_checkpoints VALUES (%s, %s, %s) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value, updated_at = excluded.updated_at",
                (key, json.dumps(value, sort_keys=True), _now()),
            )

    def set_checkpoint(self, key: str, value: dict[str, Any] | None) -> None:
        self._writable()
        with self.atomic():
            self._set_checkpoint(key, value)

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._writable()
        with self.atomic():
            self.conn.execute(
                "INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value",
                (key, value),
            )

    def optimize(self) -> None:
        """Refresh planner statistics after a bulk load."""
        self._writable()
        self.conn.execute("ANALYZE trials")


#: BM25 length normalisation (b) and term-frequency saturation (k1) applied to ts_rank.
BM25_B = 0.5
BM25_K1: float | None = 1.2
#: ts_rank of one title occurrence is about 0.61; scaled to about 10 (SQLite's title weight).
RANK_SCALE = 16.0


def _term_sql(query: str, idf: float, avg_len: float) -> str:
    """One phrase's share of the score, FTS5-bm25 style.

    ``ts_rank`` with the field weights (scaled so that one title occurrence is
    about 10, like SQLite's column weight) is the weighted term frequency; it is
    saturated with k1, normalised by document length with b, and multiplied by
    the phrase's IDF over the whole table.
    """
    # ts_rank scores a phrase query's words even where they are not adjacent, so
    # each vector counts only when the phrase really matches in it.
    rank = (
        f"({RANK_SCALE} * ("
        f"(CASE WHEN c.search_doc @@ {query} THEN "
        f"ts_rank('{RANK_WEIGHTS}', c.search_doc, {query}, {RANK_NORMALISATION}) ELSE 0 END)"
        f" + (CASE WHEN c.search_criteria @@ {query} THEN {CRITERIA_WEIGHT} * "
        f"ts_rank(c.search_criteria, {query}, {RANK_NORMALISATION}) ELSE 0 END)))"
    )
    length = f"(1 - {BM25_B} + {BM25_B} * c.doc_length / {avg_len!r})"
    if BM25_K1 is None:
        return f"({idf!r} * {rank} / {length})"
    return f"({idf!r} * {rank} * {BM25_K1 + 1} / ({rank} + {BM25_K1} * {length}))"


def _phrases_of(concept: Concept) -> list[Phrase]:
    return [*concept.phrases, *(p for part in concept.parts for p in part.phrases)]


def _match_plan(
    found: list[Concept], df: dict[Phrase, int], leave_out: set[Phrase]
) -> tuple[str, list[Phrase]] | None:
    """The tsquery (text) matching any concept, and the phrases it uses.

    Mirrors :func:`osteotrials.store.search.fts5_match`: a concept's phrases are
    OR-ed, a multi-word concept also matches its words apart (AND), common
    phrases are left out; phrases found in no trial are dropped as well. The
    tsquery text is assembled by the caller from each phrase's own tsquery
    (placeholders ``{N}`` here, N = index into the returned phrases).
    """
    terms: dict[Phrase, int] = {}

    def keep(p: Phrase) -> bool:
        return p not in leave_out and df.get(p, 0) > 0

    def alternatives(phrases: tuple[Phrase, ...]) -> str:
        return "(" + " | ".join(f"{{{terms.setdefault(p, len(terms))}}}" for p in phrases) + ")"

    matchers: list[str] = []
    for concept in found:
        options: list[str] = []
        phrases = tuple(p for p in concept.phrases if keep(p))
        if phrases:
            options.append(alternatives(phrases))
        if concept.parts:
            groups = [tuple(p for p in part.phrases if keep(p)) for part in concept.parts]
            if all(groups):  # a part found nowhere makes the AND impossible
                options.append("(" + " & ".join(alternatives(g) for g in groups) + ")")
        if options:
            matchers.append("(" + " | ".join(options) + ")")
    if not matchers:
        return None
    return " | ".join(matchers), list(terms)


def _filters(
    status: StatusFilter, phase: str | None, study_type: str | None
) -> tuple[str, list[Any]]:
    if status not in STATUS_FILTERS:
        raise ValueError(
            f"unknown status filter {status!r}; use one of {', '.join(STATUS_FILTERS)}"
        )
    clauses: list[str] = []
    params: list[Any] = []
    statuses = STATUS_FILTERS.get(status)
    # Named placeholders %(f0)s, %(f1)s, ... in the order of the returned values.
    if statuses is not None:
        clauses.append(f"t.overall_status = ANY(%(f{len(params)})s)")
        params.append(sorted(statuses))
    if phase:
        clauses.append(f"t.phases ? %(f{len(params)})s")
        params.append(normalise_phase(phase))
    if study_type:
        clauses.append(f"t.study_type = %(f{len(params)})s")
        params.append(study_type.strip().upper())
    return "".join(f" AND {c}" for c in clauses), params


def _idf(total: float, df: int) -> float:
    """BM25 inverse document frequency (kept positive, as FTS5 clamps it)."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))
