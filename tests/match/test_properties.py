"""Property test over the whole snapshot: random patients (hypothesis) never get an
``eligible`` while a clinical criterion is unknown or unparsed, and every ``ineligible``
names at least one failing criterion."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteotrials.match import MatchIndex, materialize, rank_index
from osteotrials.model.patient import Patient
from osteotrials.patient import PatientError, parse_patient

from .conftest import AS_OF

maybe = st.none() | st.just("x")


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


lesion = st.fixed_dictionaries(
    {
        "type": _opt(st.sampled_from(["lytic", "blastic", "mixed"])),
        "soft_tissue_component_mm": _opt(st.integers(0, 40)),
        "irradiated": _opt(st.booleans()),
    }
)
regimen = st.fixed_dictionaries(
    {
        "drugs": st.lists(
            st.sampled_from(
                [
                    "letrozole",
                    "palbociclib",
                    "fulvestrant",
                    "paclitaxel",
                    "capecitabine",
                    "trastuzumab",
                    "olaparib",
                    "tamoxifen",
                    "trastuzumab deruxtecan",
                    "mysterydrug",
                ]
            ),
            min_size=1,
            max_size=2,
            unique=True,
        ),
        "setting": _opt(st.sampled_from(["adjuvant", "metastatic", "neoadjuvant"])),
        "start_date": _opt(st.sampled_from(["2018-01-01", "2023-05-01", "2025-06-01"])),
        "stop_reason": _opt(st.sampled_from(["progression", "toxicity", "completed"])),
    }
)
lab = st.fixed_dictionaries(
    {
        "analyte": st.sampled_from(
            [
                "ANC",
                "platelets",
                "hemoglobin",
                "ALT",
                "AST",
                "creatinine",
                "total bilirubin",
                "alkaline phosphatase",
            ]
        ),
        "value": st.floats(0.1, 500, allow_nan=False),
        "unit": st.sampled_from(["10^9/L", "g/dL", "U/L", "mg/dL"]),
        "date": st.sampled_from(["2025-12-30", "2024-01-01"]),
    }
)


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if draw(st.booleans()):
        p["sex"] = draw(st.sampled_from(["female", "male"]))
    if draw(st.booleans()):
        p["age_years"] = draw(st.integers(25, 90))
    p["receptors"] = {
        k: v
        for k, v in {
            "er_percent": draw(_opt(st.sampled_from([0, 5, 90]))),
            "pr_percent": draw(_opt(st.sampled_from([0, 50]))),
            "her2_ihc": draw(_opt(st.sampled_from(["0", "1+", "2+", "3+"]))),
        }.items()
        if v is not None
    }
    if draw(st.booleans()):
        p["disease"] = {
            "bone_lesions": draw(st.lists(lesion, max_size=3)),
            "visceral_lesions": draw(
                _opt(st.just([]) | st.just([{"organ": "liver", "longest_diameter_mm": 20}]))
            ),
            "nodal_lesions": draw(_opt(st.just([]))),
        }
    p["cns"] = {"status": draw(_opt(st.sampled_from(["none", "active", "treated_stable"])))}
    p["performance"] = {"ecog": draw(_opt(st.integers(0, 4)))}
    p["regimens"] = draw(_opt(st.lists(regimen, max_size=3)))
    p["labs"] = draw(st.lists(lab, max_size=4))
    for key in (
        "comorbidities",
        "other_cancers",
        "current_medications",
        "surgeries",
        "radiotherapy",
        "bone_modifying_agents",
    ):
        if draw(st.booleans()):
            p[key] = []
    if draw(st.booleans()):
        p["infections"] = {
            "hiv": "negative",
            "hbv": "negative",
            "hcv": "negative",
            "active_infection": False,
        }
    if draw(st.booleans()):
        p["reproductive"] = {"pregnant": False, "breastfeeding": False}
    return p


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=patients())
def test_no_eligible_with_unknowns_and_every_ineligible_names_a_failure(
    snapshot_index: MatchIndex, registry_complete_index: MatchIndex, data: dict[str, Any]
) -> None:
    try:
        loaded = parse_patient(data, as_of=AS_OF)
    except PatientError:
        return  # an invalid random patient is reported, not matched
    for index in (snapshot_index, registry_complete_index):
        _check_verdicts(index, loaded.patient)


def _check_verdicts(index: MatchIndex, patient: Patient) -> None:
    ranked = rank_index(index, patient, as_of=AS_OF)
    assert sum(len(v) for v in ranked.order.values()) == len(index)
    for tid in ranked.order["eligible"]:
        t = materialize(ranked, tid)
        for c in t.criteria:
            if c.administrative:
                continue
            assert c.status in ("met", "not_applicable"), (t.nct_id, c.text, c.status)
            assert c.unparsed_reason is None
    for tid in ranked.order["ineligible"][::25]:
        t = materialize(ranked, tid)
        assert t.blocking, t.nct_id
        assert all(b.status == "not_met" and b.text for b in t.blocking)
    for tid in ranked.order["possibly_eligible"][::25]:
        t = materialize(ranked, tid)
        assert t.missing and not t.blocking
