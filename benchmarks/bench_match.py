"""Matching benchmark: latency of matching one patient against the snapshot and against
>= 100,000 trials (the snapshot replicated with new NCT ids), on one core.

What is timed: ``rank_index`` (every trial evaluated, verdicts decided, ranked within
each verdict), the work behind ``osteotrials match``; separately the full
``match_patient(..., limit=20)`` call, which also builds the explained results of the
20 best trials and the next best questions. The prepared ``MatchIndex`` is built once
(its build time is reported) and reused, as a server or a CLI session would.

Usage: python benchmarks/bench_match.py [--copies 80] [--runs 15] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import write_section
from osteotrials.match import MatchIndex, match_patient, rank_index
from osteotrials.model.criteria import CompiledTrial
from osteotrials.model.trial import Trial
from osteotrials.patient import derive, load_patient
from osteotrials.store import open_store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "patients"
AS_OF = date(2026, 1, 5)


def pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def replicate(
    pairs: list[tuple[Trial, CompiledTrial]], copies: int
) -> list[tuple[Trial, CompiledTrial]]:
    out = list(pairs)
    for k in range(1, copies):
        for trial, compiled in pairs:
            nct = f"NCT9{k:03d}{trial.nct_id[-4:]}"
            out.append(
                (
                    trial.model_copy(update={"nct_id": nct}),
                    compiled.model_copy(update={"nct_id": nct}),
                )
            )
    return out


def timings(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up (caches of the vocabularies, ZIP table)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples) * 1000, p95 * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--copies", type=int, default=80, help="replicas of the snapshot (>= 80 for 100k)"
    )
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    pinned = pin_one_core()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    store = open_store(None)
    t0 = time.perf_counter()
    pairs = list(store.iter_compiled_trials())
    load_s = time.perf_counter() - t0
    store.close()
    t0 = time.perf_counter()
    snap = MatchIndex.from_pairs(pairs)
    snap_build = time.perf_counter() - t0
    big_pairs = replicate(pairs, args.copies)
    t0 = time.perf_counter()
    big = MatchIndex.from_pairs(big_pairs)
    big_build = time.perf_counter() - t0

    rows = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        patient = load_patient(path, as_of=AS_OF).patient
        facts = derive(patient, as_of=AS_OF)
        row = [path.stem]
        for index in (snap, big):
            med, p95 = timings(
                lambda i=index, p=patient, f=facts: rank_index(i, p, as_of=AS_OF, facts=f),
                args.runs,
            )
            row += [med, p95]
        med, p95 = timings(
            lambda p=patient: match_patient(p, snap, as_of=AS_OF, limit=20), max(5, args.runs // 3)
        )
        row += [med, p95]
        med, p95 = timings(
            lambda p=patient: match_patient(p, big, as_of=AS_OF, limit=20), max(5, args.runs // 3)
        )
        row += [med, p95]
        rows.append(row)
        print(f"{path.stem}: " + ", ".join(f"{x:.0f}" for x in row[1:]), flush=True)

    n_snap, n_big = len(snap), len(big)
    snap_med = statistics.median(r[1] for r in rows)
    big_med = statistics.median(r[3] for r in rows)
    per10k_snap = snap_med * 10000 / n_snap
    per10k_big = big_med * 10000 / n_big
    stats_s, stats_b = snap.stats(), big.stats()
    table = "\n".join(
        f"| {r[0]} | {r[1]:.0f} / {r[2]:.0f} | {r[3]:.0f} / {r[4]:.0f} | {r[5]:.0f} / {r[6]:.0f} | {r[7]:.0f} / {r[8]:.0f} |"
        for r in rows
    )
    met_snap = "met" if per10k_snap <= 50 else "**missed**"
    met_10k = "met" if per10k_big <= 50 else "**missed**"
    met_100k = "met" if big_med <= 200 else "**missed**"
    body = f"""
`python benchmarks/bench_match.py` ({pinned}; 1-minute load average at the start {load:.1f}:
other work was running on this machine, so wall-clock figures are upper bounds).
One patient against every trial: verdicts for all, ranked within each verdict.
Milliseconds, median / p95 of {args.runs} runs (5+ for the full call), after one warm-up run.

| patient | snapshot, {n_snap:,} trials: rank | {n_big:,} trials: rank | snapshot: `match_patient(limit=20)` | {n_big:,}: `match_patient(limit=20)` |
|---|---|---|---|---|
{table}

Targets: <= 50 ms median per 10,000 trials; <= 200 ms at 100,000.

* {n_big:,} trials: median {big_med:.0f} ms, i.e. {per10k_big:.1f} ms per 10,000 trials: 100k target {met_100k}, per-10k target {met_10k}.
* Snapshot ({n_snap:,} distinct trials): median {snap_med:.0f} ms, i.e. {per10k_snap:.0f} ms per 10,000 trials: per-10k target {met_snap} for *distinct* trials.

Why the two differ, honestly: the index evaluates each distinct constraint once per
patient, each distinct item once, each distinct criteria set once, and each distinct trial
profile (criteria set, structured sex/age, status, phase, tags, sites) once; per trial only
the bucket append and the sort remain. The replicated corpus has the snapshot's
{stats_b["profiles"]:,} profiles for {n_big:,} trials, so its cost is the snapshot's plus
~{(big_med - snap_med) / max(1, n_big - n_snap) * 1e3:.2f} us per extra trial. A real 100,000-trial
registry would have far more distinct criteria sets; its cost would be bounded by the number
of distinct constraints and items (snapshot: {stats_s["constraints"]:,} constraints and
{stats_s["items"]:,} items for {n_snap:,} trials), which grow more slowly than the trial count
because eligibility criteria repeat ("ECOG 0-1", "ANC >= 1.5 x 10^9/L").
Pure-Python evaluation of ~{stats_s["constraints"]:,} distinct constraints costs most of the
snapshot figure; the per-10k target for distinct trials is not reached in Python.

Index build (once per process): loading {n_snap:,} compiled trials from the store {load_s:.1f} s;
index over the snapshot {snap_build:.2f} s; over {n_big:,} replicated trials {big_build:.1f} s.
"""
    print(body)
    if not args.no_write:
        write_section("match", "Matching", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
