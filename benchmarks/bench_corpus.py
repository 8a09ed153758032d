"""Corpus benchmark: ingest throughput and search latency.

Ingest: the bundled snapshot replicated to N records (copies get new NCT ids),
ingested into a new SQLite file in one run, next to the bare ``json.loads``
rate on the same file measured in the same run. Search: median and p95 latency
of realistic queries on the snapshot (~1,000 trials) and on the N-trial database,
ranked both ways in the same run: FTS5's ``bm25()`` and the same BM25 from
per-phrase postings (``store/impact.py``; the default from 5,000 trials on), cold
(nothing cached: the first query after a write), from postings stored in the file
(a new process), and warm (postings in memory: a long-running server).

Times are CPU seconds of this process (``time.process_time``: SQLite runs in it),
so other work on a shared machine slows the figures less than wall-clock time would.
``--stages`` adds the ingest's CPU per study by stage; ``--compare-with DIR`` measures
the ingest of another checkout (its ``src/``, e.g. the base commit) and of this one
alternately in new processes, in the same run, and prints the medians.

Usage: python benchmarks/bench_corpus.py [--records 100000] [--no-write] [--search-only]
       python benchmarks/bench_corpus.py --records 20000 --stages --compare-with /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Literal

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import write_section
from osteotrials.sources import read_trials
from osteotrials.store import SQLiteStore
from osteotrials.store.bundle import bundled_database, snapshot_jsonl
from osteotrials.store.sqlite import fts_fields

WORK = Path(__file__).resolve().parent / ".work"
QUERIES = [
    "bone metastases zoledronic acid every 12 weeks",
    "HER2 positive metastatic neratinib capecitabine",
    "HER2-low trastuzumab deruxtecan",
    "palbociclib letrozole first line",
    "bone-only disease measurable",
    "SBRT oligometastatic breast",
    "triple negative BRCA olaparib",
    "elacestrant ESR1 mutation",
    "denosumab",
    "brain metastases tucatinib",
    "capivasertib fulvestrant PIK3CA AKT1 PTEN",
    "FDG PET response bone dominant",
    "pain radiotherapy bone metastases single fraction",
    "premenopausal ovarian suppression ribociclib",
    "sacituzumab govitecan",
    "exercise quality of life",
    "everolimus exemestane",
    "abemaciclib",
    "nanoparticle bone targeted",
    "elderly metastatic breast cancer chemotherapy",
]


def replicate(records: int) -> Path:
    """The snapshot repeated to ``records`` lines, each copy with a new NCT id."""
    out = WORK / f"replicated-{records}.jsonl"
    if out.exists():
        return out
    WORK.mkdir(parents=True, exist_ok=True)
    lines = snapshot_jsonl().read_text(encoding="utf-8").splitlines()
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for i in range(records):
            line = lines[i % len(lines)]
            record = json.loads(line)
            record["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{i:07d}"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


def bare_parse_rate(path: Path, repeats: int = 3) -> tuple[float, list[float]]:
    """Records/s (CPU) of reading the file's lines and ``json.loads`` of each."""
    rates = []
    for _ in range(repeats):
        start = time.process_time()
        count = 0
        with path.open("rb") as handle:
            for line in handle:
                json.loads(line)
                count += 1
        rates.append(count / (time.process_time() - start))
    return statistics.median(rates), rates


def _new_db(name: str) -> Path:
    db = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def ingest_rate(
    path: Path, records: int, *, compile_criteria: bool, db: Path | None = None
) -> tuple[float, Path]:
    """Studies/s (CPU) for reading, mapping and upserting (with FTS5) a JSONL file."""
    db = db or _new_db(f"ingest-{records}{'-compiled' if compile_criteria else ''}.sqlite")
    store = SQLiteStore(db)
    start = time.process_time()
    with store.atomic():
        summary = store.upsert_trials(
            read_trials([path]), batch_size=1000, compile_criteria=compile_criteria
        )
    elapsed = time.process_time() - start
    store.close()
    assert summary.new == records, summary
    return records / elapsed, db


def ingest_stages(path: Path, records: int) -> dict[str, float]:
    """CPU microseconds per study of each stage of the ingest, measured apart.

    parse: the lines' ``orjson.loads`` (what the JSONL reader does); map: the rest
    of the reader (``trial_from_study``: checks and the pydantic models); store:
    ``upsert_trials`` of the trials already read (row building, the ``trials`` rows,
    FTS5, commit), of which fts5: the same texts inserted alone into a new store's
    ``trials_fts`` in 1,000-row savepoints, one transaction, as the ingest does.
    """
    cpu = time.process_time
    lines = path.read_bytes().splitlines()
    start = cpu()
    for line in lines:
        orjson.loads(line)
    parse = cpu() - start
    del lines
    start = cpu()
    trials = list(read_trials([path]))
    read = cpu() - start
    store = SQLiteStore(_new_db(f"stages-{os.getpid()}.sqlite"))
    start = cpu()
    with store.atomic():
        store.upsert_trials(trials, batch_size=1000, compile_criteria=False)
    write = cpu() - start
    store.close()
    rows = [(i + 1, t.nct_id, *fts_fields(t)) for i, t in enumerate(trials)]
    del trials
    db = _new_db(f"stages-{os.getpid()}.sqlite")
    store = SQLiteStore(db)
    start = cpu()
    with store.atomic():
        for first in range(0, len(rows), 1000):
            with store.atomic():
                store.conn.executemany(
                    "INSERT INTO trials_fts (rowid, nct_id, title, conditions, keywords, "
                    "interventions, summary, criteria) VALUES (?,?,?,?,?,?,?,?)",
                    rows[first : first + 1000],
                )
    fts = cpu() - start
    store.close()
    _new_db(db.name)
    per = 1e6 / records
    return {
        "parse": parse * per,
        "map": (read - parse) * per,
        "store": write * per,
        "fts5": fts * per,
        "store_other": (write - fts) * per,
    }


def probe(records: int, stages: bool) -> dict[str, object]:
    """One process's measurements of the ingest (for ``--compare-with``)."""
    path = replicate(records)
    parse_rate, _ = bare_parse_rate(path, repeats=1)
    db = _new_db(f"probe-{os.getpid()}.sqlite")
    rate, _ = ingest_rate(path, records, compile_criteria=False, db=db)
    _new_db(db.name)
    out: dict[str, object] = {"parse_rate": parse_rate, "ingest_rate": rate}
    if stages:
        out["stages"] = ingest_stages(path, records)
    return out


def compare(base: Path, records: int, rounds: int, stages: bool) -> str:
    """The ingest of ``base``'s code and of this checkout's, alternately, in one run."""
    replicate(records)
    trees = {"base": base.resolve() / "src", "new": Path(__file__).resolve().parent.parent / "src"}
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
    for _ in range(rounds):
        for name, src in trees.items():
            command = [sys.executable, __file__, "--probe", "--records", str(records)]
            env = {**os.environ, "PYTHONPATH": str(src)}
            done = subprocess.run(
                command + (["--stages"] if stages else []),
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    lines = [
        f"Ingest of {records:,} records, CPU time, median of {rounds} runs per tree "
        "(alternating, one process each):",
        "| tree | json.loads records/s | ingest studies/s | ingest / json.loads |"
        + (" parse | map | store (of which FTS5, other) us/study |" if stages else ""),
        "|---|---|---|---|" + ("---|" if stages else ""),
    ]
    for name, results in runs.items():
        parse = statistics.median(float(str(r["parse_rate"])) for r in results)
        rate = statistics.median(float(str(r["ingest_rate"])) for r in results)
        row = f"| {name} | {parse:,.0f} | {rate:,.0f} | {parse / rate:.1f}x |"
        if stages:
            per = {
                key: statistics.median(float(r["stages"][key]) for r in results)  # type: ignore[index]
                for key in ("parse", "map", "store", "fts5", "store_other")
            }
            row += (
                f" {per['parse']:.0f} | {per['map']:.0f} | {per['store']:.0f} "
                f"({per['fts5']:.0f}, {per['store_other']:.0f}) |"
            )
        lines.append(row)
    return "\n".join(lines)


Method = Literal["auto", "fts5", "postings"]


def _summary(timings: list[float]) -> tuple[float, float, float]:
    """Median, p95 and maximum of a list of milliseconds."""
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]


def _timed(store: SQLiteStore, method: Method, repeats: int) -> list[float]:
    timings = []
    for _ in range(repeats):
        for query in QUERIES:
            start = time.perf_counter()
            store.search(query, limit=20, method=method)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def search_latency(
    db: Path, repeats: int, method: Method = "auto"
) -> tuple[float, float, float, int]:
    """Warm latency: every query run once first (page cache, synonyms, postings)."""
    store = SQLiteStore(db, read_only=True)
    _timed(store, method, 1)
    timings = _timed(store, method, repeats)
    trials = store.count()
    store.close()
    return (*_summary(timings), trials)


def postings_cold_latency(
    db: Path,
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Postings ranking with nothing cached (each query's first run after a write),
    then in a new connection ranking from the postings those runs stored in the file."""
    store = SQLiteStore(db)
    store.conn.execute("DELETE FROM search_postings")  # as after a write batch
    cold = _timed(store, "postings", 1)
    store.close()
    store = SQLiteStore(db)
    stored = _timed(store, "postings", 1)
    store.close()
    return _summary(cold), _summary(stored)


def _ms(figures: tuple[float, ...]) -> str:
    text = f"median {figures[0]:.1f} ms, p95 {figures[1]:.1f} ms"
    return text + (f", max {figures[2]:.0f} ms" if len(figures) > 2 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--stages", action="store_true", help="CPU per study by stage")
    parser.add_argument(
        "--compare-with",
        type=Path,
        metavar="DIR",
        help="a checkout (e.g. of the base commit) whose ingest is measured against this "
        "one, alternately, in the same run (print only)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="with --compare-with")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="reuse the N-trial database of an earlier run; measure search only (print only)",
    )
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.records, args.stages)))
        return
    if args.compare_with:
        print(compare(args.compare_with, args.records, args.rounds, args.stages))
        return

    path = replicate(args.records)
    db = WORK / f"ingest-{args.records}.sqlite"
    load_start = os.getloadavg()[0]
    if not args.search_only or not db.exists():
        parse_median, parse_runs = bare_parse_rate(path)
        rate, db = ingest_rate(path, args.records, compile_criteria=False)
        compiled_records = min(args.records, 2_000)
        compiled_rate, _ = ingest_rate(
            replicate(compiled_records), compiled_records, compile_criteria=True
        )
    snap = search_latency(bundled_database(), repeats=10)
    big_fts5 = search_latency(db, repeats=5, method="fts5")
    big = search_latency(db, repeats=5, method="auto")
    cold, stored = postings_cold_latency(db)
    load = os.getloadavg()[0]
    n = f"{big[3]:,}"
    search_rows = f"""| search latency, {snap[3]:,} trials (bundled snapshot, FTS5 ranks), {len(QUERIES)} queries x 10 | {_ms(snap[:2])} | |
| search latency, {n} trials, FTS5 `bm25()` ranking (the ranking before postings), {len(QUERIES)} queries x 5 | {_ms(big_fts5[:3])} | |
| search latency, {n} trials, postings in memory (default), {len(QUERIES)} queries x 5 | {_ms(big[:3])} | <= 20 ms median |
| search latency, {n} trials, postings read from the file (new process), {len(QUERIES)} queries | {_ms(stored)} | |
| search latency, {n} trials, first query after a write (postings computed), {len(QUERIES)} queries | {_ms(cold)} | |"""
    if args.search_only:
        print(search_rows)
        print(f"Load average: {load_start:.1f} at the start, {load:.1f} at the end")
        return
    ratio = parse_median / rate
    stage_line = ""
    fts_cost = "FTS5 inserts alone cost several times a bare `json.loads` (`--stages`)"
    if args.stages:
        per = ingest_stages(path, args.records)
        stage_line = (
            "\nIngest CPU per study by stage (measured apart): "
            + ", ".join(f"{key} {value:.0f} us" for key, value in per.items())
            + ".\n"
        )
        bare_us = 1e6 / parse_median
        fts_cost = (
            f"measured alone, FTS5 inserts cost {per['fts5']:.0f} microseconds of CPU per "
            f"study in this run, {per['fts5'] / bare_us:.1f} times a bare `json.loads` of "
            f"the record ({bare_us:.0f} us)"
        )
    body = f"""
Script: `python benchmarks/bench_corpus.py --records {args.records}`.

| measure | result | target |
|---|---|---|
| bare `json.loads` on the replicated file ({args.records:,} records) | {parse_median:,.0f} records/s (median of {len(parse_runs)}) | baseline |
| ingest into a new SQLite file (read, map, upsert, FTS5 index, one transaction) | {rate:,.0f} studies/s | >= 2,000 studies/s |
| ingest time / bare parse time | {ratio:.1f}x | within 3x |
| ingest with eligibility criteria compiled at ingest ({compiled_records:,} records) | {compiled_rate:,.0f} studies/s | |
{search_rows}

Load average: {load_start:.1f} at the start of the run, {load:.1f} at the end, on
{os.cpu_count()} cores (other work on the machine slows every figure).
{stage_line}
Ingest is bounded by FTS5 tokenising (porter + unicode61) about 3 kB of text per
study, mapping the record to the pydantic model and writing the model JSON and the raw
record: {fts_cost}, so an FTS5-indexed ingest cannot come within 3x of it
({parse_median:,.0f} records/s here).
Compiling the eligibility criteria at ingest costs far more than storing them: it runs
at the speed of the eligibility engine (see its section).

Search: FTS5 computes BM25 for every row a query matches before it can return the top
20, so broad queries ("elderly metastatic breast cancer chemotherapy") that match most
of a 100,000-trial corpus take hundreds of milliseconds that way. From 5,000 trials on,
the store computes the same BM25 (FTS5's formula and statistics, same scores and order:
`tests/store/test_search_fast.py`) from per-phrase postings with numpy. Postings are
read from the FTS5 index on a phrase's first use after a write (the "first query after
a write" row), kept in memory and stored in the file for the next process.
"""
    print(body)
    if not args.no_write:
        write_section("corpus", "Corpus: ingest and search (SQLite)", body)


if __name__ == "__main__":
    main()
