"""The corpus commands, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from osteotrials.cli import cli
from osteotrials.store import SQLiteStore, default_user_db
from paths import SNAPSHOT_JSONL, TRIAL_FIXTURES

NERATINIB = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service-breastcancertrials.org"
PALLAS = TRIAL_FIXTURES / "mcode-clinical-trial-matching-service"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_data_info_on_the_bundled_snapshot() -> None:
    result = run("data", "info", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["trials"] == 1253
    assert info["snapshot_date"] == "2026-01-05"
    assert info["sources"]["nli4ct"] == 986
    assert info["read_only"] is True and info["db_path"].endswith("snapshot.sqlite")
    table = run("data", "info")
    assert "1253" in table.output and "2026-01-05" in table.output


def test_search_json_contract() -> None:
    result = run("search", "bone", "metastases", "zoledronic", "acid", "--json", "--limit", "5")
    assert result.exit_code == 0
    hits = json.loads(result.output)
    assert len(hits) == 5
    for hit in hits:
        assert {"nct_id", "title", "status", "phases", "score", "record_version"} <= hit.keys()
    assert "NCT00869206" in {h["nct_id"] for h in hits}
    filtered = json.loads(
        run(
            "search",
            "breast cancer",
            "--status",
            "recruiting",
            "--phase",
            "2",
            "--type",
            "interventional",
            "--json",
        ).output
    )
    assert filtered and all(
        h["status"] == "RECRUITING" and "PHASE2" in h["phases"] for h in filtered
    )


def test_search_without_results_exits_non_zero() -> None:
    result = CliRunner().invoke(cli, ["search", "xyzzyplugh"])
    assert result.exit_code == 1
    assert "No trials match" in result.output
    assert json.loads(run("search", "xyzzyplugh", "--json").output) == []


def test_show_json_contract_and_unknown_id() -> None:
    result = run("show", "nct03377387", "--json")
    assert result.exit_code == 0
    trial = json.loads(result.output)
    assert trial["nct_id"] == "NCT03377387"
    assert trial["title"].startswith("Capecitabine 7/7")
    assert trial["status"] == "ACTIVE_NOT_RECRUITING"
    assert "ECOG" in trial["eligibility_criteria"]
    assert trial["record_version"] == "2023-04-18"
    assert len(trial["locations"]) == 10 and "raw" not in trial
    missing = CliRunner().invoke(cli, ["show", "NCT99999999"])
    assert missing.exit_code == 1 and "No trial NCT99999999" in missing.output
    malformed = CliRunner().invoke(cli, ["show", "12345"])
    assert malformed.exit_code == 2 and "not an NCT id" in malformed.output


def test_show_human_output_names_version_and_snapshot() -> None:
    output = run("show", "NCT00869206").output
    assert "Record version" in output and "Data snapshot" in output and "2026-01-05" in output


def test_ingest_fixtures_json_and_xml_into_a_new_database(tmp_path: Path) -> None:
    db = str(tmp_path / "mine.sqlite")
    result = run(
        "--db", db, "ingest", str(NERATINIB / "NCT03377387.xml"), str(PALLAS / "NCT02513394.json")
    )
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    info = json.loads(run("--db", db, "data", "info", "--json").output)
    assert info["trials"] == 2 and info["read_only"] is False
    # the newer JSON version replaces the XML one and keeps the older criteria text
    run("--db", db, "ingest", str(NERATINIB / "NCT03377387.json"))
    shown = json.loads(run("--db", db, "show", "NCT03377387", "--json", "--history").output)
    assert shown["record_version"] == "2023-04-18"
    assert [v["record_version"] for v in shown["criteria_history"]] == ["2020-07-14", "2023-04-18"]


def test_bad_record_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "mine.sqlite"
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"studies": [{"protocolSection": {"identificationModule": {"nctId": "NCT0001"}}}]}'
    )
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(SNAPSHOT_JSONL.read_text().splitlines()[:30]) + "\n")
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(good), str(bad)])
    assert result.exit_code == 1
    assert "bad.json studies[0]" in result.output and "not an NCT id" in result.output
    assert "Nothing was written" in result.output
    store = SQLiteStore(db)
    assert store.count() == 0
    store.close()


def test_skip_bad_keeps_the_good_records_and_reports_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "mine.sqlite"
    jsonl = tmp_path / "mixed.jsonl"
    lines = SNAPSHOT_JSONL.read_text().splitlines()[:4]
    lines.insert(2, "{not json")
    jsonl.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--skip-bad", str(jsonl)])
    assert result.exit_code == 0
    assert "4 new" in result.output
    assert "Skipped 1 bad record" in result.output and "mixed.jsonl:3" in result.output


def test_ingest_without_db_creates_the_user_database_from_the_snapshot() -> None:
    assert not default_user_db().exists()
    run("ingest", str(NERATINIB / "NCT03377387.xml"))  # an older version of a bundled record
    assert default_user_db().exists()
    info = json.loads(run("data", "info", "--json").output)
    assert info["trials"] == 1253 and info["db_path"] == str(default_user_db())
    shown = json.loads(run("show", "NCT03377387", "--json").output)
    assert shown["record_version"] == "2020-07-14"


def test_failed_ingest_without_db_leaves_no_user_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<clinical_study><id_info>")
    result = CliRunner().invoke(cli, ["ingest", str(bad)])
    assert result.exit_code == 1 and "invalid XML" in result.output
    assert not default_user_db().exists()


def test_env_var_selects_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("OSTEOTRIALS_DB", str(db))
    run("ingest", str(NERATINIB / "NCT03377387.json"))
    assert json.loads(run("data", "info", "--json").output)["db_path"] == str(db)


def test_every_command_has_help_with_examples() -> None:
    for command in (["data"], ["ingest"], ["search"], ["show"]):
        output = run(*command, "--help").output
        assert "Examples:" in output, command


def test_python_dash_m_entry_point() -> None:
    command = [sys.executable, "-m", "osteotrials", "search", "neratinib", "--json"]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "NCT03377387" in {h["nct_id"] for h in json.loads(completed.stdout)}
