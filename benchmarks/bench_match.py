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


def timings(fn, runs: int) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """(wall median, wall p95, CPU median, CPU p95) in ms; CPU = this process's time."""
    fn()  # warm-up (caches of the vocabularies, ZIP table)
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)

    def p95(xs: list[float]) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]

    return (
        statistics.median(wall) * 1000,
        p95(wall) * 1000,
        statistics.median(cpu) * 1000,
        p95(cpu) * 1000,
    )


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
        snap_t = timings(
            lambda p=patient, f=facts: rank_index(snap, p, as_of=AS_OF, facts=f), args.runs
        )
        big_t = timings(
            lambda p=patient, f=facts: rank_index(big, p, as_of=AS_OF, facts=f), args.runs
        )
        full_t = timings(
            lambda p=patient: match_patient(p, big, as_of=AS_OF, limit=20), max(5, args.runs // 2)
        )
        rows.append((path.stem, snap_t, big_t, full_t))
        print(path.stem, [f"{x:.0f}" for t in (snap_t, big_t, full_t) for x in t], flush=True)

    n_snap, n_big = len(snap), len(big)
    cpu_snap = statistics.median(r[1][2] for r in rows)
    cpu_big = statistics.median(r[2][2] for r in rows)
    wall_snap = statistics.median(r[1][0] for r in rows)
    wall_big = statistics.median(r[2][0] for r in rows)
    stats_s, stats_b = snap.stats(), big.stats()

    def cell(t: tuple[float, float, float, float]) -> str:
        return f"{t[2]:.0f} / {t[3]:.0f} | {t[0]:.0f} / {t[1]:.0f}"

    table = "\n".join(
        f"| {r[0]} | {cell(r[1])} | {cell(r[2])} | {r[3][2]:.0f} / {r[3][3]:.0f} |" for r in rows
    )

    def verdict(value: float, target: float) -> str:
        return "met" if value <= target else "**missed**"

    body = f"""
`python benchmarks/bench_match.py --runs {args.runs}` ({pinned}). The 1-minute load average
was {load:.1f} at the start on this {os.cpu_count()}-core machine: other sessions were
running, so wall-clock times include waiting for the CPU. CPU time (this process only) is
the better measure of the work; both are given. Milliseconds, median / p95 of {args.runs}
runs after one warm-up. "rank" = `rank_index`: every trial evaluated, verdicts for all,
ranked within each verdict (the work behind `osteotrials match`); the last column is the
full `match_patient(..., limit=20)` call, which also builds the explained results of the
20 best trials and the next best questions.

| patient | snapshot ({n_snap:,} trials) rank: CPU | wall | {n_big:,} trials rank: CPU | wall | {n_big:,}: `match_patient(limit=20)` CPU |
|---|---|---|---|---|---|
{table}

Targets: <= 50 ms median per 10,000 trials; <= 200 ms at 100,000 trials.

* {n_big:,} replicated trials: median CPU {cpu_big:.0f} ms (wall {wall_big:.0f} ms): the 100k
  target is {verdict(cpu_big, 200)} on CPU time and {verdict(wall_big, 200)} on wall-clock time
  on this loaded machine; per 10,000 trials {cpu_big * 10000 / n_big:.1f} ms.
* Snapshot, {n_snap:,} *distinct* trials: median CPU {cpu_snap:.0f} ms (wall {wall_snap:.0f} ms),
  i.e. {cpu_snap * 10000 / n_snap:.0f} ms per 10,000 distinct trials: the per-10k target is
  {verdict(cpu_snap * 10000 / n_snap, 50)} for distinct trials.

Honestly, why the two differ: the index evaluates each distinct constraint truth once per
patient ({stats_s["distinct_truths"]:,} for the snapshot), each distinct item once
({stats_s["items"]:,}), each distinct criteria set once and each distinct trial profile once
(criteria set, structured sex/age, status, phases, tags, sites); per trial only an append
remains. The replicated corpus has the snapshot's {stats_b["profiles"]:,} profiles for
{n_big:,} trials, so it costs the snapshot's work plus
~{max(0.0, cpu_big - cpu_snap) / max(1, n_big - n_snap) * 1e3:.2f} us per extra trial. A real
100,000-trial registry has far more distinct criteria; its cost is bounded by its distinct
constraints and items, which grow more slowly than the trial count because criteria repeat
("ECOG 0-1", "ANC >= 1.5 x 10^9/L") but would still be several times the snapshot's. Pure-Python
evaluation of ~{stats_s["items"]:,} distinct items is the floor of the snapshot figure; reaching
50 ms per 10,000 *distinct* trials would need the evaluation compiled to vector operations
(e.g. one boolean column per distinct truth) rather than per-item Python.

Index build (once per process): loading {n_snap:,} compiled trials from the store {load_s:.1f} s;
index over the snapshot {snap_build:.2f} s; over {n_big:,} replicated trials {big_build:.1f} s.
"""
    print(body)
    if not args.no_write:
        write_section("match", "Matching", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
