"""The next best question: which unknown fact, answered, would settle the most
possibly-eligible trials (weighted by their rank).

A possibly-eligible trial with k distinct unknown patient facts contributes
``w(rank) / k`` to each of them, where ``w(rank) = 1 / log2(rank + 2)`` (rank 0 is the
best trial), so a fact that is the *only* gap of a high-ranked trial weighs most.
Criteria that were not read automatically are not patient facts and never become
questions. Wording is data: ``match/data/questions.yaml``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from osteotrials.match._data import load
from osteotrials.model.verdict import AnswerOption, Question

if TYPE_CHECKING:
    from osteotrials.match.api import Ranked

#: the copy of the trial record lacks the registry's structured sex / age fields
RECORD_INCOMPLETE = "record_incomplete"
NOT_PATIENT_FACTS = frozenset(
    {"criterion_unparsed", "criterion_unclear", "criterion_partial", "cohort", RECORD_INCOMPLETE}
)
_PRETTY = {
    "anc": "neutrophil count (ANC)",
    "alt": "ALT",
    "ast": "AST",
    "alp": "alkaline phosphatase",
    "crcl": "creatinine clearance",
    "egfr": "eGFR",
    "inr": "INR",
    "wbc": "white cell count",
    "ldh": "LDH",
    "ptt": "PTT",
    "pt": "prothrombin time",
}


@cache
def _data() -> dict[str, Any]:
    return load("questions.yaml")


def entry(key: str) -> dict[str, Any] | None:
    """The wording for a fact key (exact entries first, then ``prefix:`` patterns)."""
    facts = _data()["facts"]
    if key in facts:
        return dict(facts[key])
    for prefix, pattern in _data()["patterns"].items():
        if key.startswith(prefix):
            raw = key[len(prefix) :]
            name = _PRETTY.get(raw, raw.replace("_", " "))
            return {
                k: (v.format(name=name) if isinstance(v, str) else v) for k, v in pattern.items()
            } | {"answers": []}
    return None


def fact_label(key: str) -> tuple[str, str | None]:
    if key == "criterion_unparsed":
        return "criterion not read automatically (check by hand)", None
    if key == "criterion_unclear":
        return "criterion read only in part (check by hand)", None
    if key == "criterion_partial":
        return "criterion read only in part (check the rest by hand)", None
    if key == "cohort":
        return "cohort assignment (criterion applies to one cohort)", None
    if key == RECORD_INCOMPLETE:
        return "the registry's sex / age limits (not in this copy of the record)", None
    e = entry(key)
    if e is None:
        return key.replace("_", " "), None
    return str(e["label"]), e.get("field")


def build_questions(ranked: Ranked, *, limit: int = 10) -> list[Question]:
    """Questions ranked by the rank-weighted number of possibly-eligible trials they settle."""
    weight: dict[str, float] = {}
    trials: dict[str, list[str]] = {}
    for rank, tid in enumerate(ranked.order.get("possibly_eligible", [])):
        entry_ = ranked.index.entries[tid]
        keys = [k for k in ranked.missing_keys(entry_.profile_id) if k not in NOT_PATIENT_FACTS]
        if not keys:
            continue
        w = 1.0 / math.log2(rank + 2) / len(keys)
        for k in keys:
            weight[k] = weight.get(k, 0.0) + w
            trials.setdefault(k, []).append(entry_.nct_id)
    out: list[Question] = []
    for key in sorted(weight, key=lambda k: (-weight[k], k)):
        e = entry(key)
        if e is None:
            e = {
                "patient": f"Please ask your care team about: {key}.",
                "coordinator": key,
                "field": None,
                "answers": [],
            }
        out.append(
            Question(
                key=key,
                patient_text=str(e["patient"]),
                coordinator_text=str(e["coordinator"]),
                answers=[
                    AnswerOption(value=a["value"], label=str(a["label"]))
                    for a in e.get("answers") or []
                ],
                field=e.get("field"),
                weight=round(weight[key], 3),
                trials=len(trials[key]),
                nct_ids=trials[key][:20],
            )
        )
        if len(out) >= limit:
            break
    return out
