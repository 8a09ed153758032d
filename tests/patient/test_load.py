"""Loading files and dicts: clear errors naming the file and field, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteotrials.model.patient import Patient
from osteotrials.patient import LoadedPatient, PatientError, load_patient, parse_patient

from ._support import AS_OF


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_and_json_files_load(tmp_path: Path) -> None:
    data = {"sex": "female", "receptors": {"er_percent": 80}}
    from_yaml = load_patient(
        write(tmp_path, "p.yaml", "sex: female\nreceptors:\n  er_percent: 80\n")
    )
    from_json = load_patient(write(tmp_path, "p.json", json.dumps(data)), as_of=AS_OF)
    assert from_yaml.patient == from_json.patient
    assert (from_yaml.kind, from_json.kind) == ("yaml", "json")


def test_error_names_the_file_and_every_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "receptors:\n  er_percent: 140\nperformance:\n  ecog: 7\n",
    )
    with pytest.raises(PatientError) as info:
        load_patient(path)
    assert str(info.value) == (
        f"{path}: 2 errors:\n"
        "  - receptors.er_percent: ER 140 % is not a percentage of stained nuclei (0-100)\n"
        "  - performance.ecog: ECOG 7 is not an ECOG grade (0-5)"
    )


def test_wrong_lab_unit_is_an_error_naming_analyte_and_unit(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "units.yaml",
        "labs:\n  - {analyte: creatinine, value: 1.1, unit: mmHg}\n",
    )
    with pytest.raises(PatientError) as info:
        load_patient(path)
    (error,) = info.value.errors
    assert str(error) == (
        "labs[0].unit: unknown unit 'mmHg' for creatinine (creatinine); expected e.g. umol/L"
    )


def test_unknown_drug_is_a_warning_listing_the_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "drugs.yaml",
        "regimens:\n  - {drugs: [letrozole, wonderdrugumab], setting: metastatic}\n",
    )
    loaded = load_patient(path)
    assert [str(w) for w in loaded.warnings] == [
        "regimens[0].drugs[1]: unknown drug name 'wonderdrugumab': kept as written, but its "
        "drug class is unknown, so lines of therapy may be uncertain"
    ]
    assert loaded.patient.regimens is not None
    assert loaded.patient.regimens[0].drugs == ["letrozole", "wonderdrugumab"]


def test_misspelt_drug_is_matched_by_the_vocabulary(tmp_path: Path) -> None:
    path = write(tmp_path, "typo.yaml", "regimens:\n  - {drugs: [palbociclibe]}\n")
    assert load_patient(path).warnings == []


def test_unknown_analyte_is_a_warning() -> None:
    loaded = parse_patient(
        {"labs": [{"analyte": "CA 15-3", "value": 80, "unit": "U/mL"}]}, as_of=AS_OF
    )
    assert [str(w) for w in loaded.warnings] == [
        "labs[0].analyte: unknown laboratory analyte 'CA 15-3'; kept but not used"
    ]


def test_bone_agent_listed_as_regimen_drug_is_fine_but_a_regimen_drug_as_bone_agent_warns() -> None:
    loaded = parse_patient({"bone_modifying_agents": [{"drug": "letrozole"}]}, as_of=AS_OF)
    assert [str(w) for w in loaded.warnings] == [
        "bone_modifying_agents[0].drug: letrozole is not a bone-modifying agent; list it under "
        "regimens"
    ]


def test_future_date_in_a_file(tmp_path: Path) -> None:
    path = write(tmp_path, "future.yaml", "diagnosis:\n  metastatic_diagnosis_date: 2099-01-01\n")
    with pytest.raises(PatientError, match=r"diagnosis\.metastatic_diagnosis_date: date 2099"):
        load_patient(path)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("empty.yaml", "", "the file is empty"),
        ("list.yaml", "- 1\n- 2\n", "a patient must be a mapping, not list"),
        ("broken.yaml", "sex: [female\n", "not valid YAML"),
        ("broken.json", "{", "not valid JSON"),
        ("scalar.json", "42", "a patient must be a mapping, not int"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(PatientError) as info:
        load_patient(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PatientError, match="file not found"):
        load_patient(tmp_path / "nope.yaml")


def test_ecog_and_karnofsky_disagreement_warns() -> None:
    loaded = parse_patient({"performance": {"ecog": 0, "karnofsky": 50}}, as_of=AS_OF)
    assert [str(w) for w in loaded.warnings] == [
        "performance: ECOG 0 and Karnofsky 50 (about ECOG 2) disagree; the stated ECOG is used"
    ]


# --------------------------------------------------------------------------- property test

FIELD_NAMES = [*sorted(Patient.model_fields), "er_percent", "ecog", "nonsense"]
SECTION_KEYS = ["er_percent", "her2_ihc", "ecog", "karnofsky", "status", "drugs", "value", "unit"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["2030-01-01", "1+", "3+", "female", "metastatic", "10^9/L", "mg/dL", "ANC"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from([*SECTION_KEYS, "x", "drugs", "analyte"]), children, max_size=4
        ),
    ),
    max_leaves=20,
)
patient_dicts = st.dictionaries(st.sampled_from(FIELD_NAMES), values, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(patient_dicts, values))
def test_loading_never_crashes_on_random_input(data: Any) -> None:
    try:
        loaded = parse_patient(data, as_of=AS_OF)
    except PatientError as exc:
        assert exc.issues, "a PatientError always says what is wrong"
        assert all(i.severity in ("error", "warning") for i in exc.issues)
        return
    assert isinstance(loaded, LoadedPatient)
    assert isinstance(loaded.patient, Patient)


@settings(max_examples=100, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {"resourceType": st.just("Bundle")},
        optional={
            "entry": st.lists(
                st.one_of(values, st.fixed_dictionaries({"resource": values})), max_size=4
            )
        },
    )
)
def test_bundle_loading_never_crashes_on_random_input(data: dict[str, Any]) -> None:
    try:
        parse_patient(data, as_of=AS_OF)
    except PatientError as exc:
        assert exc.issues


FHIR_KEYS = [
    "id",
    "status",
    "code",
    "gender",
    "birthDate",
    "valueInteger",
    "valueQuantity",
    "valueCodeableConcept",
    "effectiveDateTime",
    "component",
    "bodySite",
    "medicationCodeableConcept",
    "subject",
    "address",
]
codings = st.fixed_dictionaries(
    {},
    optional={
        "coding": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "system": st.sampled_from(["http://loinc.org", "http://snomed.info/sct"]),
                    "code": st.sampled_from(
                        ["89247-1", "89243-0", "85337-4", "18474-7", "69548-6", "94222008", "x"]
                    ),
                    "display": st.text(max_size=15),
                },
            ),
            max_size=2,
        ),
        "text": st.text(max_size=15),
    },
)
resources = st.fixed_dictionaries(
    {
        "resourceType": st.sampled_from(
            ["Patient", "Observation", "Condition", "MedicationStatement", "Procedure", "Foo"]
        )
    },
    optional={key: st.one_of(values, codings) for key in FHIR_KEYS},
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(resources, max_size=5))
def test_fhir_like_resources_never_crash(entries: list[dict[str, Any]]) -> None:
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in entries],
    }
    try:
        loaded = parse_patient(data, as_of=AS_OF)
    except PatientError as exc:
        assert exc.issues
        return
    assert isinstance(loaded.patient, Patient)
