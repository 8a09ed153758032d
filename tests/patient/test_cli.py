"""`osteotrials patient-schema` and `osteotrials patient check`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from osteotrials.cli import cli
from paths import EXAMPLE_PATIENTS, MCODE_PATIENTS

MAIN_EXAMPLE = EXAMPLE_PATIENTS / "hr-her2low-bone-only-post-cdk46.yaml"
BROKEN_ECOG = (
    MCODE_PATIENTS
    / "broken"
    / (
        "BROKEN__clinical-trial-matching-service__patient_data_missing_birthdate_"
        "invalid_ecog_karnofsky.json"
    )
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_patient_schema_is_the_model_schema() -> None:
    result = run("patient-schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "osteotrials patient"
    assert "receptors" in schema["properties"]
    assert "Regimen" in schema["$defs"]


def test_check_the_main_example() -> None:
    result = run("patient", "check", str(MAIN_EXAMPLE), "--as-of", "2026-01-15")
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "Bone-only                       yes" in result.output
    assert "HER2                            low" in result.output
    assert "letrozole, palbociclib [endocrine, targeted]" in result.output


def test_check_json_output() -> None:
    result = run("patient", "check", str(MAIN_EXAMPLE), "--json", "--as-of", "2026-01-15")
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert (out["ok"], out["kind"], out["warnings"]) == (True, "yaml", [])
    assert out["derived"]["her2_category"] == "low"
    assert out["derived"]["lines"]["total"]["count"] == 1
    assert out["derived"]["as_of"] == "2026-01-15"
    assert out["patient"]["postal_code"] == "02115"


def test_check_a_broken_bundle_fails_with_the_resource_named() -> None:
    result = CliRunner().invoke(cli, ["patient", "check", str(BROKEN_ECOG)])
    assert result.exit_code == 1
    assert (
        "Observation/mCODEECOGPerformanceStatusExample: valueInteger -1 is not an ECOG grade"
        in (result.output)
    )
    assert str(BROKEN_ECOG) in result.output


def test_check_json_failure_lists_errors_and_warnings() -> None:
    result = CliRunner().invoke(cli, ["patient", "check", str(BROKEN_ECOG), "--json"])
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["ok"] is False
    assert {e["path"] for e in out["errors"]} == {
        "Observation/mCODEECOGPerformanceStatusExample",
        "Observation/mCODEKarnofskyPerformanceStatusExample",
    }
    assert any("no birthDate" in w["message"] for w in out["warnings"])


def test_check_bad_yaml_and_bad_date(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("receptors: {er_percent: 140}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["patient", "check", str(bad)])
    assert result.exit_code == 1
    assert "receptors.er_percent: ER 140 % is not a percentage" in result.output
    result = CliRunner().invoke(cli, ["patient", "check", str(bad), "--as-of", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a date" in result.output


def test_check_shows_uncertain_lines_for_a_bundle() -> None:
    bundle = MCODE_PATIENTS / "clinical-trial-matching-app__TrialMatching_Patient02.json"
    result = run("patient", "check", str(bundle), "--as-of", "2026-01-15")
    assert result.exit_code == 0
    assert "1-8 (uncertain)" in result.output
    assert "(may belong to the previous line)" in result.output


def test_help_has_examples() -> None:
    for args in (
        ["patient", "--help"],
        ["patient", "check", "--help"],
        ["patient-schema", "--help"],
    ):
        result = run(*args)
        assert result.exit_code == 0
        assert "Examples:" in result.output


def test_console_script_runs_patient_check() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "osteotrials", "patient", "check", str(MAIN_EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
