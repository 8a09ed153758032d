"""AACT import round trip: snapshot records → AACT rows (PostgreSQL tables or flat files) → back."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from osteotrials.sources.aact import (
    AactError,
    FlatFileAact,
    enum,
    phases,
    read_aact_db,
    read_aact_flat,
)
from support.aact_export import DDL, Exporter, load_postgres, write_flat_files
from support.replay_server import nct_of, snapshot_studies

SNAPSHOT = snapshot_studies(stamp_dates=False, keep_provenance=True)


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, [], {}, "")}


def project(study: dict[str, Any]) -> dict[str, Any]:
    """The fields the AACT import maps, in a comparable form."""
    ps = study["protocolSection"]
    ident = ps.get("identificationModule", {})
    st = ps.get("statusModule", {})
    sp = ps.get("sponsorCollaboratorsModule", {})
    desc = ps.get("descriptionModule", {})
    cond = ps.get("conditionsModule", {})
    des = ps.get("designModule", {})
    info = des.get("designInfo", {})
    mask = info.get("maskingInfo", {})
    arms = ps.get("armsInterventionsModule", {})
    out = ps.get("outcomesModule", {})
    el = ps.get("eligibilityModule", {})
    derived = study.get("derivedSection", {})
    who_order = ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"]
    return _drop_empty(
        {
            "ident": _drop_empty(
                {k: ident.get(k) for k in ("nctId", "briefTitle", "officialTitle", "acronym")}
            ),
            "status": _drop_empty(
                {
                    k: st.get(k)
                    for k in (
                        "overallStatus",
                        "lastKnownStatus",
                        "whyStopped",
                        "startDateStruct",
                        "primaryCompletionDateStruct",
                        "completionDateStruct",
                        "studyFirstPostDateStruct",
                        "lastUpdatePostDateStruct",
                    )
                }
            ),
            "lead": sp.get("leadSponsor"),
            "collaborators": sp.get("collaborators"),
            "summary": desc.get("briefSummary"),
            "detailed": desc.get("detailedDescription"),
            "conditions": cond.get("conditions"),
            "keywords": cond.get("keywords"),
            "studyType": des.get("studyType"),
            "phases": des.get("phases"),
            "design": _drop_empty(
                {
                    **{
                        k: info.get(k)
                        for k in (
                            "allocation",
                            "interventionModel",
                            "interventionModelDescription",
                            "primaryPurpose",
                        )
                    },
                    "masking": mask.get("masking"),
                    "whoMasked": sorted(mask.get("whoMasked", []), key=who_order.index),
                }
            ),
            "enrollment": des.get("enrollmentInfo"),
            "arms": [
                _drop_empty({**g, "interventionNames": sorted(g.get("interventionNames", []))})
                for g in arms.get("armGroups", [])
            ],
            "interventions": [
                _drop_empty({**i, "armGroupLabels": sorted(i.get("armGroupLabels", []))})
                for i in arms.get("interventions", [])
            ],
            "primary": out.get("primaryOutcomes"),
            "secondary": out.get("secondaryOutcomes"),
            "eligibility": _drop_empty(
                {
                    k: el.get(k)
                    for k in (
                        "eligibilityCriteria",
                        "healthyVolunteers",
                        "sex",
                        "genderBased",
                        "genderDescription",
                        "minimumAge",
                        "maximumAge",
                        "stdAges",
                    )
                }
            ),
            "locations": ps.get("contactsLocationsModule", {}).get("locations"),
            "condition_mesh": [
                m["term"] for m in derived.get("conditionBrowseModule", {}).get("meshes", [])
            ],
            "intervention_mesh": [
                m["term"] for m in derived.get("interventionBrowseModule", {}).get("meshes", [])
            ],
            "source_date": ((study.get("provenance") or {}).get("sourceDate") or "")[:10],
        }
    )


def assert_round_trip(imported: list[dict[str, Any]]) -> None:
    assert [nct_of(s) for s in imported] == sorted(nct_of(s) for s in SNAPSHOT)
    by_id = {nct_of(s): s for s in SNAPSHOT}
    mismatches = [nct_of(s) for s in imported if project(s) != project(by_id[nct_of(s)])]
    if mismatches:
        first = mismatches[0]
        got = project(next(s for s in imported if nct_of(s) == first))
        want = project(by_id[first])
        diff = {
            k: (want.get(k), got.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)
        }
        pytest.fail(f"{len(mismatches)} records differ, first {first}: {json.dumps(diff)[:2000]}")


def test_projection_is_not_trivial() -> None:
    """The comparison covers the real content: most mapped fields occur in the snapshot."""
    keys = set().union(*(project(s).keys() for s in SNAPSHOT))
    assert keys >= {
        "ident",
        "status",
        "lead",
        "collaborators",
        "summary",
        "detailed",
        "conditions",
        "keywords",
        "studyType",
        "phases",
        "design",
        "enrollment",
        "arms",
        "interventions",
        "primary",
        "secondary",
        "eligibility",
        "locations",
        "condition_mesh",
        "source_date",
    }
    mutated = copy.deepcopy(SNAPSHOT[0])
    mutated["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += " changed"
    assert project(mutated) != project(SNAPSHOT[0])


@pytest.mark.postgres
def test_postgres_round_trip_of_every_snapshot_record(pg_dsn: str) -> None:
    load_postgres(pg_dsn, Exporter().add_all(SNAPSHOT))
    imported = list(read_aact_db(pg_dsn, schema=None, batch_size=200))
    assert_round_trip(imported)
    # The full record with sites keeps coordinates and the arm/intervention links.
    pallas = next(s for s in imported if nct_of(s) == "NCT02513394")
    locs = pallas["protocolSection"]["contactsLocationsModule"]["locations"]
    assert len(locs) > 400 and all("geoPoint" in loc for loc in locs[:10])
    arm_a = pallas["protocolSection"]["armsInterventionsModule"]["armGroups"][0]
    assert arm_a["interventionNames"] == [
        "Drug: Palbociclib",
        "Drug: Standard Adjuvant Endocrine Therapy",
    ]
    assert pallas["provenance"]["source"] == "aact"


@pytest.mark.postgres
def test_postgres_incremental_and_resume(pg_dsn: str) -> None:
    load_postgres(pg_dsn, Exporter().add_all(SNAPSHOT))
    recent = list(read_aact_db(pg_dsn, schema=None, since=dt.date(2023, 1, 1)))
    expected = sorted(
        nct_of(s)
        for s in SNAPSHOT
        if s["protocolSection"]
        .get("statusModule", {})
        .get("lastUpdatePostDateStruct", {})
        .get("date", "")
        >= "2023-01-01"
    )
    assert [nct_of(s) for s in recent] == expected and expected
    after = sorted(nct_of(s) for s in SNAPSHOT)[1000]
    rest = [nct_of(s) for s in read_aact_db(pg_dsn, schema=None, after=after)]
    assert rest == sorted(nct_of(s) for s in SNAPSHOT)[1001:]


@pytest.mark.postgres
def test_postgres_explicit_schema_missing_tables_and_unreachable_server(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None
    schema = row[0]
    plain_dsn = pg_dsn.split("?")[0]  # no search_path: the schema is named explicitly
    with pytest.raises(AactError, match="no 'studies' table"):
        next(read_aact_db(plain_dsn, schema=schema))
    load_postgres(pg_dsn, Exporter().add_all(SNAPSHOT[:40]))
    got = [nct_of(s) for s in read_aact_db(plain_dsn, schema=schema, batch_size=7)]
    assert got == sorted(nct_of(s) for s in SNAPSHOT[:40])
    with pytest.raises(AactError, match="cannot connect"):
        next(read_aact_db("postgresql://postgres@127.0.0.1:1/none"))


def test_flat_files_round_trip_with_legacy_labels(tmp_path: Path) -> None:
    exporter = Exporter(legacy=True).add_all(SNAPSHOT)
    folder = write_flat_files(exporter, tmp_path / "flat")
    studies_txt = (folder / "studies.txt").read_text(encoding="utf-8")
    assert "|Recruiting|" in studies_txt and "|Interventional|" in studies_txt
    assert_round_trip(list(read_aact_flat(folder, batch_size=300)))


def test_flat_files_zip_round_trip(tmp_path: Path) -> None:
    archive = write_flat_files(Exporter().add_all(SNAPSHOT), tmp_path / "zip", as_zip=True)
    assert archive.suffix == ".zip"
    imported = list(read_aact_flat(archive))
    assert_round_trip(imported)
    assert imported[0]["provenance"]["source"] == "aact-flat"


def test_flat_files_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(AactError, match="no such file"):
        FlatFileAact(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(AactError, match=r"no studies\.txt"):
        FlatFileAact(tmp_path / "empty")
    bad = tmp_path / "bad"
    write_flat_files(Exporter().add_all(SNAPSHOT[:3]), bad)
    with open(bad / "conditions.txt", "a", encoding="utf-8") as fh:
        fh.write("1|NCT00000001\n")
    with pytest.raises(AactError, match=r"conditions\.txt line \d+: 2 fields"):
        FlatFileAact(bad)


def test_enum_spellings() -> None:
    assert enum("Active, not recruiting") == "ACTIVE_NOT_RECRUITING"
    assert enum("RECRUITING") == "RECRUITING"
    assert enum("Parallel Assignment") == "PARALLEL"
    assert enum("Dietary Supplement") == "DIETARY_SUPPLEMENT"
    assert enum("Anticipated") == "ESTIMATED"
    assert enum("Early Phase 1") == "EARLY_PHASE1"
    assert phases("Phase 1/Phase 2") == ["PHASE1", "PHASE2"]
    assert phases("PHASE2/PHASE3") == ["PHASE2", "PHASE3"]
    assert phases("N/A") == ["NA"]
    assert phases(None) == []
    assert set(DDL) >= {"studies", "facilities", "calculated_values", "intervention_other_names"}
