"""Bad patient input: clear errors or warnings naming the field; matching never crashes and
never treats what it cannot read as normal."""

from __future__ import annotations

from typing import Any

import pytest

from osteotrials.match import MatchIndex, match_patient
from osteotrials.patient import PatientError, parse_patient

from .conftest import AS_OF


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"receptors": {"er_percent": 140}}, "receptors.er_percent"),
        ({"performance": {"ecog": 7}}, "performance.ecog"),
        (
            {"diagnosis": {"metastatic_diagnosis_date": "2027-01-01"}},
            "diagnosis.metastatic_diagnosis_date",
        ),
        ({"labs": [{"analyte": "ANC", "value": 3.1, "unit": "mg/dL"}]}, "labs[0].unit"),
    ],
)
def test_invalid_values_name_the_field(fields: dict[str, Any], path: str) -> None:
    with pytest.raises(PatientError) as exc:
        parse_patient({"sex": "female", **fields}, as_of=AS_OF)
    assert path in str(exc.value)


def test_unknown_drug_is_never_assumed_absent(snapshot_index: MatchIndex) -> None:
    loaded = parse_patient(
        {
            "sex": "female",
            "birth_date": "1960-01-01",
            "regimens": [{"drugs": ["mysterymab"], "setting": "metastatic"}],
        },
        as_of=AS_OF,
    )
    assert any("regimens[0]" in str(w) and "mysterymab" in str(w) for w in loaded.warnings)
    result = match_patient(loaded.patient, snapshot_index, as_of=AS_OF, limit=None)
    # a criterion excluding a drug class the patient might have had is unknown, not met:
    unrecognised = [
        c
        for t in result.trials
        for c in t.criteria
        for k in c.constraints
        if k.family == "prior_therapy" and "unrecognised_drugs" in k.missing
    ]
    assert unrecognised


def test_empty_patient_matches_without_crashing(snapshot_index: MatchIndex) -> None:
    result = match_patient(parse_patient({}, as_of=AS_OF).patient, snapshot_index, as_of=AS_OF)
    assert sum(result.counts.values()) == len(snapshot_index)
    # knowing nothing, nothing can be eligible unless it has no clinical criterion at all
    for t in result.trials:
        if t.verdict == "eligible":
            assert all(c.status == "not_applicable" for c in t.criteria if not c.administrative)
