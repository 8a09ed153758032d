"""API v2 JSON -> Trial, on the real full records and snapshot records."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from osteotrials.sources import RecordError, trial_from_study
from osteotrials.sources.ctgov_json import age_in_years, content_hash
from paths import SNAPSHOT_JSONL, TRIAL_FIXTURES

NERATINIB = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service-breastcancertrials.org"
PALLAS = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service"


def load(path: Any) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def snapshot_record(nct_id: str) -> dict[str, Any]:
    with SNAPSHOT_JSONL.open() as handle:
        for line in handle:
            if f'"{nct_id}"' in line:
                record = json.loads(line)
                if record["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                    return dict(record)
    raise LookupError(nct_id)


def test_full_record_maps_every_field_a_trial_finder_needs() -> None:
    trial = trial_from_study(load(NERATINIB / "NCT03377387.json"))
    assert trial.nct_id == "NCT03377387"
    assert trial.brief_title and trial.brief_title.startswith(
        "Capecitabine 7/7 Schedule With Neratinib"
    )
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.phases == ["PHASE1", "PHASE2"]
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.design.intervention_model == "SINGLE_GROUP"
    assert trial.lead_sponsor == "Memorial Sloan Kettering Cancer Center"
    assert trial.collaborators == ["Puma Biotechnology, Inc."]
    assert trial.start_date == "2017-12-13"
    assert trial.last_update_posted == "2023-04-18"
    assert trial.record_version == "2023-04-18"
    assert trial.record_version_basis == "last_update_posted"
    assert trial.eligibility.minimum_age_years == 18.0
    assert trial.eligibility.sex == "FEMALE"
    assert {i.name for i in trial.interventions} >= {"Capecitabine", "Neratinib"}
    assert trial.primary_outcomes and trial.primary_outcomes[0].measure
    assert len(trial.locations) == 10
    hartford = trial.locations[0]
    assert (hartford.city, hartford.zip, hartford.country) == ("Hartford", "06102", "United States")
    assert hartford.lat == pytest.approx(41.76371)
    assert trial.condition_mesh_terms  # derivedSection meshes are read
    assert trial.eligibility.criteria and "ECOG" in trial.eligibility.criteria


def test_no_people_names_emails_or_phones_are_kept() -> None:
    study = load(PALLAS / "NCT02513394.json")
    assert "overallOfficials" in study["protocolSection"]["contactsLocationsModule"]
    trial = trial_from_study(study)
    raw = json.dumps(trial.raw)
    assert "overallOfficials" not in raw
    assert "Suzanne George" not in raw
    for key in ('"email"', '"phone"', '"contacts"', '"centralContacts"', '"pointOfContact"'):
        assert key not in raw
    # the facility-level site data stays
    assert len(trial.locations) == len(
        study["protocolSection"]["contactsLocationsModule"]["locations"]
    )


def test_record_version_falls_back_to_source_date_then_content_hash() -> None:
    ctagent = trial_from_study(snapshot_record("NCT05767658"))
    assert ctagent.provenance.source == "ctagent"
    assert (ctagent.record_version, ctagent.record_version_basis) == ("2026-01-05", "source_date")

    nli = snapshot_record("NCT00001832")
    trial = trial_from_study(nli)
    assert trial.record_version_basis == "content_hash"
    assert trial.record_version == content_hash(nli)
    assert trial.record_version.startswith("sha256:") and len(trial.record_version) == 19
    changed = copy.deepcopy(nli)
    changed["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += " extra"
    assert trial_from_study(changed).record_version != trial.record_version


def test_records_missing_most_modules_still_map() -> None:
    trial = trial_from_study(snapshot_record("NCT00001832"))  # NLI4CT: criteria and arms only
    assert trial.brief_title is None and trial.title is None
    assert trial.overall_status is None
    assert trial.arm_groups and trial.eligibility.criteria


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["protocolSection"]["identificationModule"].pop("nctId"), "no NCT id"),
        (
            lambda s: s["protocolSection"]["identificationModule"].update(nctId="NCT123"),
            "not an NCT id",
        ),
        (
            lambda s: s["protocolSection"]["conditionsModule"].update(conditions="Breast Cancer"),
            "protocolSection.conditionsModule.conditions should be a list of strings",
        ),
        (
            lambda s: s["protocolSection"]["designModule"]["enrollmentInfo"].update(count="34"),
            "protocolSection.designModule.enrollmentInfo.count should be an integer",
        ),
        (
            lambda s: s["protocolSection"]["contactsLocationsModule"]["locations"][2].update(
                geoPoint={"lat": "north", "lon": 1}
            ),
            "locations[2].geoPoint.lat should be a number",
        ),
        (
            lambda s: s["protocolSection"].update(statusModule=["RECRUITING"]),
            "protocolSection.statusModule should be an object",
        ),
    ],
)
def test_wrong_types_name_the_field_and_record(mutate: Any, message: str) -> None:
    study = load(NERATINIB / "NCT03377387.json")
    mutate(study)
    with pytest.raises(RecordError) as info:
        trial_from_study(study)
    assert message in str(info.value)
    if "NCT id" not in message:
        assert "NCT03377387" in str(info.value)


def test_a_study_must_be_an_object() -> None:
    with pytest.raises(RecordError, match="should be a JSON object"):
        trial_from_study(["NCT03377387"])


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("18 Years", 18.0),
        ("6 Months", 0.5),
        ("1 Year", 1.0),
        ("52 Weeks", 0.9966),
        ("N/A", None),
        (None, None),
        ("eighteen", None),
    ],
)
def test_age_text_to_years(text: str | None, years: float | None) -> None:
    assert age_in_years(text) == years


def test_mapped_trials_pass_full_validation() -> None:
    """The mapper type-checks every value itself (wrong types are errors, never
    coerced), so every mapped record passes strict validation unchanged."""
    from osteotrials.model import Trial

    records = [json.loads(line) for line in SNAPSHOT_JSONL.read_text(encoding="utf-8").splitlines()]
    records += [load(path) for path in sorted(TRIAL_FIXTURES.rglob("NCT*.json"))]
    assert len(records) > 1000
    for record in records:
        trial = trial_from_study(record, "test")
        validated = Trial.model_validate(trial.model_dump(), strict=True)
        assert validated == trial
        assert validated.model_dump_json() == trial.model_dump_json()
