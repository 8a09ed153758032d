"""Precision against the hand annotations (fixtures/README.md); prints the figures."""

from __future__ import annotations

from typing import Any

from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import compile_criteria
from osteotrials.criteria.evaluate import PrecisionReport, evaluate


def _report(records: list[dict[str, Any]]) -> PrecisionReport:
    ids = {r["nct_id"] for r in records}
    compiled = {nct: compile_criteria(text) for nct, text in criteria_texts().items() if nct in ids}
    return evaluate(records, compiled)


def _print(name: str, rep: PrecisionReport) -> None:
    print(
        f"\n{name}: {rep.annotated} items from {rep.trials} trials; typed {rep.typed} "
        f"({rep.typed_share:.1%}); correct {rep.correct}; precision {rep.precision:.1%}; "
        f"complete {rep.complete}"
    )


def test_annotation_sets_are_large_enough(
    annotations: list[dict[str, Any]], heldout_annotations: list[dict[str, Any]]
) -> None:
    assert len(annotations) >= 300 and len({r["nct_id"] for r in annotations}) >= 40
    for rec in annotations + heldout_annotations:
        assert rec["text"] in criteria_texts()[rec["nct_id"]]


def test_precision_development_set(annotations: list[dict[str, Any]]) -> None:
    rep = _report(annotations)
    _print("development set (first blind score 75.5%; rules fixed after it)", rep)
    assert rep.found == rep.annotated
    # 97.0% with parsers 0.7.0-0.10.0, 97.2% (351/361) with 0.11.0 (optimistic: the rules were
    # fixed on its errors)
    assert rep.precision >= 0.96


def test_precision_heldout_set(heldout_annotations: list[dict[str, Any]]) -> None:
    rep = _report(heldout_annotations)
    _print("held-out set (first blind score 86.3%; errors seen since parser 0.4.0)", rep)
    # 96.6% with parser 0.7.0, 97.4% with 0.8.0-0.11.0; all looked at these errors
    assert rep.precision >= 0.96


def test_precision_second_heldout_set() -> None:
    from tests.criteria.conftest import _read_jsonl

    rep = _report(_read_jsonl("annotations_heldout2.jsonl"))
    _print("second held-out set (blind for parser 0.6.0; errors seen by 0.7.0)", rep)
    assert rep.annotated >= 100
    # 87.8% when it was first scored (parser 0.6.0); 95.9% with parsers 0.7.0-0.11.0, whose
    # fixes looked at its errors, so no longer an unbiased figure
    assert rep.precision >= 0.95


def _real_set(name: str) -> PrecisionReport:
    """Score an annotation file whose every text must be in its trial's record."""
    from tests.criteria.conftest import _read_jsonl

    records = _read_jsonl(name)
    for rec in records:
        assert rec["text"] in criteria_texts()[rec["nct_id"]]
    return _report(records)


def test_precision_second_development_set() -> None:
    rep = _real_set("annotations_dev2.jsonl")
    _print("second development set (first blind score 84.1% with parser 0.6.0)", rep)
    assert rep.annotated >= 90 and rep.found == rep.annotated
    # 96.2% with parsers 0.7.0-0.10.0, 97.5% (77/79) with 0.11.0 (its errors were looked at)
    assert rep.precision >= 0.96


def test_precision_third_development_set() -> None:
    rep = _real_set("annotations_dev3.jsonl")
    _print("third development set (first blind score 88.0%, rules fixed after it)", rep)
    assert rep.annotated >= 190 and rep.trials >= 30 and rep.found == rep.annotated
    # 96.4% with parsers 0.8.0-0.10.0, 97.0% (161/166) with 0.11.0; all looked at its errors
    # (fixtures/README.md)
    assert rep.precision >= 0.96


def test_precision_third_heldout_set() -> None:
    """Annotated blind and scored blind for parsers 0.6.0-0.8.0 (totals only); parser 0.9.0
    was tuned on its printed errors, so it is now a development set (fixtures/README.md).
    The blind figure for 0.9.0 comes from a fourth held-out set, scored by the lead."""
    rep = _real_set("annotations_heldout3.jsonl")
    _print(
        "third held-out set (blind: 89.7% with 0.6.0, 91.3% with 0.7.0, 92.0% with 0.8.0; "
        "errors used for 0.9.0)",
        rep,
    )
    assert rep.annotated >= 300 and rep.trials >= 40 and rep.found == rep.annotated
    # 98.6% with parsers 0.9.0-0.11.0, tuned on its errors: optimistic, not the unbiased figure
    assert rep.precision >= 0.97


def test_precision_fourth_heldout_set() -> None:
    """Annotated blind and scored blind, once per parser, for 0.8.0 and 0.9.0 (totals only);
    parser 0.10.0 was tuned on its printed errors, so it is now a development set
    (fixtures/README.md). The blind figure for 0.10.0 comes from a fifth held-out set,
    scored by the lead."""
    rep = _real_set("annotations_heldout4.jsonl")
    _print(
        "fourth held-out set (blind: 87.4% with 0.8.0, 88.2% with 0.9.0; errors used for 0.10.0)",
        rep,
    )
    assert rep.annotated >= 300 and rep.trials >= 40 and rep.found == rep.annotated
    # 92.6% (313/338) with parser 0.10.0, 94.1% (318/338) with 0.11.0, tuned on its errors:
    # optimistic, not unbiased
    assert rep.precision >= 0.93


def test_precision_fifth_heldout_set() -> None:
    """The fifth set, first annotator: scored blind once per parser with 0.9.0-0.11.0
    (totals only); released with the adjudicated reference as a development set, whose
    errors were used for parser 0.12.0 (88.8%, 308/347), so no longer unbiased."""
    rep = _real_set("annotations_heldout5.jsonl")
    _print("fifth set, annotator A (blind 86.2% with 0.11.0; a development set since 0.12.0)", rep)
    # one annotated item is split differently by the segmenter, so it is not scored
    assert rep.annotated >= 300 and rep.trials >= 40 and rep.found >= rep.annotated - 1
    # The bar is 95%; this blind figure is well below it (docs/criteria.md).
    assert rep.precision >= 0.85


def test_precision_fifth_heldout_set_adjudicated() -> None:
    """The fifth set's reference after a second blind annotation and a blind third reader
    (fixtures/README.md). Scored blind, totals only, with parsers 0.9.0-0.11.0 (87.9% with
    0.10.0, 88.5% with 0.11.0); then released as a DEVELOPMENT set: its errors were printed
    and used for parser 0.12.0 (91.4%, 317/347), so this figure is optimistic now."""
    rep = _real_set("annotations_heldout5_adjudicated.jsonl")
    _print("fifth set, adjudicated (blind 88.5% with 0.11.0; a development set since 0.12.0)", rep)
    assert rep.annotated == 383 and rep.trials == 48 and rep.found >= rep.annotated - 1
    assert rep.precision >= 0.90  # tuned on since 0.12.0: not an unbiased figure


def test_precision_fourth_development_set_adjudicated() -> None:
    """The fourth development set (927 items, 120 trials; two blind annotators and a blind
    third reader, fixtures/README.md). Its first, blind score was 86.1% (686/797) with
    parser 0.11.0; its errors were then printed and parser 0.12.0 was tuned on them (90.1%,
    719/798), so this figure is optimistic."""
    rep = _real_set("annotations_dev4_adjudicated.jsonl")
    _print("fourth development set, adjudicated (blind 86.1% with 0.11.0; tuned on since)", rep)
    assert rep.annotated == 927 and rep.trials == 120 and rep.found == rep.annotated
    assert rep.precision >= 0.89  # the bar is 95%: not met


def test_precision_fifth_development_set() -> None:
    """The fifth development set (323 items, 42 trials; two blind annotators, one half each,
    fixtures/README.md). Its first, blind score was 85.1% (234/275) with parser 0.13.0; its
    errors were then printed and parser 0.14.0 was tuned on them, so this figure is
    optimistic."""
    rep = _real_set("annotations_dev5.jsonl")
    _print("fifth development set (blind 85.1% with 0.13.0; tuned on since)", rep)
    assert rep.annotated == 323 and rep.trials == 42 and rep.found == rep.annotated
    assert rep.precision >= 0.88  # 89.4% with 0.14.0; the bar is 95%: not met


def test_precision_sixth_development_set() -> None:
    """The sixth development set (413 items, 52 trials; two blind annotators, one half
    each). Its first, blind score was 88.1% (317/360) with the first 0.14.0 fixes (0.13.0:
    87.8%); its errors were then used, so this figure is optimistic."""
    rep = _real_set("annotations_dev6.jsonl")
    _print("sixth development set (blind 88.1%; tuned on since)", rep)
    assert rep.annotated == 413 and rep.trials == 52 and rep.found == rep.annotated
    assert rep.precision >= 0.89  # 90.5% with 0.14.0; the bar is 95%: not met


def test_precision_sixth_heldout_set_adjudicated() -> None:
    """The sixth set: two blind annotators and a blind third reader; never tuned on."""
    rep = _real_set("annotations_heldout6_adjudicated.jsonl")
    _print(
        "sixth held-out set, adjudicated (blind: 90.5% with 0.10.0 to 0.13.0, 91.5% with 0.14.0)",
        rep,
    )
    assert rep.annotated == 369 and rep.trials == 48 and rep.found == rep.annotated
    assert rep.precision >= 0.90  # the bar is 95%: not met


def test_precision_seventh_heldout_set_adjudicated() -> None:
    """The seventh set (602 items, 80 trials): two blind annotators under the settled
    conventions and a blind third reader; never tuned on."""
    rep = _real_set("annotations_heldout7_adjudicated.jsonl")
    _print(
        "seventh held-out set, adjudicated (blind: 86.7% with 0.10.0, 87.8% with 0.11.0 "
        "to 0.13.0, 88.2% with 0.14.0)",
        rep,
    )
    assert rep.annotated == 602 and rep.trials == 80 and rep.found == rep.annotated
    assert rep.precision >= 0.86  # the bar is 95%: not met
