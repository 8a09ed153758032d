"""Validation of the patient model itself: ranges, enumerations, dates, messages."""

from __future__ import annotations

from datetime import date

import pytest

from osteotrials.model.patient import Patient
from osteotrials.patient import PatientError, parse_patient

from ._support import AS_OF, make


def errors_of(**fields: object) -> list[str]:
    with pytest.raises(PatientError) as info:
        parse_patient(fields, as_of=AS_OF)
    return [str(issue) for issue in info.value.errors]


def test_every_field_is_optional_and_unknown_by_default() -> None:
    patient = make()
    assert patient.birth_date is None
    assert patient.receptors.er_percent is None
    assert patient.regimens is None  # unknown, not "never treated"
    assert patient.disease.bone_lesions is None
    assert patient.performance.ecog is None


def test_er_140_percent_is_an_error_naming_the_field() -> None:
    assert errors_of(receptors={"er_percent": 140}) == [
        "receptors.er_percent: ER 140 % is not a percentage of stained nuclei (0-100)"
    ]


def test_pr_negative_percent_is_an_error() -> None:
    (message,) = errors_of(receptors={"pr_percent": -1})
    assert message.startswith("receptors.pr_percent: PR -1 %")


def test_ecog_7_is_an_error_naming_the_field() -> None:
    assert errors_of(performance={"ecog": 7}) == [
        "performance.ecog: ECOG 7 is not an ECOG grade (0-5)"
    ]


@pytest.mark.parametrize("score", [75, 110, -10])
def test_karnofsky_must_be_a_multiple_of_ten_in_range(score: int) -> None:
    (message,) = errors_of(performance={"karnofsky": score})
    assert message == (
        f"performance.karnofsky: Karnofsky {score} is not a Karnofsky score (0-100 in steps of 10)"
    )


def test_future_dates_are_errors_relative_to_as_of() -> None:
    messages = errors_of(
        birth_date="2026-01-16",
        regimens=[{"drugs": ["letrozole"], "start_date": "2026-02-01"}],
        labs=[{"analyte": "ANC", "value": 2, "unit": "10^9/L", "date": "2027-01-01"}],
    )
    assert messages == [
        "birth_date: date 2026-01-16 is in the future (after 2026-01-15)",
        "regimens[0].start_date: date 2026-02-01 is in the future (after 2026-01-15)",
        "labs[0].date: date 2027-01-01 is in the future (after 2026-01-15)",
    ]


def test_as_of_itself_is_not_the_future() -> None:
    assert make(birth_date=AS_OF).birth_date == AS_OF


def test_without_context_the_reference_is_today() -> None:
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    with pytest.raises(ValueError, match="in the future"):
        Patient.model_validate({"birth_date": tomorrow})


def test_unknown_field_is_an_error_not_silently_unknown() -> None:
    assert errors_of(receptors={"er_pct": 90}) == [
        "receptors.er_pct: unknown field (check the spelling; see `osteotrials patient-schema`)"
    ]


@pytest.mark.parametrize(
    ("given", "stored"), [(0, "0"), (1, "1+"), ("2", "2+"), (" 3+ ", "3+"), ("0+", "0")]
)
def test_her2_ihc_spellings(given: object, stored: str) -> None:
    assert make(receptors={"her2_ihc": given}).receptors.her2_ihc == stored


def test_her2_ihc_4_is_an_error() -> None:
    (message,) = errors_of(receptors={"her2_ihc": 4})
    assert message.startswith("receptors.her2_ihc:")


def test_zero_staining_only_with_ihc_zero() -> None:
    (message,) = errors_of(receptors={"her2_ihc": "2+", "her2_ihc_zero_staining": "faint"})
    assert "only meaningful with her2_ihc '0'" in message


def test_er_percent_contradicting_status_is_an_error() -> None:
    (message,) = errors_of(receptors={"er_percent": 0, "er_status": "positive"})
    assert "ER 0 % contradicts er_status 'positive'" in message


def test_regimen_stop_before_start() -> None:
    (message,) = errors_of(
        regimens=[{"drugs": ["letrozole"], "start_date": "2024-05-01", "stop_date": "2024-01-01"}]
    )
    assert message == "regimens[0]: stop_date 2024-01-01 is before start_date 2024-05-01"


def test_ongoing_regimen_cannot_have_a_stop_reason() -> None:
    (message,) = errors_of(
        regimens=[{"drugs": ["letrozole"], "ongoing": True, "stop_reason": "progression"}]
    )
    assert "ongoing regimen cannot have a stop_date or stop_reason" in message


def test_regimen_needs_at_least_one_drug() -> None:
    (message,) = errors_of(regimens=[{"drugs": []}])
    assert message.startswith("regimens[0].drugs:")


def test_us_zip_must_be_five_digits_and_text() -> None:
    assert make(postal_code="02115", country="USA").country == "US"
    (message,) = errors_of(postal_code="2115", country="US")
    assert message == "postal_code '2115' is not a US ZIP code (5 digits)"
    (message,) = errors_of(postal_code=2115)
    assert "must be text" in message


def test_country_must_be_a_two_letter_code() -> None:
    (message,) = errors_of(country="Narnia")
    assert message.startswith("country: 'Narnia' is not an ISO 3166 alpha-2 country code")


def test_stage_spellings() -> None:
    assert make(diagnosis={"stage_at_diagnosis": "stage 4"}).diagnosis.stage_at_diagnosis == "IV"
    assert make(diagnosis={"stage_at_diagnosis": "iiia"}).diagnosis.stage_at_diagnosis == "IIIA"
    (message,) = errors_of(diagnosis={"stage_at_diagnosis": "V"})
    assert "not an AJCC stage group" in message


def test_age_must_fit_birth_date() -> None:
    assert make(birth_date="1960-06-01", age_years=65).age_years == 65
    (message,) = errors_of(birth_date="1960-06-01", age_years=70)
    assert message == "age_years 70 does not fit birth_date 1960-06-01"


def test_male_cannot_be_pregnant() -> None:
    (message,) = errors_of(sex="male", reproductive={"pregnant": True})
    assert message == "sex 'male' contradicts pregnant/breastfeeding true"


def test_cns_none_with_treatment_date_is_contradictory() -> None:
    (message,) = errors_of(cns={"status": "none", "last_cns_treatment_date": "2024-01-01"})
    assert message.startswith("cns: status 'none' contradicts")


def test_gene_symbol_is_upper_cased() -> None:
    patient = make(biomarkers=[{"gene": "pik3ca", "result": "detected"}])
    assert patient.biomarkers[0].gene == "PIK3CA"


def test_json_schema_lists_every_section_and_no_field_is_required() -> None:
    schema = Patient.model_json_schema()
    for key in ("receptors", "disease", "cns", "regimens", "labs", "biomarkers", "infections"):
        assert key in schema["properties"]
    assert "required" not in schema
    assert schema["$defs"]["Receptors"].get("required") is None
    # the CNS categories of domain.md §1.9 are published
    cns_status = schema["$defs"]["CnsMetastases"]["properties"]["status"]
    allowed = set(cns_status["anyOf"][0]["enum"])
    assert {"none", "treated_stable", "active", "leptomeningeal"} <= allowed


@pytest.mark.parametrize(
    ("given", "stored"), [("F", "female"), ("Male", "male"), ("woman", "female")]
)
def test_sex_spellings(given: str, stored: str) -> None:
    assert make(sex=given).sex == stored
