"""Verdict diff: how a change moves the six example patients' verdicts over the snapshot.

    python benchmarks/verdict_diff.py --ref REV [--show not_met] [--all-fail]

Runs ``osteotrials match PATIENT --status all --json`` for every file in
``examples/patients/`` with this tree and with git revision REV (checked out in a
temporary worktree), then prints, per patient, the trials whose verdict moved and the
criteria whose status moved. ``--show not_met`` lists every criterion that *became* "not
met" (each should be read: a new hard failure must be right). ``--all-fail`` lists the
criteria that fail all example patients with this tree: a reading that fails everyone is
often a misread ("Inflammatory breast cancer" read as excluding breast cancer).

The trials of the held-out and newest development annotation sets are left out, as in the
snapshot sweeps of docs/criteria.md: their criteria must not be read while they are blind.
Each side builds the snapshot database in a cache directory of its own (two revisions
may share a ``PARSER_VERSION``), so a run takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PATIENTS = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
FIXTURES = ROOT / "tests" / "criteria" / "fixtures"
#: annotation sets whose trials stay unread (blind held-out sets, newest development sets)
HIDDEN_SETS = (
    "annotations_heldout6_adjudicated.jsonl",
    "annotations_heldout7_adjudicated.jsonl",
    "annotations_dev5.jsonl",
    "annotations_dev6.jsonl",
)

Verdicts = dict[str, dict[str, Any]]


def hidden_trials() -> set[str]:
    out: set[str] = set()
    for name in HIDDEN_SETS:
        with (FIXTURES / name).open(encoding="utf-8") as fh:
            out.update(json.loads(line)["nct_id"] for line in fh if line.strip())
    return out


def run_match(src: Path, patient: Path, cache: Path) -> Verdicts:
    """Every trial's verdict for one patient, computed by the package under ``src`` (with
    its own cache directory: two revisions may share a parser version)."""
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "osteotrials", "match", str(patient)]
    done = subprocess.run(
        [*command, "--status", "all", "--json", "--limit", "100000"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return {t["nct_id"]: t for t in json.loads(done.stdout)}


def all_verdicts(src: Path) -> dict[str, Verdicts]:
    with tempfile.TemporaryDirectory() as cache:
        return {p.stem: run_match(src, p, Path(cache)) for p in PATIENTS}


def _key(criterion: dict[str, Any]) -> tuple[object, ...]:
    return (criterion.get("source"), criterion.get("index"), criterion["text"])


def compare(
    before: dict[str, Verdicts], after: dict[str, Verdicts], hidden: set[str], show: str | None
) -> None:
    for name in before:
        moves: Counter[str] = Counter()
        criteria: Counter[str] = Counter()
        shown: list[str] = []
        moved: list[str] = []
        for nct, old in before[name].items():
            if nct in hidden or nct not in after[name]:
                continue
            new = after[name][nct]
            if old["verdict"] != new["verdict"]:
                moves[f"{old['verdict']} -> {new['verdict']}"] += 1
                moved.append(f"  {nct}: {old['verdict']} -> {new['verdict']}")
            # paired by item index and text, not by position: a criterion that leaves the
            # list (a "Not specified" line since 0.17.0) would shift every later one
            new_by_key = {_key(y): y for y in new["criteria"]}
            for x in old["criteria"]:
                y = new_by_key.get(_key(x))
                if y is None:
                    continue
                if x["status"] != y["status"]:
                    criteria[f"{x['status']} -> {y['status']}"] += 1
                    if show is not None and y["status"] == show:
                        shown.append(f"    {nct} ({x['status']}): {y['text'][:140]}")
        print(f"{name}: trials {dict(moves)}; criteria {dict(criteria)}")
        print("\n".join(moved + shown))


def all_fail(after: dict[str, Verdicts], hidden: set[str]) -> None:
    runs = list(after.values())
    by_family: Counter[tuple[str, ...]] = Counter()
    rows: list[str] = []
    for nct in runs[0]:
        if nct in hidden or any(nct not in r for r in runs):
            continue
        lists = [r[nct]["criteria"] for r in runs]
        for i, c in enumerate(lists[0]):
            if all(len(cr) > i and cr[i]["status"] == "not_met" for cr in lists):
                fams = tuple(
                    sorted({x["family"] for x in c["constraints"] if x["status"] == "not_met"})
                )
                by_family[fams] += 1
                rows.append(f"  {'+'.join(fams)} {nct} [{c['kind']}] {c['text'][:130]}")
    print(f"criteria failing all {len(runs)} patients: {sum(by_family.values())}")
    print("by family:", by_family.most_common())
    print("\n".join(sorted(rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="git revision to compare against")
    parser.add_argument(
        "--show",
        choices=("not_met", "unknown", "met"),
        help="list the criteria that became this status",
    )
    parser.add_argument(
        "--all-fail", action="store_true", help="list criteria that fail every example patient"
    )
    args = parser.parse_args()
    if not args.ref and not args.all_fail:
        parser.error("give --ref REV, --all-fail or both")
    hidden = hidden_trials()
    after = all_verdicts(ROOT / "src")
    if args.ref:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "ref"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.ref],
                check=True,
                capture_output=True,
            )
            try:
                before = all_verdicts(tree / "src")
            finally:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=False,
                    capture_output=True,
                )
        compare(before, after, hidden, args.show)
    if args.all_fail:
        all_fail(after, hidden)


if __name__ == "__main__":
    main()
