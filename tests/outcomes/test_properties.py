"""Property-based checks of the formulas (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from osteotrials.outcomes import bone_agents, dose, pain, stats

doses = st.floats(min_value=0.5, max_value=80, allow_nan=False)
fractions = st.integers(min_value=1, max_value=40)
alpha_beta = st.floats(min_value=0.5, max_value=20, allow_nan=False)


@given(doses, fractions, alpha_beta)
def test_eqd2_equals_alternative_form(total: float, n: int, ab: float) -> None:
    d = total / n
    assert math.isclose(dose.eqd2(total, n, ab), total * (d + ab) / (2 + ab), rel_tol=1e-9)
    # 2-Gy fractions are their own EQD2
    assert math.isclose(dose.eqd2(2.0 * n, n, ab), 2.0 * n, rel_tol=1e-9)


@given(doses, fractions, alpha_beta)
def test_bed_exceeds_physical_dose(total: float, n: int, ab: float) -> None:
    assert dose.bed(total, n, ab) > total


@given(st.integers(0, 10), st.integers(0, 10), st.floats(0, 500), st.floats(0, 500))
def test_pain_categories_are_consistent(b: int, f: int, bo: float, fo: float) -> None:
    r = pain.pain_response(b, f, bo, fo)
    if b < 2:
        assert r.category == "not_evaluable"
    if r.category == "complete":
        assert f == 0 and fo <= bo
    if r.category in ("complete", "partial"):
        assert f <= b  # a responder never has more pain
    if r.category == "progression":
        assert f >= b


@given(st.integers(0, 200), st.integers(1, 200))
def test_wilson_contains_estimate(k: int, n: int) -> None:
    k = min(k, n)
    p = stats.wilson_ci(k, n)
    assert p.ci_low is not None and p.ci_high is not None and p.estimate is not None
    assert 0 <= p.ci_low <= p.estimate <= p.ci_high <= 1


@given(st.floats(0, 200, allow_nan=False), st.floats(0, 200, allow_nan=False))
def test_za_dose_is_monotone_in_crcl(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    d_lo = bone_agents.zoledronic_acid_dose(lo).dose_mg or 0.0
    d_hi = bone_agents.zoledronic_acid_dose(hi).dose_mg or 0.0
    assert d_lo <= d_hi
