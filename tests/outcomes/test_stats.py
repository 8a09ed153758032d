from __future__ import annotations

import math

import pytest

from osteotrials.outcomes import stats
from osteotrials.outcomes.errors import OutcomesError


def test_wilson_published_values() -> None:
    # Newcombe 1998 (Stat Med 17:857) table I: 81/263 -> 0.2553 to 0.3662
    p = stats.wilson_ci(81, 263)
    assert p.ci_low == pytest.approx(0.2553, abs=5e-5)
    assert p.ci_high == pytest.approx(0.3662, abs=5e-5)
    # 15/148 -> 0.0624 to 0.1605
    p = stats.wilson_ci(15, 148)
    assert (round(p.ci_low, 4), round(p.ci_high, 4)) == (0.0624, 0.1605)
    # 0/20 -> 0 to 0.1611
    p = stats.wilson_ci(0, 20)
    assert p.ci_low == 0.0
    assert p.ci_high == pytest.approx(0.1611, abs=5e-5)


def test_wilson_edge_cases() -> None:
    assert stats.wilson_ci(0, 0).estimate is None
    with pytest.raises(OutcomesError):
        stats.wilson_ci(3, 2)


def test_paired_t_hand_computed() -> None:
    before = [5, 6, 4, 7]
    after = [2, 4, 3, 3]
    # diffs -3, -2, -1, -4: mean -2.5, sd sqrt(5/3), se = sd/2
    r = stats.paired_t(before, after)
    sd = math.sqrt(5 / 3)
    assert r.mean_difference == pytest.approx(-2.5)
    assert r.sd_difference == pytest.approx(sd)
    assert r.t_statistic == pytest.approx(-2.5 / (sd / 2))
    # t(0.975, 3) = 3.182446
    assert r.ci_low == pytest.approx(-2.5 - 3.182446 * sd / 2, abs=1e-5)
    assert r.p_value is not None and 0.01 < r.p_value < 0.05


def test_paired_t_errors() -> None:
    with pytest.raises(OutcomesError) as e:
        stats.paired_t([1, 2], [1])
    assert e.value.field == "after"
