"""`osteotrials match`, `questions` and `ask`, run as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from osteotrials.cli import cli
from paths import EXAMPLE_PATIENTS

MAIN = EXAMPLE_PATIENTS / "hr-her2low-bone-only-post-cdk46.yaml"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_match_json_contract() -> None:
    result = run("match", str(MAIN), "--json", "--limit", "5", "--as-of", "2026-01-05")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 5
    for t in data:
        for key in (
            "nct_id",
            "title",
            "verdict",
            "score",
            "record_version",
            "criteria",
            "blocking",
            "missing",
            "nearest_site",
        ):
            assert key in t
        assert t["verdict"] in ("eligible", "possibly_eligible", "ineligible")
        for c in t["criteria"]:
            assert {"text", "kind", "status", "evidence"} <= set(c)
    order = {"eligible": 0, "possibly_eligible": 1, "ineligible": 2}
    ranks = [order[t["verdict"]] for t in data]
    assert ranks == sorted(ranks)
    # the best trials of the snapshot meet every criterion but are NLI4CT copies without
    # the registry's sex / age fields: possibly eligible, and the missing fact says so
    assert data[0]["verdict"] == "possibly_eligible"
    assert "record_incomplete" in {m["key"] for m in data[0]["missing"]}


def test_match_human_output_groups_by_verdict() -> None:
    result = run("match", str(MAIN), "--limit", "400", "--as-of", "2026-01-05")
    assert result.exit_code == 0, result.output
    assert "snapshot of 2026-01-05" in result.output
    assert "Possibly eligible" in result.output
    assert "nothing fails, something is unknown" in result.output
    assert "Next best question" in result.output


def test_match_human_output_marks_trials_only_a_washout_blocks() -> None:
    her2 = EXAMPLE_PATIENTS / "her2-positive-treated-brain-mets.yaml"
    result = run("match", str(her2), "--limit", "400", "--as-of", "2026-01-05")
    assert result.exit_code == 0, result.output
    words = " ".join(result.output.split())  # the terminal wraps lines
    assert "of the not eligible are blocked only by a washout" in words
    # the first ineligible row is such a trial (its cell wraps inside the table)
    rows = result.output.split("Not eligible: at least one criterion fails")[1].splitlines()
    first = next(i for i, line in enumerate(rows) if "NCT" in line)
    cell = " ".join(line.split("│")[4].strip() for line in rows[first : first + 4])
    assert cell.startswith("⏳ Not eligible today; may open")


def test_match_filters() -> None:
    result = run(
        "match",
        str(MAIN),
        "--json",
        "--status",
        "recruiting",
        "--near",
        "02115",
        "--radius-km",
        "500",
        "--as-of",
        "2026-01-05",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data
    assert all(t["overall_status"] == "RECRUITING" for t in data)
    assert all(t["nearest_site"]["distance_km"] <= 500 for t in data)


def test_questions_json() -> None:
    result = run("questions", str(MAIN), "--json", "--as-of", "2026-01-05")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data
    for q in data:
        assert q["patient_text"] and q["coordinator_text"]
        assert "answers" in q and "field" in q and q["trials"] >= 1


def _minimal(tmp_path: Path) -> Path:
    path = tmp_path / "patient.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "sex": "female",
                "birth_date": "1961-02-03",
                "receptors": {"er_percent": 90, "pr_percent": 20, "her2_ihc": "1+"},
                "disease": {"bone_lesions": [{"site": "T9", "type": "blastic"}]},
            }
        )
    )
    return path


def test_ask_i_dont_know_changes_nothing(tmp_path: Path) -> None:
    path = _minimal(tmp_path)
    before = path.read_text()
    result = run("ask", str(path), "--as-of", "2026-01-05", "--max-questions", "3", input="\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Nothing changed." in result.output
    assert path.read_text() == before


def test_ask_updates_the_file_after_confirming(tmp_path: Path) -> None:
    path = _minimal(tmp_path)
    # answer the first option of each question, then confirm the save
    result = run(
        "ask", str(path), "--as-of", "2026-01-05", "--max-questions", "3", input="1\n1\n1\ny\n"
    )
    assert result.exit_code == 0, result.output
    assert "Changes:" in result.output and "->" in result.output
    assert "Written to" in result.output
    data = yaml.safe_load(path.read_text())
    assert data["sex"] == "female" and data["receptors"]["er_percent"] == 90
    changes = result.output.split("Changes:", 1)[1].split("eligible:", 1)[0]
    recorded = [line.split(" = ")[0].strip() for line in changes.splitlines() if " = " in line]
    assert recorded
    for dotted in recorded:  # every recorded answer is in the file now
        node = data
        for part in dotted.split("."):
            assert part in node, dotted
            node = node[part]


def test_ask_declined_save_writes_nothing(tmp_path: Path) -> None:
    path = _minimal(tmp_path)
    before = path.read_text()
    result = run(
        "ask", str(path), "--as-of", "2026-01-05", "--max-questions", "2", input="1\n1\nn\n"
    )
    assert result.exit_code == 0, result.output
    assert "Not written." in result.output
    assert path.read_text() == before


def test_bad_patient_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    shutil.copy(MAIN, bad)
    text = bad.read_text().replace("er_percent: 95", "er_percent: 140")
    text = text.replace("performance: {ecog: 1,", "performance: {ecog: 7,")
    bad.write_text(text)
    result = CliRunner().invoke(cli, ["match", str(bad), "--as-of", "2026-01-05"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "receptors.er_percent" in result.output
    assert "performance.ecog" in result.output


def test_washout_count_agrees_with_its_verb() -> None:
    # one such trial for this patient on this date, many for the HER2-positive example
    for name in ("hr-her2low-bone-only-post-cdk46", "her2-positive-treated-brain-mets"):
        path = EXAMPLE_PATIENTS / f"{name}.yaml"
        result = run("match", str(path), "--limit", "5", "--as-of", "2026-11-29")
        assert result.exit_code == 0, result.output
        words = " ".join(result.output.split())
        m = re.search(r"(\d+) of the not eligible (is|are) blocked only by a washout", words)
        assert m is not None, words[:400]
        assert (m.group(2) == "is") == (m.group(1) == "1")
