"""The eligibility engine: criteria text -> typed, explainable constraints.

Public API:

* ``PARSER_VERSION``: bump when compiled output changes (the store re-compiles).
* ``compile_criteria(text)``: items with kind, section, cohort, span, constraints
  or ``unparsed_reason``.
* ``compile_trial(trial)``: a ``CompiledTrial`` (items + trial tags) stamped with
  the trial's record version and the parser and vocabulary versions.
* ``coverage(compiled)``: a ``CoverageReport``.
"""

from __future__ import annotations

from osteotrials.criteria.coverage import coverage
from osteotrials.criteria.pipeline import compile_segments
from osteotrials.criteria.tags import bone_tags, family_tags
from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial, CriterionItem
from osteotrials.vocab import versions

PARSER_VERSION = "0.18.6"


def compile_criteria(text: str | None) -> list[CriterionItem]:
    """Compile eligibility criteria text into items. Never raises on any text."""
    return compile_segments(text, use_memo=True)


def compile_trial(trial: Trial) -> CompiledTrial:
    """Compile a trial's criteria and derive its trial-level tags."""
    items = compile_criteria(trial.eligibility.criteria)
    return CompiledTrial(
        nct_id=trial.nct_id,
        record_version=trial.record_version,
        parser_version=PARSER_VERSION,
        vocab_versions=versions(),
        items=items,
        tags=[*family_tags(trial), *bone_tags(trial, items)],
    )


__all__ = ["PARSER_VERSION", "compile_criteria", "compile_trial", "coverage"]
