"""``import-aact``: the snapshot exported to AACT form and imported into a store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from osteotrials.cli import cli
from osteotrials.model import Trial
from osteotrials.sources.aact import FlatFileAact
from osteotrials.sources.ctgov_json import trial_from_study
from osteotrials.store import SQLiteStore
from osteotrials.sync.imports import import_aact
from support.aact_export import Exporter, load_postgres, write_flat_files
from support.replay_server import nct_of, snapshot_studies

SNAPSHOT = snapshot_studies(stamp_dates=False, keep_provenance=True)
IGNORED = {"raw", "provenance", "record_version", "record_version_basis"}


def comparable(trial: Trial) -> dict[str, Any]:
    return trial.model_dump(exclude=IGNORED)


def expected_trials() -> dict[str, dict[str, Any]]:
    return {nct_of(s): comparable(trial_from_study(s)) for s in SNAPSHOT}


def test_import_aact_flat_files_into_a_new_database(tmp_path: Path) -> None:
    folder = write_flat_files(Exporter(legacy=True).add_all(SNAPSHOT), tmp_path / "aact")
    db = tmp_path / "aact.sqlite"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(db), "import-aact", "--flat", str(folder), "--no-compile", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{") :])
    assert (out["studies"], out["new"], out["total"]) == (1253, 1253, 1253)
    with SQLiteStore(db) as store:
        assert store.info().sources == {"aact-flat": 1253}
        got = {t.nct_id: comparable(t) for t in store.iter_trials()}
        # Records with a source date keep it as their version (AACT nlm_download_date).
        agent = store.get_trial("NCT06374459")
        assert agent is not None and agent.record_version_basis == "source_date"
    assert got == expected_trials()
    again = runner.invoke(
        cli, ["--db", str(db), "import-aact", "--flat", str(folder), "--no-compile", "--json"]
    )
    again_out = json.loads(again.output[again.output.index("{") :])
    assert (again_out["new"], again_out["unchanged"]) == (0, 1253)


@pytest.mark.postgres
def test_import_aact_from_postgres(tmp_path: Path, pg_dsn: str) -> None:
    load_postgres(pg_dsn, Exporter().add_all(SNAPSHOT))
    with psycopg.connect(pg_dsn) as conn:
        row = conn.execute("SELECT current_schema()").fetchone()
    assert row is not None
    db = tmp_path / "aact-db.sqlite"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db),
            "import-aact",
            "--dsn",
            pg_dsn.split("?")[0],
            "--schema",
            row[0],
            "--no-compile",
            "--json",
            "--since",
            "2023-01-01",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{") :])
    # Only the two full API v2 records were updated on ClinicalTrials.gov since 2023.
    assert out["studies"] == 2 and out["since"] == "2023-01-01"
    with SQLiteStore(db) as store:
        assert store.nct_ids() == ["NCT02513394", "NCT03377387"]
        pallas = store.get_trial("NCT02513394")
        original = trial_from_study(next(s for s in SNAPSHOT if nct_of(s) == "NCT02513394"))
        assert pallas is not None and pallas.record_version == original.record_version
        assert comparable(pallas) == comparable(original)
        assert len(pallas.locations) > 400 and pallas.locations[0].lat is not None


def test_interrupted_import_resumes_after_the_last_batch(tmp_path: Path) -> None:
    folder = write_flat_files(Exporter().add_all(SNAPSHOT), tmp_path / "aact")
    store = SQLiteStore(tmp_path / "resume.sqlite")
    calls: list[int] = []

    def stop_after_three_batches(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with FlatFileAact(folder) as source:
        with pytest.raises(KeyboardInterrupt):
            import_aact(
                store,
                source,
                origin="flat",
                batch_size=100,
                compile_criteria=False,
                progress=stop_after_three_batches,
            )
        assert store.count() == 300
        summary = import_aact(store, source, origin="flat", batch_size=100, compile_criteria=False)
    assert summary.resumed and summary.studies == 1253 and summary.new == 1253
    assert store.count() == 1253
    store.close()


def test_import_aact_needs_exactly_one_source(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.sqlite"), "import-aact"])
    assert r.exit_code == 2 and "exactly one of --dsn or --flat" in r.output
    r = CliRunner().invoke(
        cli,
        [
            "--db",
            str(tmp_path / "x.sqlite"),
            "import-aact",
            "--dsn",
            "postgresql://postgres@127.0.0.1:1/x",
        ],
    )
    assert r.exit_code == 1 and "cannot connect to the AACT database" in r.output


def _bulk_zip(path: Path, studies: list[dict[str, Any]]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", "ClinicalTrials.gov bulk download (test copy)")
        for study in studies:
            zf.writestr(f"{nct_of(study)}.json", json.dumps(study))
        zf.writestr("NCT99999999.json", '{"protocolSection": {')  # cut short
    return path


def test_import_bulk_zip_skips_bad_members_and_resumes(tmp_path: Path) -> None:
    from osteotrials.sync.imports import import_bulk

    served = snapshot_studies()  # as the API serves them: no provenance key
    archive = _bulk_zip(tmp_path / "ctg-studies.zip", served)
    db = tmp_path / "bulk.sqlite"
    store = SQLiteStore(db)
    calls: list[int] = []

    def interrupt(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_bulk(store, archive, batch_size=250, compile_criteria=False, progress=interrupt)
    assert store.count() == 500
    store.close()
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(db),
            "import-bulk",
            str(archive),
            "--batch-size",
            "250",
            "--no-compile",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{") :])
    assert out["resumed"] is True and out["studies"] == 1253 and out["skipped"] == 1
    assert out["total"] == 1255 and "NCT99999999.json" in out["skipped_examples"][0]
    with SQLiteStore(db) as store:
        assert store.info().sources == {"ctgov-bulk": 1253}
        got = {t.nct_id: comparable(t) for t in store.iter_trials()}
    assert got == {nct_of(s): comparable(trial_from_study(s)) for s in served}
