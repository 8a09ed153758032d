"""Trial-level tags: families and bone relevance, each with evidence."""

from __future__ import annotations

from osteotrials.criteria import compile_trial
from osteotrials.model import Trial


def _tags(trials: list[Trial], nct: str) -> dict[str, str]:
    trial = next(t for t in trials if t.nct_id == nct)
    return {t.name: t.evidence for t in compile_trial(trial).tags}


def test_zoledronic_acid_schedule_trial(trials: list[Trial]) -> None:
    tags = _tags(trials, "NCT00869206")  # CALGB 70604, zoledronic acid every 4 vs 12 weeks
    assert any(name.startswith("bone_modifying_agent") for name in tags)
    assert (
        "zoledronic"
        in tags.get("bone_modifying_agent", tags.get("bone_modifying_agent_schedule", "")).lower()
    )
    assert "requires_bone_metastases" in tags


def test_cdk46_and_endocrine_family_from_interventions(trials: list[Trial]) -> None:
    found = 0
    for trial in trials:
        names = " ".join(i.name for i in trial.interventions).lower()
        if "palbociclib" in names and "letrozole" in names:
            tags = {t.name for t in compile_trial(trial).tags if t.kind == "family"}
            assert {"cdk46", "endocrine_serd"} <= tags, trial.nct_id
            found += 1
    assert found >= 1


def test_every_tag_has_evidence(trials: list[Trial]) -> None:
    for trial in trials[::30]:
        for tag in compile_trial(trial).tags:
            assert tag.evidence and tag.source
            assert tag.kind in ("family", "bone_relevance")


def test_bone_only_allowed_tag(trials: list[Trial]) -> None:
    hits = [
        t.nct_id
        for t in trials[:400]
        if any(tag.name == "allows_nonmeasurable_bone_only" for tag in compile_trial(t).tags)
    ]
    assert hits  # e.g. "lytic or blastic bone metastases as their only site ... eligible"
