"""CLI: osteotrials criteria / criteria-coverage on a small ingested database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from osteotrials.cli import cli
from osteotrials.criteria import PARSER_VERSION
from osteotrials.model import Trial
from osteotrials.store import open_store

WANTED = ("NCT00869206", "NCT03377387", "NCT00003782", "NCT00089999")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, trials: list[Trial]) -> str:
    path = tmp_path_factory.mktemp("criteria-cli") / "trials.sqlite"
    with open_store(str(path), write=True) as store:
        store.upsert_trials([t for t in trials if t.nct_id in WANTED])
    return str(path)


def test_criteria_json(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "criteria", "NCT00869206", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert isinstance(items, list) and items
    for item in items:
        assert {"text", "kind", "constraints", "unparsed_reason"} <= set(item)
    families = {c["family"] for i in items for c in i["constraints"]}
    assert {"bone_agent", "lab", "disease_sites"} <= families


def test_criteria_table_and_unknown_trial(db: str) -> None:
    ok = CliRunner().invoke(cli, ["--db", db, "criteria", "nct00089999"])
    assert ok.exit_code == 0 and "NCT00089999" in ok.output and "performance_status" in ok.output
    missing = CliRunner().invoke(cli, ["--db", db, "criteria", "NCT99999999"])
    assert missing.exit_code != 0 and "not in the trial database" in missing.output
    usage = CliRunner().invoke(cli, ["--db", db, "criteria"])
    assert usage.exit_code != 0


def test_coverage_json_and_source_filter(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "criteria-coverage", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["trials"] == len(WANTED)
    assert {"trials", "items", "typed", "unparsed", "typed_share", "by_family"} <= set(report)
    only = json.loads(
        CliRunner()
        .invoke(cli, ["--db", db, "criteria-coverage", "--source", "nli4ct", "--json"])
        .output
    )
    assert 0 < only["trials"] < len(WANTED)
    none = CliRunner().invoke(cli, ["--db", db, "criteria-coverage", "--source", "nope"])
    assert none.exit_code != 0


def test_recompile(db: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db, "criteria", "--recompile", "--force", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out == {"recompiled": len(WANTED), "parser_version": PARSER_VERSION}
    assert Path(db).exists()
