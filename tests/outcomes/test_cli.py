"""The `osteotrials outcomes` commands: JSON keys from issue 7, readable errors."""

from __future__ import annotations

import json
from html import escape as html_escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from osteotrials.cli import cli

from .conftest import Editor


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["outcomes", *args])
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict[str, object]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_bed_json() -> None:
    d = run_json("bed", "--dose", "27", "--fractions", "3", "--alpha-beta", "10")
    assert d["bed"] == pytest.approx(51.3)
    assert d["eqd2"] == pytest.approx(42.75)
    assert d["lq_extrapolated"] is True
    d2 = run_json("bed", "--dose", "8", "--fractions", "1", "--structure", "spinal_cord")
    assert (d2["bed"], d2["eqd2"], d2["alpha_beta_gy"]) == (40.0, 20.0, 2.0)


def test_pain_response_json() -> None:
    d = run_json(
        "pain-response",
        "--baseline-nrs",
        "6",
        "--followup-nrs",
        "3",
        "--baseline-ome",
        "30",
        "--followup-ome",
        "30",
    )
    assert d["category"] == "partial"
    assert d["baseline_band"] == "moderate"
    # opioid lists with a named profile: 40 -> 20 mg/day oxycodone = 60 -> 30 OME (-50%)
    d2 = run_json(
        "pain-response",
        "--baseline-nrs",
        "5",
        "--followup-nrs",
        "5",
        "--baseline-opioids",
        "oxycodone_oral 40 mg/day",
        "--followup-opioids",
        "oxycodone_oral 20 mg/day",
        "--ome-profile",
        "cdc_2022",
    )
    assert (d2["category"], d2["baseline_ome"], d2["followup_ome"]) == ("partial", 60.0, 30.0)
    assert d2["ome_profile"] == "cdc_2022"


def test_ctcae_json() -> None:
    d = run_json("ctcae", "--test", "neutrophils", "--value", "0.8", "--unit", "10^9/L")
    assert d["grade"] == 3
    d2 = run_json(
        "ctcae",
        "--test",
        "alt",
        "--value",
        "301",
        "--unit",
        "U/L",
        "--uln",
        "40",
        "--baseline",
        "60",
    )
    assert d2["grade"] == 3


def test_percist_json() -> None:
    d = run_json("percist", "--baseline-sulpeak", "8.0", "--followup-sulpeak", "5.0")
    assert d["category"] == "PMR"
    assert (
        run_json("percist", "--baseline-sulpeak", "4", "--followup-sulpeak", "2.8", "--strict")[
            "category"
        ]
        == "SMD"
    )


def test_za_dose_json() -> None:
    assert run_json("za-dose", "--crcl", "45")["dose_mg"] == 3.3
    d = run_json("za-dose", "--crcl", "25")
    assert d["dose_mg"] is None and d["recommended"] is False
    # (140 - 70) * 60 / (72 * 1.3) * 0.85 = 38.1 -> 3.0 mg
    d2 = run_json("za-dose", "--age", "70", "--weight", "60", "--creatinine", "1.3", "--sex", "F")
    assert d2["crcl_ml_min"] == pytest.approx(70 * 60 / (72 * 1.3) * 0.85)
    assert d2["dose_mg"] == 3.0


def test_mda_json() -> None:
    d = run_json("mda", "--lytic", "sclerotic_rim", "--bone-scan", "regression")
    assert d["category"] == "PR"
    assert run_json("mda", "--size-change-pct", "25")["category"] == "PD"
    d2 = run_json("mda", "--bone-scan", "increased", "--flare-not-excluded")
    assert d2["category"] == "PD" and d2["warnings"]


def test_cdk46_levels_json() -> None:
    code, out, _ = run("cdk46-levels", "ribociclib", "--json")
    assert code == 0
    assert json.loads(out)[0]["levels_mg"] == [600, 400, 200]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ctcae", "--test", "neutrophils", "--value", "0.8", "--unit", "mg/dL"], "unit:"),
        (["ctcae", "--test", "sodium", "--value", "130", "--unit", "mmol/L"], "test:"),
        (["bed", "--dose", "-8", "--fractions", "1", "--alpha-beta", "10"], "total_dose_gy:"),
        (["bed", "--dose", "8", "--fractions", "1"], "alpha_beta:"),
        (["pain-response", "--baseline-nrs", "12", "--followup-nrs", "3"], "baseline_nrs:"),
        (["za-dose", "--age", "70"], "crcl:"),
        (["percist", "--baseline-sulpeak", "-1", "--followup-sulpeak", "2"], "sulpeak:"),
        (["cdk46-levels", "trilaciclib"], "drug:"),
        (["mda"], "read:"),
    ],
)
def test_errors_exit_nonzero_without_traceback(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code != 0
    assert needle in err
    assert "Traceback" not in out + err


def test_report_html_and_json(example_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, stdout, err = run("report", str(example_registry), "--out", str(out), "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["cohort"]["patients"] == 40
    assert "NCB = " in data["definitions"]["net_clinical_benefit"]
    html = out.read_text(encoding="utf-8")
    # autoescaped: ">=" appears as "&gt;="
    assert html_escape(data["net_clinical_benefit"]["definition"]["text"], quote=False) in html
    # the JSON is stable: a second run prints the same bytes
    code2, stdout2, _ = run("report", str(example_registry), "--json")
    assert code2 == 0 and stdout2 == stdout


def test_report_human_summary_prints_definition(example_registry: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        "report", str(example_registry), "--ncb-systemic-change", "--plots-dir", str(tmp_path / "p")
    )
    assert code == 0
    assert "NCB definition" in out
    assert "discontinuation for toxicity" in " ".join(out.split())
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "km_os.png",
        "km_pfs.png",
        "km_sre_free.png",
        "km_time_to_first_sre.png",
    ]


def test_report_invalid_registry(registry_copy: Path, edit_cell: Editor, tmp_path: Path) -> None:
    edit_cell("pain_assessments", 0, "worst_nrs", "11")
    out = tmp_path / "report.html"
    code, stdout, err = run("report", str(registry_copy), "--out", str(out))
    assert code == 1
    assert "pain_assessments.csv, row 2, column 'worst_nrs'" in err
    assert "nothing was imported" in err
    assert not out.exists()
    assert "Traceback" not in stdout + err


def test_validate(example_registry: Path, registry_copy: Path, edit_cell: Editor) -> None:
    ok = run_json("validate", str(example_registry))
    assert ok["valid"] is True and ok["patients"] == 40
    edit_cell("rt_courses", 4, "fractions", "0")
    code, out, _ = run("validate", str(registry_copy), "--json")
    assert code == 1
    errs = json.loads(out)["errors"]
    assert errs == [
        {
            "file": "rt_courses.csv",
            "row": 6,
            "column": "fractions",
            "message": "fractions 0 is outside 1-50",
        }
    ]


def test_help_has_examples() -> None:
    for cmd in ("report", "bed", "pain-response", "ctcae", "percist", "za-dose", "validate", "mda"):
        code, out, _ = run(cmd, "--help")
        assert code == 0
        assert "Examples:" in out


def test_report_timepoint_errors_and_1m(example_registry: Path) -> None:
    code, _, err = run("report", str(example_registry), "--timepoint", "baseline")
    assert code == 1 and "timepoint:" in err
    code, _, err = run("report", str(example_registry), "--timepoint", "6m")
    assert code == 1 and "no pain assessment is labelled '6m'" in err
    d = run_json("report", str(example_registry), "--timepoint", "1m")
    assert d["nrs"]["paired"]["n"] == d["nrs"]["means"]["1m"]["n"]
    assert "at 1m" in d["definitions"]["net_clinical_benefit"]


def test_za_dose_adjusted_weight() -> None:
    # IBW(160 cm, F) = 45.5 + 2.3 * (160/2.54 - 60); adjusted = IBW + 0.4 * (95 - IBW)
    ibw = 45.5 + 2.3 * (160 / 2.54 - 60)
    adj = ibw + 0.4 * (95 - ibw)
    d = run_json(
        "za-dose",
        *("--age", "70", "--weight", "95", "--creatinine", "115", "--creatinine-unit", "umol/L"),
        *("--sex", "F", "--weight-basis", "adjusted", "--height", "160"),
    )
    assert d["crcl_ml_min"] == pytest.approx(70 * adj * 1.04 / 115)
    assert d["dose_mg"] == 3.3
    code, _, err = run(
        "za-dose",
        "--age",
        "70",
        "--weight",
        "95",
        "--creatinine",
        "1",
        "--sex",
        "F",
        "--weight-basis",
        "ideal",
    )
    assert code == 1 and "height_cm:" in err


def test_report_title_is_escaped(example_registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, _, err = run(
        "report", str(example_registry), "--out", str(out), "--title", "SYNTHETIC <b>demo</b>"
    )
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<h1>SYNTHETIC &lt;b&gt;demo&lt;/b&gt;</h1>" in html
