"""Public API and JSON contracts other tools read."""

from __future__ import annotations

import json

from osteotrials import criteria
from osteotrials.criteria import PARSER_VERSION, compile_criteria, compile_trial, coverage
from osteotrials.model import Trial
from osteotrials.model.criteria import (
    FAMILIES,
    PARAM_KEYS,
    CompiledTrial,
    Constraint,
    CoverageReport,
    CriterionItem,
    TrialTag,
)

ISSUE_FAMILIES = {
    "age",
    "sex",
    "diagnosis",
    "receptor",
    "disease_sites",
    "measurable_disease",
    "cns",
    "prior_therapy",
    "radiotherapy",
    "bone_agent",
    "biomarker",
    "performance_status",
    "lab",
    "cardiac",
    "menopause",
    "pregnancy",
    "life_expectancy",
    "other_malignancy",
    "infection",
    "comorbidity",
    "medication",
    "trial_participation",
    "administrative",
}


def test_exports() -> None:
    assert set(criteria.__all__) == {
        "PARSER_VERSION",
        "compile_criteria",
        "compile_trial",
        "coverage",
    }
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


def test_every_issue_family_has_a_component_module() -> None:
    from osteotrials.criteria.pipeline import COMPONENTS

    assert ISSUE_FAMILIES <= set(FAMILIES) == set(PARAM_KEYS)
    assert [f for f, _c in COMPONENTS] == list(FAMILIES)
    for family, component in COMPONENTS:
        assert component.__module__ == f"osteotrials.criteria.families.{family}"


def test_compile_trial_and_json_contract(trials: list[Trial]) -> None:
    trial = next(t for t in trials if t.nct_id == "NCT00869206")
    compiled = compile_trial(trial)
    assert isinstance(compiled, CompiledTrial)
    assert compiled.nct_id == "NCT00869206"
    assert compiled.record_version == trial.record_version
    assert compiled.parser_version == PARSER_VERSION
    assert set(compiled.vocab_versions) == {"drugs", "labs", "sites"}
    data = json.loads(json.dumps([i.model_dump(mode="json") for i in compiled.items]))
    assert data and all({"text", "kind", "constraints", "unparsed_reason"} <= set(d) for d in data)
    typed = [d for d in data if d["constraints"]]
    assert typed and all(d["unparsed_reason"] is None for d in typed)
    assert all("family" in c and "params" in c for d in typed for c in d["constraints"])
    assert all(d["kind"] in ("inclusion", "exclusion") for d in data)
    round_trip = CompiledTrial.model_validate_json(compiled.model_dump_json())
    assert round_trip == compiled


def test_coverage_json_contract(trials: list[Trial]) -> None:
    sample = [compile_trial(t) for t in trials[:20]]
    report = coverage(sample)
    assert isinstance(report, CoverageReport)
    data = report.model_dump(mode="json")
    assert {"trials", "items", "typed", "unparsed", "typed_share", "by_family"} <= set(data)
    assert data["trials"] == 20
    assert data["typed"] + data["unparsed"] == data["items"]
    assert 0.0 <= data["typed_share"] <= 1.0
    assert sum(data["unparsed_reasons"].values()) == data["unparsed"]


def test_constraints_validate_against_the_parameter_schema(trials: list[Trial]) -> None:
    for trial in trials[::25]:
        for item in compile_criteria(trial.eligibility.criteria):
            assert isinstance(item, CriterionItem)
            for c in item.constraints:
                Constraint.model_validate(c.model_dump())  # unknown keys would raise


def test_unknown_family_or_parameter_is_rejected() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Constraint(family="astrology", polarity="require", span=(0, 1), text="x", confidence=0.5)
    with pytest.raises(ValidationError):
        Constraint(
            family="age",
            polarity="require",
            params={"colour": 1},
            span=(0, 1),
            text="x",
            confidence=0.5,
        )


def test_items_never_claim_a_typed_item_without_constraints(trials: list[Trial]) -> None:
    for trial in trials[::40]:
        for item in compile_criteria(trial.eligibility.criteria):
            if item.role == "header":
                continue
            assert bool(item.constraints) != bool(item.unparsed_reason)


def test_trial_tag_model() -> None:
    tag = TrialTag(name="cdk46", kind="family", evidence="palbociclib", source="intervention")
    assert tag.model_dump()["kind"] == "family"
