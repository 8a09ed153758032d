"""The report's figures on the synthetic example registry.

Expected values are computed here from the CSV files with plain Python (own
ICE rules, own CTCAE grade->=3 checks, own PERCIST rules, own product-limit
and log-rank), never through osteotrials.outcomes, so a bug in the toolkit
cannot hide in the expectation.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as st

from osteotrials.outcomes.analysis import AnalysisConfig, analyse
from osteotrials.outcomes.ncb import NCBDefinition
from osteotrials.outcomes.registry import load_registry
from osteotrials.report.outcomes_report import render_html

from .conftest import read_csv

CDC = {
    "oxycodone_oral": 1.5,
    "morphine_oral": 1.0,
    "fentanyl_transdermal": 2.4,
    "tramadol_oral": 0.2,
}
RELATED = {"rt", "cdk46i", "rt_and_cdk46i"}
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def csvs(example_registry: Path) -> dict[str, list[dict[str, str]]]:
    return {p.stem: read_csv(p) for p in example_registry.glob("*.csv")}


@pytest.fixture(scope="module")
def report(example_registry: Path) -> dict[str, Any]:
    return analyse(load_registry(example_registry)).data


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def ome(cell: str) -> float | None:
    if cell == "":
        return None
    if cell == "none":
        return 0.0
    total = 0.0
    for part in cell.split(";"):
        drug, amount, _unit = part.split()
        total += float(amount) * CDC[drug]
    return total


def ice(b: int, f: int, bo: float | None, fo: float | None) -> str:
    """Independent statement of the Chow 2012 rules (baseline >= 2 checked by caller)."""
    if bo is None or fo is None:
        return "indeterminate"
    change = None if bo == 0 else (fo - bo) / bo
    if bo == 0 and fo > 0:
        change = math.inf
    if f == 0 and fo <= bo:
        return "complete"
    if f - b <= -2 and fo <= bo:
        return "partial"
    if change is not None and change <= -0.25 + 1e-12 and f <= b:
        return "partial"
    stable = (change is None) or abs(change) < 0.25 - 1e-12
    if f - b >= 2 and stable:
        return "progression"
    if change is not None and change >= 0.25 - 1e-12 and f - b in (0, 1):
        return "progression"
    return "indeterminate"


def test_cohort(csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]) -> None:
    c = report["cohort"]
    assert c["patients"] == len(csvs["patients"]) == 40
    assert c["lesions"] == len(csvs["lesions"])
    sbrt = sum(
        1
        for r in csvs["rt_courses"]
        if r["stereotactic"] == "yes"
        and int(r["fractions"]) <= 5
        and float(r["total_dose_gy"]) / int(r["fractions"]) >= 5
    )
    assert c["lesions_sbrt"] == sbrt
    assert c["lesions_non_sbrt"] == len(csvs["rt_courses"]) - sbrt
    for drug in ("palbociclib", "ribociclib", "abemaciclib"):
        n = sum(1 for p in csvs["patients"] if p["cdk46_inhibitor"] == drug)
        assert c["cdk46_inhibitor"][drug]["n"] == n
        assert c["cdk46_inhibitor"][drug]["percent"] == pytest.approx(100 * n / 40)
    # BED of 27 Gy/3 at alpha/beta 10 in the regimen table = 27 * (1 + 9/10)
    reg = {r["regimen"]: r for r in c["regimens"]}
    if "27 Gy/3 fx" in reg:
        assert reg["27 Gy/3 fx"]["bed"] == pytest.approx(51.3)
    assert sum(r["courses"] for r in c["regimens"]) == len(csvs["rt_courses"])


def nrs_pairs(csvs: dict[str, list[dict[str, str]]]) -> list[tuple[int, int]]:
    by: dict[str, dict[str, int]] = defaultdict(dict)
    for r in csvs["pain_assessments"]:
        by[r["patient_id"]][r["timepoint"]] = int(r["worst_nrs"])
    return [(v["baseline"], v["3m"]) for v in by.values() if "baseline" in v and "3m" in v]


def test_nrs_paired(csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]) -> None:
    pairs = nrs_pairs(csvs)
    paired = report["nrs"]["paired"]
    n = len(pairs)
    assert paired["n"] == n
    assert paired["mean_before"] == pytest.approx(sum(b for b, _ in pairs) / n)
    assert paired["mean_after"] == pytest.approx(sum(f for _, f in pairs) / n)
    diffs = [f - b for b, f in pairs]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
    half = st.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert paired["ci_low"] == pytest.approx(mean - half)
    assert paired["ci_high"] == pytest.approx(mean + half)
    ref = st.ttest_rel([f for _, f in pairs], [b for b, _ in pairs])
    assert paired["t_statistic"] == pytest.approx(ref.statistic)
    assert paired["p_value"] == pytest.approx(ref.pvalue, rel=1e-6)
    # COMBART-like shape: pain falls, significantly
    assert paired["mean_after"] < paired["mean_before"] and paired["p_value"] < 0.001
    baseline_all = [
        int(r["worst_nrs"]) for r in csvs["pain_assessments"] if r["timepoint"] == "baseline"
    ]
    assert report["nrs"]["means"]["baseline"]["mean"] == pytest.approx(
        sum(baseline_all) / len(baseline_all)
    )


def expected_pain(csvs: dict[str, list[dict[str, str]]]) -> dict[str, str | None]:
    by: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for r in csvs["pain_assessments"]:
        by[r["patient_id"]][r["timepoint"]] = r
    out: dict[str, str | None] = {}
    for p in csvs["patients"]:
        pid = p["patient_id"]
        b, f = by[pid].get("baseline"), by[pid].get("3m")
        if b is None or f is None:
            out[pid] = None
        elif int(b["worst_nrs"]) < 2:
            out[pid] = "not_evaluable"
        else:
            out[pid] = ice(
                int(b["worst_nrs"]), int(f["worst_nrs"]), ome(b["opioids"]), ome(f["opioids"])
            )
    return out


def test_pain_response(csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]) -> None:
    exp = expected_pain(csvs)
    pr = report["pain_response"]
    evaluable = {k: v for k, v in exp.items() if v != "not_evaluable"}
    for cat in ("complete", "partial", "indeterminate", "progression"):
        assert pr["counts"][cat] == sum(1 for v in evaluable.values() if v == cat), cat
    assert pr["counts"]["missing"] == sum(1 for v in evaluable.values() if v is None)
    responders = sum(1 for v in evaluable.values() if v in ("complete", "partial"))
    n_itt = len(evaluable)
    n_ass = sum(1 for v in evaluable.values() if v is not None)
    assert (pr["responders"], pr["n_itt"], pr["n_assessable"]) == (responders, n_itt, n_ass)
    lo, hi = wilson(responders, n_itt)
    assert pr["itt"]["estimate"] == pytest.approx(responders / n_itt)
    assert (pr["itt"]["ci_low"], pr["itt"]["ci_high"]) == pytest.approx((lo, hi))
    assert pr["assessable"]["estimate"] == pytest.approx(responders / n_ass)


def lab_grade3(
    rows: list[dict[str, str]], patients: dict[str, dict[str, str]]
) -> list[tuple[str, dt.date]]:
    """(patient, date) of on-treatment lab values at CTCAE grade >= 3, by the plain rules."""
    base: dict[tuple[str, str], tuple[dt.date, float]] = {}
    for r in rows:
        d = D(r["date"])
        if d <= D(patients[r["patient_id"]]["index_date"]):
            k = (r["patient_id"], r["test"])
            if k not in base or d >= base[k][0]:
                base[k] = (d, float(r["value"]))
    out = []
    for r in rows:
        pid, d, v = r["patient_id"], D(r["date"]), float(r["value"])
        if d <= D(patients[pid]["index_date"]):
            continue
        b = base.get((pid, r["test"]), (d, None))[1]
        if r["test"] == "neutrophils":
            g3 = v < 1.0
        elif r["test"] == "alt":
            uln = float(r["uln"])
            g3 = v > 5 * b if b is not None and b > uln else v > 5 * uln
        elif r["test"] == "qtc":
            g3 = v > 500 or (b is not None and v - b > 60)
        else:  # pragma: no cover - the example has no other tests
            raise AssertionError(r["test"])
        if g3:
            out.append((pid, d))
    return out


def test_net_clinical_benefit(
    csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]
) -> None:
    patients = {p["patient_id"]: p for p in csvs["patients"]}
    exp = expected_pain(csvs)
    fu_date = {
        r["patient_id"]: D(r["date"]) for r in csvs["pain_assessments"] if r["timepoint"] == "3m"
    }
    g3: dict[str, list[dt.date]] = defaultdict(list)
    for r in csvs["adverse_events"]:
        if int(r["grade"]) >= 3 and r["attribution"] in RELATED:
            g3[r["patient_id"]].append(D(r["onset_date"]))
    for pid, d in lab_grade3(csvs["labs"], patients):
        g3[pid].append(d)
    ncb = 0
    tox = 0
    n = 0
    for pid, cat in exp.items():
        if cat == "not_evaluable":
            continue
        n += 1
        start = D(patients[pid]["index_date"])
        end = fu_date.get(pid, start + dt.timedelta(days=round(3 * 365.25 / 12)))
        toxic = any(start <= d <= end for d in g3[pid])
        tox += toxic
        ncb += cat in ("complete", "partial") and not toxic
    b = report["net_clinical_benefit"]
    assert (b["itt"]["events"], b["itt"]["n"]) == (ncb, n)
    assert (b["itt"]["ci_low"], b["itt"]["ci_high"]) == pytest.approx(wilson(ncb, n))
    assert b["toxicity_ge_threshold_itt"]["events"] == tox
    assert "grade >= 3" in b["definition"]["text"]
    assert report["definitions"]["net_clinical_benefit"] == b["definition"]["text"]
    # the NCB can never exceed the pain-response rate
    assert b["itt"]["events"] <= b["pain_response_itt"]["events"]


def test_ncb_with_systemic_change_component(
    example_registry: Path, csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]
) -> None:
    cfg = AnalysisConfig(ncb=NCBDefinition(require_no_systemic_change=True))
    strict = analyse(load_registry(example_registry), cfg).data["net_clinical_benefit"]
    patients = {p["patient_id"]: p for p in csvs["patients"]}
    fu_date = {
        r["patient_id"]: D(r["date"]) for r in csvs["pain_assessments"] if r["timepoint"] == "3m"
    }
    base = {x["patient_id"]: x["ncb"] for x in report["net_clinical_benefit"]["patients"]}
    lost = 0
    for pid, ok in base.items():
        if not ok:
            continue
        start, end = D(patients[pid]["index_date"]), fu_date[pid]
        changed = any(
            t["patient_id"] == pid
            and t["drug"] == patients[pid]["cdk46_inhibitor"]
            and t["reason"] == "toxicity"
            and start <= D(t["date"]) <= end
            and (
                t["action"] in ("dose_reduction", "discontinuation")
                or (t["action"] == "interruption" and int(t["duration_days"]) >= 7)
            )
            for t in csvs["systemic_therapy"]
        )
        lost += changed
    assert strict["itt"]["events"] == report["net_clinical_benefit"]["itt"]["events"] - lost
    assert "discontinuation for toxicity" in strict["definition"]["text"]


def test_pet_distribution(csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]) -> None:
    by: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for r in csvs["pet_scans"]:
        by[r["patient_id"]][r["timepoint"]] = r
    counts: dict[str, int] = defaultdict(int)
    for scans in by.values():
        if "baseline" not in scans or "followup" not in scans:
            continue
        b, f = scans["baseline"], scans["followup"]
        sb, sf = float(b["sulpeak"]), float(f["sulpeak"])
        tb, tf = float(b["tlg"]), float(f["tlg"])
        measurable = sb >= 1.5 * float(b["liver_sul_mean"]) + 2 * float(b["liver_sul_sd"]) - 1e-9
        new = f["new_lesions"] == "yes"
        sul_up = (sf - sb) / sb > 0.3 + 1e-9 and sf - sb > 0.8 + 1e-9
        tlg_up = (tf - tb) / tb > 0.75 + 1e-9
        if new or sul_up or tlg_up:
            cat = "PMD"
        elif sf <= float(f["liver_sul_mean"]) + 1e-9:
            cat = "CMR"
        elif not measurable:
            cat = "NE"
        elif (sb - sf) / sb >= 0.3 - 1e-9 and sb - sf >= 0.8 - 1e-9:
            cat = "PMR"
        else:
            cat = "SMD"
        counts[cat] += 1
    dist = report["pet"]["distribution"]
    assert {k: v for k, v in dist.items() if v} == dict(counts)
    n = sum(counts.values())
    assert report["pet"]["binary_non_pmd"]["events"] == n - counts["PMD"]


def km_median(times: list[float], events: list[bool]) -> float | None:
    s = 1.0
    for t in sorted({t for t, e in zip(times, events, strict=True) if e}):
        at_risk = sum(1 for x in times if x >= t)
        d = sum(1 for x, e in zip(times, events, strict=True) if e and x == t)
        s *= 1 - d / at_risk
        if s <= 0.5:
            return t
    return None


def pfs_data(csvs: dict[str, list[dict[str, str]]]) -> tuple[list[float], list[bool], list[str]]:
    times, events, groups = [], [], []
    for p in csvs["patients"]:
        idx = D(p["index_date"])
        ev = sorted(
            D(e["date"])
            for e in csvs["events"]
            if e["patient_id"] == p["patient_id"]
            and e["event"] in ("progression", "death")
            and D(e["date"]) > idx
        )
        if ev:
            times.append((ev[0] - idx).days / (365.25 / 12))
            events.append(True)
        else:
            times.append((D(p["last_followup_date"]) - idx).days / (365.25 / 12))
            events.append(False)
        groups.append(p["cdk46_inhibitor"])
    return times, events, groups


def test_pfs_kaplan_meier_and_logrank(
    csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]
) -> None:
    times, events, groups = pfs_data(csvs)
    pfs = report["survival"]["pfs"]
    assert pfs["overall"]["events"] == sum(events)
    assert pfs["overall"]["median_months"] == pytest.approx(km_median(times, events))
    # log-rank across the three drugs, written out: (O - E) and its covariance
    names = ["palbociclib", "ribociclib", "abemaciclib"]
    k = len(names)
    o_minus_e = np.zeros(k)
    v = np.zeros((k, k))
    for t in sorted({t for t, e in zip(times, events, strict=True) if e}):
        n_j = np.array(
            [
                sum(1 for x, g in zip(times, groups, strict=True) if g == nm and x >= t)
                for nm in names
            ]
        )
        d_j = np.array(
            [
                sum(
                    1
                    for x, e, g in zip(times, events, groups, strict=True)
                    if g == nm and e and x == t
                )
                for nm in names
            ]
        )
        n, d = n_j.sum(), d_j.sum()
        o_minus_e += d_j - d * n_j / n
        if n > 1:
            f = d * (n - d) / (n * n * (n - 1))
            v += f * (np.diag(n_j * n) - np.outer(n_j, n_j))
    stat = float(o_minus_e[:-1] @ np.linalg.solve(v[:-1, :-1], o_minus_e[:-1]))
    lr = pfs["logrank_by_cdk46_inhibitor"]
    assert lr["test_statistic"] == pytest.approx(stat, rel=1e-6)
    assert lr["p_value"] == pytest.approx(float(st.chi2.sf(stat, k - 1)), rel=1e-6)


def test_sre_counts(csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]) -> None:
    sre_types = {
        "pathologic_fracture",
        "spinal_cord_compression",
        "radiation_to_bone",
        "surgery_to_bone",
    }
    idx = {p["patient_id"]: D(p["index_date"]) for p in csvs["patients"]}
    sre = [
        e for e in csvs["events"] if e["event"] in sre_types and D(e["date"]) > idx[e["patient_id"]]
    ]
    m = report["bone_agents"]
    assert m["sre_events"] == len(sre)
    assert m["patients_with_sre"] == len({e["patient_id"] for e in sre})
    person_years = (
        sum((D(p["last_followup_date"]) - D(p["index_date"])).days for p in csvs["patients"])
        / 365.25
    )
    assert m["skeletal_morbidity_rate_per_patient_year"] == pytest.approx(len(sre) / person_years)


def test_toxicity_table_by_drug(
    csvs: dict[str, list[dict[str, str]]], report: dict[str, Any]
) -> None:
    drug = {p["patient_id"]: p["cdk46_inhibitor"] for p in csvs["patients"]}
    rows = {r["term"]: r for r in report["toxicity"]["rows"]}
    for term in ("Fatigue", "Nausea", "Esophagitis", "Diarrhea"):
        for d in ("palbociclib", "ribociclib", "abemaciclib"):
            grades: dict[str, int] = {}
            for r in csvs["adverse_events"]:
                if r["term"] == term and drug[r["patient_id"]] == d:
                    grades[r["patient_id"]] = max(grades.get(r["patient_id"], 0), int(r["grade"]))
            got = rows[term][d] if term in rows else {"any_grade": 0, "grade_ge3": 0}
            assert got["any_grade"] == len(grades), (term, d)
            assert got["grade_ge3"] == sum(1 for g in grades.values() if g >= 3), (term, d)


def test_html_is_self_contained(example_registry: Path, report: dict[str, Any]) -> None:
    html = render_html(analyse(load_registry(example_registry)))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 4
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    p = report["pain_response"]["itt"]
    assert f"{p['events']}/{p['n']} = {100 * p['estimate']:.1f}%" in html
    svg = render_html(analyse(load_registry(example_registry)), fmt="svg")
    assert svg.count('src="data:image/svg+xml;base64,') == 4


def test_docs_quote_the_current_example_figures(report: dict[str, Any]) -> None:
    """docs/outcomes.md shows the example report's headline numbers; keep them true."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "outcomes.md").read_text(
        encoding="utf-8"
    )
    p = report["nrs"]["paired"]
    assert f"{p['mean_before']:.2f} → {p['mean_after']:.2f}" in docs
    for key in ("itt", "assessable"):
        x = report["pain_response"][key]
        assert f"{x['events']}/{x['n']} = {100 * x['estimate']:.1f}%" in docs
    x = report["net_clinical_benefit"]["itt"]
    assert (
        f"{x['events']}/{x['n']} = {100 * x['estimate']:.1f}% (95% CI {100 * x['ci_low']:.1f}"
        in docs
    )
    d = report["pet"]["distribution"]
    assert f"{d['CMR']} / {d['PMR']} / {d['SMD']} / {d['PMD']}" in docs
