"""Kaplan-Meier against a hand-computed product-limit, log-rank, plots; NCB rules."""

from __future__ import annotations

import pytest

from osteotrials.outcomes import survival
from osteotrials.outcomes.errors import OutcomesError
from osteotrials.outcomes.ncb import NCBDefinition, evaluate_patient, summarise
from osteotrials.outcomes.pain import pain_response

M = survival.DAYS_PER_MONTH


def test_km_hand_computed() -> None:
    # months 1, 2+, 3, 4, 5+ : S(1) = 4/5, S(3) = 4/5 * 2/3, S(4) = S(3) * 1/2
    days = [1 * M, 2 * M, 3 * M, 4 * M, 5 * M]
    r = survival.kaplan_meier(
        days, [True, False, True, True, False], "x", at_months=(1, 3.5, 4.5, 9)
    )
    assert r.at_months["1"] == pytest.approx(0.8)
    assert r.at_months["3.5"] == pytest.approx(0.8 * 2 / 3)
    assert r.at_months["4.5"] == pytest.approx(0.8 * 2 / 3 * 0.5)
    assert r.at_months["9"] is None  # beyond follow-up
    assert r.median_months == pytest.approx(4.0)
    assert (r.n, r.events) == (5, 3)


def test_km_errors() -> None:
    with pytest.raises(OutcomesError):
        survival.kaplan_meier([], [], "empty")
    with pytest.raises(OutcomesError):
        survival.kaplan_meier([1.0], [True, False], "bad")
    with pytest.raises(OutcomesError):
        survival.kaplan_meier([-1.0], [True], "neg")


def test_logrank_two_groups_hand_computed() -> None:
    # A: events at 1, 2; B: events at 3, 4 (no censoring).
    # t=1: n=(2,2) d=1 -> E_A=0.5, V=0.25; t=2: n=(1,2) d=1 -> E_A=1/3, V=2/9;
    # t=3: n=(0,2) -> E_A=0, V=0; t=4: n=(0,1) -> 0.
    # O_A - E_A = 2 - 5/6 = 7/6; V = 1/4 + 2/9 = 17/36; chi2 = (7/6)^2 / (17/36) = 49/17
    lr = survival.logrank({"A": ([1, 2], [True, True]), "B": ([3, 4], [True, True])})
    assert lr.test_statistic == pytest.approx(49 / 17)
    assert lr.df == 1
    with pytest.raises(OutcomesError):
        survival.logrank({"A": ([1], [True])})


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_plot_formats(fmt: str, magic: bytes) -> None:
    r = survival.kaplan_meier([30, 60, 90], [True, False, True], "x")
    data = survival.plot_km([r], "t", fmt=fmt)  # type: ignore[arg-type]
    assert data.startswith(magic)
    with pytest.raises(OutcomesError):
        survival.plot_km([r], "t", fmt="pdf")  # type: ignore[arg-type]


def test_svg_plot_is_reproducible() -> None:
    r = survival.kaplan_meier([30, 60, 90], [True, False, True], "x")
    assert survival.plot_km([r], "t", fmt="svg") == survival.plot_km([r], "t", fmt="svg")


def test_ncb_components() -> None:
    d = NCBDefinition()
    pr = pain_response(6, 2, 10, 10)  # partial
    assert evaluate_patient("a", pr, 2, False, d).ncb is True
    assert evaluate_patient("b", pr, 3, False, d).ncb is False  # grade 3 blocks
    assert evaluate_patient("c", pr, 2, True, d).ncb is True  # change ignored by default
    strict = NCBDefinition(require_no_systemic_change=True)
    assert evaluate_patient("c", pr, 2, True, strict).ncb is False
    assert evaluate_patient("d", None, 0, False, d).ncb is False  # missing = no NCB in ITT
    assert evaluate_patient("e", pain_response(1, 0, 0, 0), 0, False, d).ncb is None
    assert evaluate_patient("f", pain_response(6, 6, 10, 10), 0, False, d).ncb is False
    only_cr = NCBDefinition(responder_categories=frozenset({"complete"}))
    assert evaluate_patient("a", pr, 0, False, only_cr).ncb is False
    assert "complete" in only_cr.describe() and "partial" not in only_cr.describe()


def test_ncb_summary_denominators() -> None:
    d = NCBDefinition()
    pts = {
        "a": evaluate_patient("a", pain_response(6, 0, 10, 10), 1, False, d),  # NCB
        "b": evaluate_patient("b", pain_response(6, 3, 10, 10), 3, False, d),  # toxic
        "c": evaluate_patient("c", None, 0, False, d),  # missing
        "e": evaluate_patient("e", pain_response(1, 0, 0, 0), 0, False, d),  # not evaluable
    }
    s = summarise(pts, d)
    assert (s.itt.events, s.itt.n) == (1, 3)
    assert (s.assessable.events, s.assessable.n) == (1, 2)
    assert (s.pain_response_itt.events, s.toxicity_ge_threshold_itt.events) == (2, 1)
    assert s.as_dict()["pain_response_minus_toxicity"] == pytest.approx(2 / 3 - 1 / 3)


def test_ncb_definition_validation() -> None:
    with pytest.raises(OutcomesError) as e:
        NCBDefinition(toxicity_grade_threshold=6)
    assert e.value.field == "toxicity_grade_threshold"
    with pytest.raises(OutcomesError):
        NCBDefinition(responder_categories=frozenset({"indeterminate"}))
    text = NCBDefinition(attributions=None, include_lab_toxicity=False).describe()
    assert "any attribution" in text and "lab values" not in text
