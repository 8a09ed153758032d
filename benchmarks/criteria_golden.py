"""Golden dump of the eligibility engine's output on the bundled snapshot.

Compiles every snapshot criteria text with ``compile_criteria`` (and every trial
with ``compile_trial``, for the trial tags) and writes the JSON of the result,
one line per trial, to ``benchmarks/.work/criteria-golden.jsonl`` (gitignored).
A speed change must reproduce that file byte for byte:

    python benchmarks/criteria_golden.py --write   # before the change
    python benchmarks/criteria_golden.py           # after: compares, exit 1 on any difference

The comparison compiles each text twice in one process (the second time with
any memo caches warm), so a cache that changed results would be caught too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osteotrials.criteria import compile_criteria, compile_trial
from osteotrials.sources.ctgov_json import trial_from_study

SNAPSHOT = ROOT / "src" / "osteotrials" / "data" / "snapshot" / "breast-snapshot.jsonl"
WORK = ROOT / "benchmarks" / ".work"
GOLDEN = WORK / "criteria-golden.jsonl"


def _records() -> list[dict[str, Any]]:
    with SNAPSHOT.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def dump_lines() -> list[str]:
    """One JSON line per snapshot trial: its compiled items and trial tags."""
    lines: list[str] = []
    for record in _records():
        trial = trial_from_study(record)
        text = trial.eligibility.criteria
        items = [i.model_dump(mode="json") for i in compile_criteria(text)]
        tags = [t.model_dump(mode="json") for t in compile_trial(trial).tags]
        lines.append(
            json.dumps({"nct_id": trial.nct_id, "items": items, "tags": tags}, sort_keys=True)
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="write the golden dump")
    parser.add_argument("--golden", type=Path, default=GOLDEN)
    args = parser.parse_args()

    first = dump_lines()
    text = "\n".join(first) + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    if args.write:
        args.golden.parent.mkdir(parents=True, exist_ok=True)
        args.golden.write_text(text, encoding="utf-8")
        print(f"wrote {args.golden} ({len(first)} trials, sha256 {digest})")
        return 0
    second = dump_lines()  # warm caches must give the same output
    golden = args.golden.read_text(encoding="utf-8").splitlines()
    bad = [
        json.loads(g)["nct_id"]
        for g, a, b in zip(golden, first, second, strict=False)
        if not g == a == b
    ]
    if len(golden) != len(first) or bad:
        print(f"DIFFERENT: {len(bad)} trials differ (first: {bad[:10]}); sha256 {digest}")
        return 1
    print(f"identical: {len(first)} trials, sha256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
