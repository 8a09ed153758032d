"""REST API: match, next questions and the visit sheet, on real example patients."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from osteotrials.cli.match import trial_json as cli_match_json
from osteotrials.match import MatchIndex, match_patient
from osteotrials.patient import parse_patient
from osteotrials.store import open_store
from paths import EXAMPLE_PATIENTS
from web.pdftext import pdf_text

AS_OF = "2026-01-05"
HR_HER2LOW = EXAMPLE_PATIENTS / "hr-her2low-bone-only-post-cdk46.yaml"


def example(name: Path = HR_HER2LOW) -> dict[str, Any]:
    data = json.loads(json.dumps(yaml.safe_load(name.read_text()), default=str))
    assert isinstance(data, dict)
    return data


def direct_match(db: Path, doc: dict[str, Any], **options: Any) -> Any:
    patient = parse_patient(doc).patient
    with open_store(db) as store:
        index = MatchIndex.from_store(store)
    return match_patient(patient, index, as_of=date.fromisoformat(AS_OF), **options)


def test_match_returns_the_cli_json_for_the_example_patient(
    client: TestClient, snapshot_db: Path
) -> None:
    response = client.post("/api/match", params={"as_of": AS_OF}, json=example())
    assert response.status_code == 200
    body = response.json()
    expected = direct_match(snapshot_db, example())
    assert body == [cli_match_json(t) for t in expected.trials]
    assert len(body) == len(expected.trials) > 100
    verdicts = {t["verdict"] for t in body}
    assert verdicts <= {"eligible", "possibly_eligible", "ineligible"}
    assert "ineligible" in verdicts and "possibly_eligible" in verdicts
    for trial in body:
        assert {
            "nct_id",
            "title",
            "verdict",
            "score",
            "record_version",
            "criteria",
            "blocking",
            "missing",
            "nearest_site",
        } <= set(trial)
        for criterion in trial["criteria"]:
            assert {"text", "kind", "status", "evidence"} <= set(criterion)
        if trial["verdict"] == "ineligible":
            assert trial["blocking"], trial["nct_id"]
            assert all(c["status"] == "not_met" for c in trial["blocking"])
        if trial["verdict"] == "eligible":
            assert not any(
                c["status"] == "unknown" and not c["administrative"] for c in trial["criteria"]
            )


def test_match_options(client: TestClient) -> None:
    recruiting = client.post(
        "/api/match", params={"as_of": AS_OF, "status": "recruiting", "limit": 15}, json=example()
    ).json()
    assert len(recruiting) == 15
    assert all(t["overall_status"] == "RECRUITING" for t in recruiting)
    # few snapshot records place their sites (a ZIP or coordinates); those near
    # Boston (ZIP 02115) get a distance
    near = client.post("/api/match", params={"as_of": AS_OF, "near": "02115"}, json=example())
    located = [
        t for t in near.json() if t["nearest_site"] and t["nearest_site"]["distance_km"] is not None
    ]
    assert located and all(t["nearest_site"]["distance_km"] >= 0 for t in located)
    assert min(t["nearest_site"]["distance_km"] for t in located) < 10
    within = client.post(
        "/api/match", params={"as_of": AS_OF, "near": "02115", "radius_km": 50}, json=example()
    ).json()
    assert 0 < len(within) < len(near.json())
    assert all(t["nearest_site"]["distance_km"] <= 50 for t in within)


def test_an_empty_patient_is_valid_and_everything_is_unknown(client: TestClient) -> None:
    body = client.post("/api/match", params={"as_of": AS_OF}, json={}).json()
    assert body
    assert not any(t["verdict"] == "eligible" for t in body)


def test_questions_match_the_cli(client: TestClient, snapshot_db: Path) -> None:
    response = client.post("/api/questions", params={"as_of": AS_OF, "limit": 5}, json=example())
    assert response.status_code == 200
    questions = response.json()
    expected = direct_match(snapshot_db, example(), limit=0, questions=5)
    assert questions == [q.model_dump(mode="json") for q in expected.questions]
    assert 0 < len(questions) <= 5
    for q in questions:
        assert q["patient_text"] and q["coordinator_text"] and q["trials"] >= 1
    # the example file knows ECOG, so ECOG is never asked
    assert not any(q["field"] == "performance.ecog" for q in questions)
    # an empty patient is asked about more basic facts
    empty = client.post("/api/questions", params={"as_of": AS_OF}, json={}).json()
    assert {q["key"] for q in empty} != {q["key"] for q in questions}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"receptors": {"er_percent": 140}}, "receptors.er_percent"),
        ({"performance": {"ecog": 7}}, "performance.ecog"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"age_years": "sixty"}, "age_years"),
        ({"regimens": [{"drugs": []}]}, "regimens[0].drugs"),
        (
            {"diagnosis": {"metastatic_diagnosis_date": "2999-01-01"}},
            "diagnosis.metastatic_diagnosis_date",
        ),
        ({"labs": [{"analyte": "creatinine", "value": 1, "unit": "furlongs"}]}, "labs[0].unit"),
        ({"postal_code": "ABCDE", "country": "US"}, ""),
    ],
)
def test_invalid_patients_are_422_with_the_field_path(
    client: TestClient, body: dict[str, Any], path: str
) -> None:
    for url in ("/api/match", "/api/questions"):
        response = client.post(url, json=body)
        assert response.status_code == 422, (url, response.text)
        paths = [d["path"] for d in response.json()["detail"]]
        assert path in paths, paths


def test_bodies_that_are_not_patients(client: TestClient) -> None:
    for content in (b"[1, 2]", b"not json", b'"text"'):
        response = client.post(
            "/api/match", content=content, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, content
    missing = client.post("/api/match")
    assert missing.status_code == 422
    bad_options = client.post("/api/match", params={"near": "abc", "radius_km": -1}, json={})
    assert bad_options.status_code == 422
    assert {d["path"] for d in bad_options.json()["detail"]} == {"near", "radius_km"}


def test_visit_sheet_html_and_pdf(client: TestClient, snapshot_db: Path) -> None:
    chosen = [
        t["nct_id"]
        for t in client.post(
            "/api/match", params={"as_of": AS_OF, "limit": 3}, json=example()
        ).json()
    ]
    html = client.post("/api/visit-sheet", params={"nct_id": chosen}, json=example())
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    page = html.text
    with open_store(snapshot_db) as store:
        titles = [store.get_trial(n).title for n in chosen]  # type: ignore[union-attr]
    for nct in chosen:
        assert nct in page
    assert "Questions to ask my oncologist" in page and "2026-01-05" in page
    assert "not medical advice" in page
    pdf = client.post(
        "/api/visit-sheet", params={"nct_id": chosen, "format": "pdf"}, json=example()
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content).split())
    for nct in chosen:
        assert nct in text
    first_words = " ".join(str(titles[0]).split()[:3])
    assert first_words in text
    assert "Still unknown for me" in text and "Costs" in text and "2026-01-05" in text


def test_visit_sheet_errors(client: TestClient) -> None:
    assert client.post("/api/visit-sheet", json={}).status_code == 422  # no trial chosen
    bad = client.post("/api/visit-sheet", params={"nct_id": "NCT1"}, json={})
    assert bad.status_code == 422
    assert (
        client.post("/api/visit-sheet", params={"nct_id": "NCT99999999"}, json={}).status_code
        == 404
    )
    wrong_format = client.post(
        "/api/visit-sheet", params={"nct_id": "NCT06263543", "format": "docx"}, json={}
    )
    assert wrong_format.status_code == 422
    assert wrong_format.json()["detail"][0]["path"] == "format"
