"""Agreement between two annotations (criteria/evaluate.agreement), on real annotation files."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.criteria.conftest import _read_jsonl

from osteotrials.criteria.evaluate import agreement


def _set() -> list[dict[str, Any]]:
    return _read_jsonl("annotations_heldout4.jsonl")


def _first_with(records: list[dict[str, Any]], family: str, key: str) -> int:
    return next(
        n
        for n, r in enumerate(records)
        if any(e["family"] == family and key in e for e in r["expected"])
    )


def test_an_annotation_agrees_with_itself() -> None:
    rep = agreement(_set(), _set())
    assert rep.identical_share == rep.same_families_share == 1.0
    correct, typed = rep.second_vs_first()
    assert correct == typed == sum(1 for r in _set() if r["expected"])
    assert set(rep.family_kappa().values()) == {1.0}
    assert rep.disagreements() == []


def test_an_extra_family_is_an_error_of_the_one_who_wrote_it() -> None:
    first = _set()
    second = copy.deepcopy(first)
    n = _first_with(first, "age", "min")
    second[n]["expected"].append({"family": "administrative"})
    rep = agreement(first, second)
    item = rep.items[n]
    assert not item.identical and not item.same_families
    assert item.second_correct is False  # emitted a family the first did not expect
    assert item.first_correct is True  # a missing family is incompleteness, as for the parser
    assert [d.text for d in rep.disagreements()] == [first[n]["text"]]


def test_a_different_parameter_is_an_error_both_ways() -> None:
    first = _set()
    second = copy.deepcopy(first)
    n = _first_with(first, "age", "min")
    for e in second[n]["expected"]:
        if e["family"] == "age":
            e["min"] = float(e["min"]) + 1
    rep = agreement(first, second)
    assert rep.items[n].same_families and not rep.items[n].identical
    assert rep.items[n].second_correct is False and rep.items[n].first_correct is False


def test_lists_follow_the_parsers_rules() -> None:
    first = _set()
    second = copy.deepcopy(first)
    n = _first_with(first, "prior_therapy", "agents")
    for e in second[n]["expected"]:
        if e["family"] == "prior_therapy" and "agents" in e:
            e["agents"] = [*e["agents"], "taxane"]  # naming more agents is not wrong
    rep = agreement(first, second)
    assert rep.items[n].second_correct is True
    assert rep.items[n].first_correct is False  # it misses one the second named


def test_an_empty_annotation_counts_as_untyped() -> None:
    first = _set()
    second = copy.deepcopy(first)
    n = next(i for i, r in enumerate(first) if r["expected"])
    second[n]["expected"] = []
    rep = agreement(first, second)
    assert rep.items[n].second_correct is None
    assert rep.items[n].first_correct is False  # typed something the second left empty


def test_kappa_by_hand() -> None:
    first = _set()[:20]
    second = copy.deepcopy(first)
    fam = "lab"
    has = [any(e["family"] == fam for e in r["expected"]) for r in first]
    assert 0 < sum(has) < 20
    flip = has.index(False)
    second[flip]["expected"].append({"family": fam})
    n = 20
    pa, pb = sum(has) / n, (sum(has) + 1) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    expected = ((n - 1) / n - chance) / (1 - chance)
    kappa = agreement(first, second).family_kappa(min_items=1)[fam]
    assert kappa == pytest.approx(expected)
    assert kappa < 1.0


def test_different_items_are_refused_with_the_line() -> None:
    first = _set()
    second = copy.deepcopy(first)
    second[4]["text"] = second[5]["text"]
    with pytest.raises(ValueError, match="line 5: different items"):
        agreement(first, second)
    with pytest.raises(ValueError, match="378 and 377 items"):
        agreement(first, second[:-1])


def test_the_agreement_script_writes_the_disagreements(tmp_path: Any) -> None:
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    first = _set()
    second = copy.deepcopy(first)
    second[0]["expected"] = []
    b = tmp_path / "b.jsonl"
    b.write_text("".join(json.dumps(r) + "\n" for r in second), encoding="utf-8")
    out = tmp_path / "dis.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "annotation_agreement.py"),
            "annotations_heldout4.jsonl",
            str(b),
            "--disagreements",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "identical constraints: 99.7%" in run.stdout
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["second"]) for r in rows] == [(first[0]["text"], [])]
    b.write_text("{not json\n", encoding="utf-8")
    bad = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "annotation_agreement.py"),
            "annotations_heldout4.jsonl",
            str(b),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "b.jsonl:1: not JSON" in bad.stderr


@pytest.mark.parametrize(
    ("first", "second", "adjudicated", "lead_changes"),
    [
        ("annotations_heldout5.jsonl", "annotations_heldout5_b.jsonl", "5", 0),
        ("annotations_heldout6_a.jsonl", "annotations_heldout6_b.jsonl", "6", 3),
        ("annotations_heldout7_a.jsonl", "annotations_heldout7_b.jsonl", "7", 0),
    ],
)
def test_the_double_annotated_sets(
    first: str, second: str, adjudicated: str, lead_changes: int
) -> None:
    """Prints the agreement between the two blind annotators; the adjudicated reference
    keeps every agreed item as written (bar the lead's documented changes) and decides
    exactly the disagreements its adjudication file lists."""
    from tests.criteria.conftest import criteria_texts

    a, b = _read_jsonl(first), _read_jsonl(second)
    ref = _read_jsonl(f"annotations_heldout{adjudicated}_adjudicated.jsonl")
    decisions = _read_jsonl(f"adjudication_heldout{adjudicated}.jsonl")
    rep = agreement(a, b)
    c21, t21 = rep.second_vs_first()
    c12, t12 = rep.first_vs_second()
    print(
        f"\n{first} vs {second}: identical {rep.identical_share:.1%}, same families "
        f"{rep.same_families_share:.1%}, second scored against first {c21 / t21:.1%}, "
        f"first against second {c12 / t12:.1%}"
    )
    assert len(a) >= 300 and len({r["nct_id"] for r in a}) >= 40
    for rec in a:
        assert rec["text"] in criteria_texts()[rec["nct_id"]]
    assert 0.8 < rep.identical_share < 1.0
    assert rep.second_vs_first()[1] and rep.first_vs_second()[1]
    agreed = [i for i, item in enumerate(rep.items) if item.identical]
    changed = [i for i in agreed if ref[i]["expected"] != a[i]["expected"]]
    assert len(changed) == lead_changes
    assert [(r["nct_id"], r["text"]) for r in ref] == [(r["nct_id"], r["text"]) for r in a]
    decided = {(d["nct_id"], d["text"]): d["expected"] for d in decisions}
    for item in rep.disagreements():
        assert decided[(item.nct_id, item.text)] == ref[rep.items.index(item)]["expected"]
    assert len(decided) == len(rep.disagreements()) + lead_changes
