"""Agreement between two blind annotations of the same criterion items.

    python benchmarks/annotation_agreement.py FIRST.jsonl SECOND.jsonl [--disagreements OUT.jsonl]

Prints how often the two annotators wrote identical constraints, the same families, and
each one's "precision" when scored against the other with the parser's own scoring rules
(``osteotrials.criteria.evaluate``), plus Cohen's kappa per family. ``--disagreements``
writes the items where they differ (both annotations side by side, no parser output) for
a third reader to settle. Paths are relative to the current directory; a bare file name
is looked up in tests/criteria/fixtures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from osteotrials.criteria.evaluate import AgreementReport, agreement

FIXTURES = ROOT / "tests" / "criteria" / "fixtures"


def _read(name: str) -> list[dict[str, Any]]:
    path = Path(name)
    if not path.exists() and not path.is_absolute():
        path = FIXTURES / name
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
    return rows


def summary(rep: AgreementReport, first: str, second: str) -> str:
    c21, t21 = rep.second_vs_first()
    c12, t12 = rep.first_vs_second()
    lines = [
        f"items: {len(rep.items)} from {len({i.nct_id for i in rep.items})} trials",
        f"identical constraints: {rep.identical_share:.1%}",
        f"same families: {rep.same_families_share:.1%}",
        f"{second} scored against {first}: {c21}/{t21} = {c21 / t21:.1%}" if t21 else "",
        f"{first} scored against {second}: {c12}/{t12} = {c12 / t12:.1%}" if t12 else "",
        "kappa per family (>= 10 items): "
        + ", ".join(f"{f} {k:.2f}" for f, k in rep.family_kappa().items()),
    ]
    return "\n".join(x for x in lines if x)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("first")
    ap.add_argument("second")
    ap.add_argument("--disagreements", metavar="OUT", help="write differing items as JSON lines")
    args = ap.parse_args()
    try:
        rep = agreement(_read(args.first), _read(args.second))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(rep, Path(args.first).name, Path(args.second).name))
    if args.disagreements:
        with open(args.disagreements, "w", encoding="utf-8") as fh:
            for item in rep.disagreements():
                row = {"nct_id": item.nct_id, "text": item.text, "first": item.first}
                row["second"] = item.second
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{len(rep.disagreements())} disagreements written to {args.disagreements}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
