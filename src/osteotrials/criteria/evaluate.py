"""Scoring compiled items against hand annotations (see tests/criteria/fixtures/README.md).

No I/O: callers pass the annotation records and the compiled items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from osteotrials.model.criteria import Constraint, CriterionItem

_LIST_SUPERSET = {"agents", "agent"}  # parser must include every expected value
_LIST_SUBSET = {"analyte"}  # parser's values must be a non-empty subset


@dataclass
class ItemScore:
    nct_id: str
    text: str
    expected: list[dict[str, Any]]
    families: list[str]
    typed: bool
    correct: bool | None  # None when the parser left the item untyped
    complete: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class PrecisionReport:
    annotated: int
    trials: int
    found: int
    typed: int
    correct: int
    complete: int
    scores: list[ItemScore]

    @property
    def precision(self) -> float:
        return self.correct / self.typed if self.typed else 0.0

    @property
    def typed_share(self) -> float:
        return self.typed / self.found if self.found else 0.0

    def errors(self) -> list[ItemScore]:
        return [s for s in self.scores if s.correct is False]

    def error_families(self) -> Counter[str]:
        return Counter(p.split(":", 1)[0] for s in self.errors() for p in s.problems)


def _values(constraints: list[Constraint], key: str) -> set[Any]:
    out: set[Any] = set()
    for c in constraints:
        p = c.params
        if key == "agents":
            out |= set(p.get("drugs", [])) | set(p.get("classes", []))
        elif key in ("agent", "analyte", "status", "aspect", "site", "condition"):
            v = p.get(key)
            if isinstance(v, list):
                out |= set(v)
            elif v is not None:
                out.add(v)
        elif key == "value" and c.family == "performance_status":
            for k in ("value", "ecog_max", "karnofsky_min"):
                if p.get(k) is not None:
                    out.add(float(p[k]))
        elif key in ("max_lines", "min_lines"):
            lo, hi = p.get("min_lines"), p.get("max_lines")
            if c.polarity == "exclude":  # condition excluded -> eligibility bound
                lo, hi = (None if hi is None else hi + 1), (None if lo is None else lo - 1)
            v = hi if key == "max_lines" else lo
            if v is not None:
                out.add(float(v))
        elif key == "measure":
            v = p.get("measure")
            if v is not None:
                out.add(v)
        else:
            v = p.get(key)
            if isinstance(v, int | float):
                out.add(float(v))
            elif v is not None:
                out.add(v)
    return out


def score_item(item: CriterionItem | None, record: Mapping[str, Any]) -> ItemScore:
    expected: list[dict[str, Any]] = list(record["expected"])
    constraints = item.constraints if item is not None else []
    families = sorted({c.family for c in constraints})
    score = ItemScore(
        nct_id=record["nct_id"],
        text=record["text"],
        expected=expected,
        families=families,
        typed=bool(constraints),
        correct=None,
        complete=False,
    )
    if not constraints:
        return score
    exp_fams = {e["family"] for e in expected}
    problems = [
        f"{f}: not expected (expected {sorted(exp_fams) or 'nothing'})"
        for f in families
        if f not in exp_fams
    ]
    for e in expected:
        fam = e["family"]
        if fam not in families:
            continue
        mine = [c for c in constraints if c.family == fam]
        for key, want in e.items():
            if key == "family":
                continue
            have = _values(mine, key)
            if key in _LIST_SUPERSET:
                missing = set(want) - have
                if missing:
                    problems.append(
                        f"{fam}: {key} missing {sorted(missing)} (have {sorted(map(str, have))})"
                    )
            elif key in _LIST_SUBSET:
                if not have or not have <= set(want):
                    problems.append(f"{fam}: {key} {sorted(have)} not within {want}")
            else:
                w = float(want) if isinstance(want, int | float) else str(want).lower()
                have = {h.lower() if isinstance(h, str) else h for h in have}
                if w not in have:
                    problems.append(
                        f"{fam}: {key}={want!r} not found (have {sorted(map(str, have))})"
                    )
    score.problems = problems
    score.correct = not problems
    score.complete = score.correct and exp_fams <= set(families)
    return score


def find_item(items: list[CriterionItem], text: str) -> CriterionItem | None:
    """The compiled item for an annotated text: exact text, else the best containing item."""
    for item in items:
        if item.text == text:
            return item
    stripped = text.strip()
    candidates = [
        i
        for i in items
        if stripped in i.text
        or (i.text and i.text in stripped and len(i.text) > 0.6 * len(stripped))
    ]
    if candidates:
        return min(candidates, key=lambda i: abs(len(i.text) - len(stripped)))
    return None


def evaluate(
    records: Iterable[Mapping[str, Any]], compiled: Mapping[str, list[CriterionItem]]
) -> PrecisionReport:
    """Score annotation ``records`` against ``compiled`` items keyed by NCT id."""
    scores: list[ItemScore] = []
    found = 0
    recs = list(records)
    for rec in recs:
        item = find_item(compiled.get(rec["nct_id"], []), rec["text"])
        if item is not None:
            found += 1
        scores.append(score_item(item, rec))
    typed = [s for s in scores if s.typed]
    return PrecisionReport(
        annotated=len(recs),
        trials=len({r["nct_id"] for r in recs}),
        found=found,
        typed=len(typed),
        correct=sum(1 for s in typed if s.correct),
        complete=sum(1 for s in typed if s.complete),
        scores=scores,
    )
