"""Scoring compiled items against hand annotations (see tests/criteria/fixtures/README.md).

No I/O: callers pass the annotation records and the compiled items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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
            # every agent the text names, exceptions included (the annotation convention)
            for name in ("drugs", "classes", "except_drugs", "except_classes"):
                out |= set(p.get(name, []))
        elif key in ("agent", "analyte", "status", "aspect", "site", "condition"):
            v = p.get(key)
            if isinstance(v, list):
                out |= set(v)
            elif v is not None:
                out.add(v)
        elif key == "value" and c.family == "performance_status":
            allowed = p.get("allowed")
            if c.polarity == "exclude" and allowed and max(allowed) >= 4 and min(allowed) > 0:
                # "ECOG > 2" excluded -> the highest grade eligible is 2, the annotation's
                # value (as for excluded line counts above)
                out.add(float(min(allowed) - 1))
                continue
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


def _problems(
    expected: Sequence[Mapping[str, Any]],
    families: set[str],
    values_of: Callable[[str, str], set[Any]],
) -> list[str]:
    """Why an output with ``families`` (and ``values_of(family, key)``) is not correct
    against the ``expected`` constraints: the scoring rules, shared by the parser's score
    and the agreement between two annotators."""
    exp_fams = {e["family"] for e in expected}
    problems = [
        f"{f}: not expected (expected {sorted(exp_fams) or 'nothing'})"
        for f in sorted(families)
        if f not in exp_fams
    ]
    for e in expected:
        fam = e["family"]
        if fam not in families:
            continue
        for key, want in e.items():
            if key == "family":
                continue
            have = values_of(fam, key)
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
    return problems


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
    problems = _problems(
        expected,
        set(families),
        lambda fam, key: _values([c for c in constraints if c.family == fam], key),
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


# --- agreement between two annotators -------------------------------------------------------
#
# A parser's precision against one annotator means little without knowing how often two
# careful people, following the same written conventions, agree on the same items. The
# second annotator is scored here exactly as the parser is (``score_item``'s rules), so the
# two figures can be set side by side.


def _annotated_values(constraints: list[Mapping[str, Any]], key: str) -> set[Any]:
    out: set[Any] = set()
    for c in constraints:
        v = c.get(key)
        if isinstance(v, list):
            out |= {x.lower() if isinstance(x, str) else x for x in v}
        elif isinstance(v, int | float):
            out.add(float(v))
        elif v is not None:
            out.add(str(v).lower())
    return out


def _annotation_problems(
    mine: list[Mapping[str, Any]], reference: list[Mapping[str, Any]]
) -> list[str]:
    """Why ``mine`` (one annotator's constraints for an item) would not count as correct
    against ``reference`` under the parser's scoring rules (``score_item``)."""
    return _problems(
        reference,
        {c["family"] for c in mine},
        lambda fam, key: _annotated_values([c for c in mine if c["family"] == fam], key),
    )


def _canonical(constraints: list[Mapping[str, Any]]) -> list[str]:
    """Order-free form of one item's constraints, for exact comparison."""

    def norm(v: Any) -> Any:
        if isinstance(v, list):
            return sorted(str(x).lower() for x in v)
        if isinstance(v, int | float):
            return float(v)
        return str(v).lower()

    return sorted(repr(sorted((k, norm(v)) for k, v in c.items())) for c in constraints)


@dataclass
class ItemAgreement:
    nct_id: str
    text: str
    first: list[dict[str, Any]]
    second: list[dict[str, Any]]
    identical: bool  # same constraints, same parameters
    same_families: bool
    second_correct: bool | None  # the second scored against the first; None if it typed nothing
    first_correct: bool | None  # the first scored against the second


@dataclass
class AgreementReport:
    items: list[ItemAgreement]

    @property
    def identical_share(self) -> float:
        return sum(i.identical for i in self.items) / len(self.items) if self.items else 0.0

    @property
    def same_families_share(self) -> float:
        return sum(i.same_families for i in self.items) / len(self.items) if self.items else 0.0

    @staticmethod
    def _precision(flags: list[bool | None]) -> tuple[int, int]:
        typed = [f for f in flags if f is not None]
        return sum(typed), len(typed)

    def second_vs_first(self) -> tuple[int, int]:
        """(correct, typed): the second annotator scored as a parser against the first."""
        return self._precision([i.second_correct for i in self.items])

    def first_vs_second(self) -> tuple[int, int]:
        return self._precision([i.first_correct for i in self.items])

    def family_kappa(self, min_items: int = 10) -> dict[str, float]:
        """Cohen's kappa of "the item has this family", per family present in at least
        ``min_items`` items of either annotator."""
        n = len(self.items)
        fams = Counter(
            f
            for i in self.items
            for f in {c["family"] for c in i.first} | {c["family"] for c in i.second}
        )
        out: dict[str, float] = {}
        for fam, count in sorted(fams.items()):
            if count < min_items or not n:
                continue
            a = [any(c["family"] == fam for c in i.first) for i in self.items]
            b = [any(c["family"] == fam for c in i.second) for i in self.items]
            observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
            pa, pb = sum(a) / n, sum(b) / n
            chance = pa * pb + (1 - pa) * (1 - pb)
            out[fam] = 1.0 if chance == 1 else (observed - chance) / (1 - chance)
        return out

    def disagreements(self) -> list[ItemAgreement]:
        return [i for i in self.items if not i.identical]


def agreement(
    first: Iterable[Mapping[str, Any]], second: Iterable[Mapping[str, Any]]
) -> AgreementReport:
    """Compare two annotations of the same items, line by line (both files list the
    sampler's items in its order).

    Raises ``ValueError`` naming the first line where the two differ in trial or text: an
    agreement figure over different items would mean nothing.
    """
    a, b = list(first), list(second)
    if len(a) != len(b):
        raise ValueError(f"the annotations have {len(a)} and {len(b)} items")
    items = []
    for line, (ra, rb) in enumerate(zip(a, b, strict=True), start=1):
        if (ra["nct_id"], ra["text"]) != (rb["nct_id"], rb["text"]):
            raise ValueError(
                f"line {line}: different items ({ra['nct_id']} {ra['text'][:40]!r} vs "
                f"{rb['nct_id']} {rb['text'][:40]!r})"
            )
        ea, eb = list(ra["expected"]), list(rb["expected"])
        items.append(
            ItemAgreement(
                nct_id=ra["nct_id"],
                text=ra["text"],
                first=ea,
                second=eb,
                identical=_canonical(ea) == _canonical(eb),
                same_families={e["family"] for e in ea} == {e["family"] for e in eb},
                second_correct=None if not eb else not _annotation_problems(eb, ea),
                first_correct=None if not ea else not _annotation_problems(ea, eb),
            )
        )
    return AgreementReport(items)
