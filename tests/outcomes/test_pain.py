"""ICE pain response at each boundary, OME profiles and NRS bands."""

from __future__ import annotations

import pytest

from osteotrials.outcomes import pain
from osteotrials.outcomes.errors import OutcomesError, UnknownUnitError


@pytest.mark.parametrize(
    ("b_nrs", "f_nrs", "b_ome", "f_ome", "expected"),
    [
        # complete: NRS 0 and OME not increased
        (5, 0, 30, 30, "complete"),
        (5, 0, 30, 20, "complete"),
        (5, 0, 0, 0, "complete"),
        (5, 0, 30, 31, "indeterminate"),  # OME up 3%: not CR, not PR (OME up), not PP
        # partial via NRS: -2 exactly vs -1
        (6, 4, 30, 30, "partial"),
        (6, 5, 30, 30, "indeterminate"),
        (6, 4, 30, 31, "indeterminate"),  # any OME increase blocks PR by pain
        (6, 3, 30, 30, "partial"),  # the CLI example in issue 7
        # partial via OME: -25% exactly vs -22.5%, pain must not increase
        (5, 5, 40, 30, "partial"),
        (5, 5, 40, 31, "indeterminate"),
        (5, 6, 40, 20, "indeterminate"),
        # progression via NRS: +2 with stable OME (|change| < 25%)
        (4, 6, 30, 30, "progression"),
        (4, 5, 30, 30, "indeterminate"),
        (4, 6, 40, 49, "progression"),  # +22.5%: stable
        (4, 6, 40, 50, "indeterminate"),  # +25%: not stable, and pain +2 is not "stable or +1"
        # progression via OME: +25% with pain stable or +1
        (4, 4, 40, 50, "progression"),
        (4, 5, 40, 50, "progression"),
        (4, 4, 40, 49, "indeterminate"),
        (4, 3, 40, 50, "indeterminate"),
        (4, 4, 0, 10, "progression"),  # from no opioid to some: an infinite increase
        # missing OME never gives CR/PR/PP
        (6, 0, None, 30, "indeterminate"),
        (6, 0, 30, None, "indeterminate"),
        # baseline below 2 is not evaluable
        (1, 0, 0, 0, "not_evaluable"),
        (2, 0, 0, 0, "complete"),
    ],
)
def test_ice_categories(
    b_nrs: int, f_nrs: int, b_ome: float | None, f_ome: float | None, expected: str
) -> None:
    r = pain.pain_response(b_nrs, f_nrs, b_ome, f_ome)
    assert r.category == expected, r.reason
    assert r.responder == (expected in {"complete", "partial"})


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((11, 3, 0, 0), "baseline_nrs"),
        ((5, -1, 0, 0), "followup_nrs"),
        ((5, 3, -5, 0), "baseline_ome"),
    ],
)
def test_bad_input(args: tuple[float, float, float, float], field: str) -> None:
    with pytest.raises(OutcomesError) as e:
        pain.pain_response(*args)
    assert e.value.field == field


def test_ome_profiles_differ_where_sources_differ() -> None:
    assert pain.to_ome("tramadol_oral", 100, "mg/day", profile="cdc_2022") == pytest.approx(20)
    assert pain.to_ome("tramadol_oral", 100, "mg/day", profile="eapc_palliative") == pytest.approx(
        10
    )
    assert pain.to_ome("codeine_oral", 240, "mg/day", profile="cdc_2022") == pytest.approx(36)
    assert pain.to_ome("codeine_oral", 240, "mg/day", profile="eapc_palliative") == pytest.approx(
        24
    )
    # 25 ug/h fentanyl = 60 mg/day (domain.md §3.1)
    assert pain.to_ome("fentanyl_transdermal", 25, "ug/h", profile="cdc_2022") == pytest.approx(60)
    assert pain.total_ome(
        [("oxycodone_oral", 20, "mg/day"), ("morphine_oral", 10, "mg/day")], profile="cdc_2022"
    ) == pytest.approx(40)


def test_ome_errors() -> None:
    with pytest.raises(OutcomesError) as e:
        pain.to_ome("morphine_oral", 10, "mg/day", profile="who_ladder")
    assert e.value.field == "profile"
    with pytest.raises(UnknownUnitError):
        pain.to_ome("fentanyl_transdermal", 25, "mg/day", profile="cdc_2022")
    with pytest.raises(OutcomesError) as e:
        pain.to_ome("methadone_oral", 10, "mg/day", profile="eapc_palliative")
    assert e.value.field == "drug"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_nrs_bands(score: int, band: str) -> None:
    assert pain.nrs_band(score) == band


def test_response_rates_itt_vs_assessable() -> None:
    results = {
        "a": pain.pain_response(6, 0, 10, 10),  # CR
        "b": pain.pain_response(6, 4, 10, 10),  # PR
        "c": pain.pain_response(6, 6, 10, 10),  # IR
        "d": None,  # died before follow-up
        "e": pain.pain_response(1, 0, 0, 0),  # not evaluable
    }
    rates = pain.response_rates(results)
    assert (rates.n_itt, rates.n_assessable, rates.responders) == (4, 3, 2)
    assert rates.itt.estimate == pytest.approx(0.5)
    assert rates.assessable.estimate == pytest.approx(2 / 3)
    assert rates.counts["missing"] == 1
