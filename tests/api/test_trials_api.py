"""REST API: trial search, detail, criteria, schema, docs and error shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osteotrials.cli.corpus import trial_json
from osteotrials.model.patient import Patient
from osteotrials.store import open_store

SEARCH_KEYS = {"nct_id", "title", "status", "phases", "study_type", "score", "record_version"}


def test_search_has_the_cli_shape_and_ranking(client: TestClient, snapshot_db: Path) -> None:
    response = client.get("/api/trials", params={"q": "HER2-low trastuzumab deruxtecan"})
    assert response.status_code == 200
    hits = response.json()
    assert hits and all(set(hit) == SEARCH_KEYS for hit in hits)
    with open_store(snapshot_db) as store:
        expected = store.search("HER2-low trastuzumab deruxtecan", status="open", limit=20)
    assert hits == [hit.model_dump(mode="json") for hit in expected]
    assert all(
        hit["status"] in {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
        for hit in hits
    )


def test_search_filters(client: TestClient) -> None:
    hits = client.get(
        "/api/trials", params={"q": "breast cancer", "status": "all", "phase": "3", "limit": 7}
    ).json()
    assert 0 < len(hits) <= 7
    assert all("PHASE3" in hit["phases"] for hit in hits)
    observational = client.get(
        "/api/trials", params={"q": "bone", "status": "all", "type": "observational"}
    ).json()
    assert observational and {h["study_type"] for h in observational} == {"OBSERVATIONAL"}


def test_search_invalid_parameters_are_422_with_the_field(client: TestClient) -> None:
    for params, field in (
        ({}, "q"),
        ({"q": "bone", "limit": 0}, "limit"),
        ({"q": "bone", "limit": "many"}, "limit"),
        ({"q": "bone", "status": "closed"}, "status"),
        ({"q": "bone", "phase": "7"}, "phase"),
        ({"q": "x" * 501}, "q"),
    ):
        response = client.get("/api/trials", params=params)
        assert response.status_code == 422, params
        detail = response.json()["detail"]
        assert [d["path"] for d in detail] == [field], detail
        assert detail[0]["loc"][0] == "query"


def test_trial_detail_is_the_show_json_object(client: TestClient, snapshot_db: Path) -> None:
    response = client.get("/api/trials/nct06263543")  # case does not matter, as in the CLI
    assert response.status_code == 200
    body = response.json()
    with open_store(snapshot_db) as store:
        trial = store.get_trial("NCT06263543")
    assert trial is not None
    assert body == trial_json(trial)
    assert body["title"].startswith("SERIES: SEquencing Sacituzumab Govitecan")
    assert "raw" not in body and body["record_version"] == trial.record_version


def test_trial_detail_errors(client: TestClient) -> None:
    missing = client.get("/api/trials/NCT99999999")
    assert missing.status_code == 404
    assert "NCT99999999" in missing.json()["detail"]
    bad = client.get("/api/trials/NCT123")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["path"] == "nct_id"
    assert client.get("/api/trials/NCT123/criteria").status_code == 422
    assert client.get("/api/trials/NCT99999999/criteria").status_code == 404


def test_criteria_items_quote_the_trial_text(client: TestClient, snapshot_db: Path) -> None:
    response = client.get("/api/trials/NCT06263543/criteria")
    assert response.status_code == 200
    items = response.json()
    with open_store(snapshot_db) as store:
        trial = store.get_trial("NCT06263543")
    assert trial is not None and trial.eligibility.criteria
    text = trial.eligibility.criteria
    assert len(items) > 5
    kinds = {item["kind"] for item in items}
    assert kinds == {"inclusion", "exclusion"}
    for item in items:
        assert {"text", "kind", "constraints", "unparsed_reason", "span"} <= set(item)
        start, end = item["span"]
        assert text[start:end] == item["text"]
        assert (item["unparsed_reason"] is None) == bool(item["constraints"]) or item[
            "role"
        ] != "criterion"
    families = {c["family"] for item in items for c in item["constraints"]}
    assert "receptor" in families


def test_patient_schema(client: TestClient) -> None:
    response = client.get("/api/patient-schema")
    assert response.status_code == 200
    assert response.json() == Patient.model_json_schema()


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {
        "/api/trials",
        "/api/trials/{nct_id}",
        "/api/trials/{nct_id}/criteria",
        "/api/patient-schema",
    } <= set(paths)
    # web pages are not part of the API description
    assert not any(p.startswith("/intake") for p in paths)


def test_docs_page_is_local(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.text
    assert "/api/trials/{nct_id}/criteria" in html
    # nothing is loaded from another origin (FastAPI's default docs use a CDN)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_security_headers_on_api_and_pages(client: TestClient) -> None:
    for url in ("/api/trials?q=bone", "/", "/static/style.css", "/api/trials/NCT99999999"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    assert client.get("/api/trials?q=bone").headers["cache-control"] == "no-store"


def test_cross_origin_posts_are_refused(client: TestClient) -> None:
    response = client.post("/api/trials", headers={"Origin": "https://evil.example"}, json={})
    assert response.status_code == 403


def test_only_local_host_names_are_answered(client: TestClient) -> None:
    # a page on another site that rebinds its DNS name to 127.0.0.1 sends its own Host
    rebound = client.get("/api/trials?q=bone", headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 400
    assert rebound.headers["x-frame-options"] == "DENY"
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        assert client.get("/api/trials?q=bone", headers={"Host": host}).status_code == 200


def test_oversized_bodies_are_refused(client: TestClient) -> None:
    huge = b'{"label": "' + b"x" * 2_100_000 + b'"}'
    response = client.post("/api/match", content=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_internal_errors_never_log_or_show_patient_data(
    snapshot_db: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from osteotrials.api.app import create_app

    app = create_app(snapshot_db)

    def boom() -> None:
        raise ValueError("patient ZIP 02115 with ER 95 %")  # as a validation error might

    app.add_api_route("/api/boom", boom, methods=["POST"])
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        response = test_client.post("/api/boom", json={"postal_code": "02115"})
    assert response.status_code == 500
    assert "02115" not in response.text
    assert response.headers["content-security-policy"]
    logged = caplog.text + "".join(capsys.readouterr())
    assert "ValueError" in logged and "test_trials_api.py" in logged
    assert "02115" not in logged and "ER 95" not in logged
