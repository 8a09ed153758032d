"""The store's link to the eligibility engine: compile criteria at ingest.

Kept in one place so the store works (without compiled criteria) even when the
engine cannot be imported, and so both backends compile the same way.
"""

from __future__ import annotations

from typing import Any

from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial


def _engine() -> Any:
    try:
        import osteotrials.criteria as engine
    except ImportError:
        return None
    return engine if hasattr(engine, "compile_trial") else None


def parser_version() -> str | None:
    engine = _engine()
    return None if engine is None else str(engine.PARSER_VERSION)


def compile_trial(trial: Trial) -> CompiledTrial | None:
    """The trial's compiled criteria, or None when the engine is unavailable."""
    engine = _engine()
    if engine is None:
        return None
    compiled = engine.compile_trial(trial)
    assert isinstance(compiled, CompiledTrial)
    return compiled
