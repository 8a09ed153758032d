"""Comorbidity keyword categories (``match/data/conditions.yaml``)."""

from __future__ import annotations

from functools import cache

from osteotrials.match._data import load


@cache
def categories() -> dict[str, tuple[str, ...]]:
    raw = load("conditions.yaml")["categories"]
    return {str(k): tuple(str(w).lower() for w in v) for k, v in raw.items()}


@cache
def matches(name: str, category: str) -> bool | None:
    """Whether a comorbidity name falls in ``category``; None if the category has no keywords.
    (Cached: comorbidity and cardiac rules ask it for every name and category pair.)"""
    words = categories().get(category)
    if words is None:
        return None
    lowered = name.lower()
    return any(w in lowered for w in words)
