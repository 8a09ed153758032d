"""Corpus benchmark: ingest throughput and search latency.

Ingest: the bundled snapshot replicated to N records (copies get new NCT ids),
ingested into a new SQLite file in one run, next to the bare ``json.loads``
rate on the same file measured in the same run. Search: median and p95 latency
of realistic queries on the snapshot (~1,000 trials) and on the N-trial database.

Usage: python benchmarks/bench_corpus.py [--records 100000] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import write_section
from osteotrials.sources import read_trials
from osteotrials.store import SQLiteStore
from osteotrials.store.bundle import bundled_database, snapshot_jsonl

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
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        count = 0
        with path.open("rb") as handle:
            for line in handle:
                json.loads(line)
                count += 1
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates), rates


def ingest_rate(path: Path, records: int, *, compile_criteria: bool) -> tuple[float, Path]:
    """Studies/s for reading, mapping and upserting (with FTS5) a JSONL file."""
    db = WORK / f"ingest-{records}{'-compiled' if compile_criteria else ''}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(db)
    start = time.perf_counter()
    with store.atomic():
        summary = store.upsert_trials(
            read_trials([path]), batch_size=1000, compile_criteria=compile_criteria
        )
    elapsed = time.perf_counter() - start
    store.close()
    assert summary.new == records, summary
    return records / elapsed, db


def search_latency(db: Path, repeats: int) -> tuple[float, float, int]:
    store = SQLiteStore(db, read_only=True)
    for query in QUERIES:  # warm the page cache and the synonym tables
        store.search(query, limit=20)
    timings = []
    for _ in range(repeats):
        for query in QUERIES:
            start = time.perf_counter()
            store.search(query, limit=20)
            timings.append((time.perf_counter() - start) * 1000)
    trials = store.count()
    store.close()
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    return statistics.median(timings), p95, trials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    path = replicate(args.records)
    parse_median, parse_runs = bare_parse_rate(path)
    rate, db = ingest_rate(path, args.records, compile_criteria=False)
    compiled_records = min(args.records, 2_000)
    compiled_rate, _ = ingest_rate(
        replicate(compiled_records), compiled_records, compile_criteria=True
    )
    snap_median, snap_p95, snap_n = search_latency(bundled_database(), repeats=10)
    big_median, big_p95, big_n = search_latency(db, repeats=5)
    ratio = parse_median / rate
    load = os.getloadavg()[0]
    body = f"""
Script: `python benchmarks/bench_corpus.py --records {args.records}`.

| measure | result | target |
|---|---|---|
| bare `json.loads` on the replicated file ({args.records:,} records) | {parse_median:,.0f} records/s (median of {len(parse_runs)}) | baseline |
| ingest into a new SQLite file (read, map, upsert, FTS5 index, one transaction) | {rate:,.0f} studies/s | >= 2,000 studies/s |
| ingest time / bare parse time | {ratio:.1f}x | within 3x |
| ingest with eligibility criteria compiled at ingest ({compiled_records:,} records) | {compiled_rate:,.0f} studies/s | |
| search latency, {snap_n:,} trials (bundled snapshot), {len(QUERIES)} queries x 10 | median {snap_median:.1f} ms, p95 {snap_p95:.1f} ms | |
| search latency, {big_n:,} trials, {len(QUERIES)} queries x 5 | median {big_median:.1f} ms, p95 {big_p95:.1f} ms | <= 20 ms median |

Load average at the end of the run: {load:.1f} on {os.cpu_count()} cores (other work on
the machine slows every figure).

Ingest is bounded by FTS5 tokenising (porter + unicode61) about 3 kB of text per
study and writing the model JSON and the raw record: measured alone, FTS5 inserts
run at about 4,000-6,500 studies/s on this machine, so an inline-indexed ingest
cannot come within 3x of a bare `json.loads` ({parse_median:,.0f} records/s here).
Compiling the eligibility criteria at ingest costs far more than storing them: it runs
at the speed of the eligibility engine (see its section).

Search: FTS5 computes BM25 for every row a query matches before it can return the top
20, so broad queries ("elderly metastatic breast cancer chemotherapy") that match most
of a 100,000-trial corpus take hundreds of milliseconds; queries with a rare drug or
gene name take about a millisecond. Leaving out phrases found in half of all trials
(which cannot change a BM25 score) is the one pruning applied.
"""
    print(body)
    if not args.no_write:
        write_section("corpus", "Corpus: ingest and search (SQLite)", body)


if __name__ == "__main__":
    main()
