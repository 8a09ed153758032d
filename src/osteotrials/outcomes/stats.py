"""Small statistics used by the outcome reports.

* Wilson score interval for a binomial proportion (Wilson 1927, JASA 22:209):

  .. math::

     \\tilde p = \\frac{p + z^2/2n}{1 + z^2/n}, \\qquad
     h = \\frac{z}{1 + z^2/n}\\sqrt{\\frac{p(1-p)}{n} + \\frac{z^2}{4n^2}}

  interval :math:`[\\tilde p - h, \\tilde p + h]`, z = 1.959964 for 95%.
* Paired t-test (Student 1908): with differences :math:`d_i = y_i - x_i`,
  :math:`t = \\bar d / (s_d/\\sqrt n)` on n-1 degrees of freedom, and the
  95% CI of the mean difference :math:`\\bar d \\pm t_{0.975,n-1}\\, s_d/\\sqrt n`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scipy import stats as _st

from osteotrials.outcomes.errors import OutcomesError

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Proportion:
    """A proportion ``events / n`` with its Wilson 95% confidence interval."""

    events: int
    n: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    method: str = "Wilson score 95% CI"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wilson_ci(events: int, n: int, z: float = Z95) -> Proportion:
    """Proportion with Wilson score interval (see module docstring for the formula).

    ``n == 0`` gives ``estimate=None`` and no interval rather than dividing by zero.

    >>> p = wilson_ci(8, 10)
    >>> round(p.ci_low, 4), round(p.ci_high, 4)
    (0.4902, 0.9433)
    """
    if n < 0:
        raise OutcomesError("n", f"must be >= 0, got {n}")
    if events < 0 or events > n:
        raise OutcomesError("events", f"must be between 0 and n={n}, got {events}")
    if n == 0:
        return Proportion(events, n, None, None, None)
    p = events / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # The exact bounds at k = 0 (lower) and k = n (upper) are 0 and 1; the
    # formula gives them only up to rounding (2.8e-17 for 0/7).
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == n else min(1.0, centre + half)
    return Proportion(events, n, p, low, high)


@dataclass(frozen=True)
class PairedTest:
    """Paired comparison of a score before (x) and after (y)."""

    n: int
    mean_before: float
    mean_after: float
    mean_difference: float
    sd_difference: float
    ci_low: float
    ci_high: float
    t_statistic: float | None
    df: int
    p_value: float | None
    method: str = "paired t-test (two-sided), 95% CI of mean difference (after - before)"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def paired_t(before: Sequence[float], after: Sequence[float]) -> PairedTest:
    """Paired t-test of ``after - before`` (formula in the module docstring).

    Raises :class:`OutcomesError` if the lengths differ or fewer than 2 pairs.
    If all differences are identical the standard deviation is 0, the
    interval collapses to the mean and ``t``/``p`` are ``None``.
    """
    if len(before) != len(after):
        raise OutcomesError("after", f"needs as many values as before ({len(before)})")
    n = len(before)
    if n < 2:
        raise OutcomesError("before", f"needs at least 2 pairs, got {n}")
    diffs = [float(b) - float(a) for a, b in zip(before, after, strict=True)]
    mean_d = sum(diffs) / n
    sd = math.sqrt(sum((d - mean_d) ** 2 for d in diffs) / (n - 1))
    se = sd / math.sqrt(n)
    tcrit = float(_st.t.ppf(0.975, n - 1))
    if se == 0:
        t_stat: float | None = None
        p: float | None = None
    else:
        t_stat = mean_d / se
        p = float(2 * _st.t.sf(abs(t_stat), n - 1))
    return PairedTest(
        n=n,
        mean_before=sum(map(float, before)) / n,
        mean_after=sum(map(float, after)) / n,
        mean_difference=mean_d,
        sd_difference=sd,
        ci_low=mean_d - tcrit * se,
        ci_high=mean_d + tcrit * se,
        t_statistic=t_stat,
        df=n - 1,
        p_value=p,
    )
