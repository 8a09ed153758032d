"""Kaplan-Meier estimates, log-rank tests and survival plots.

Kaplan-Meier (Kaplan & Meier, JASA 1958;53:457):
:math:`\\hat S(t) = \\prod_{t_i \\le t} (1 - d_i / n_i)`, with d_i events and
n_i at risk at time t_i; 95% CI by lifelines' default exponential Greenwood
("log(-log)") method. Log-rank test (Mantel 1966; Peto & Peto 1972) compares
observed with expected events across groups, chi-square on (groups - 1)
degrees of freedom. Computed with lifelines; plots with matplotlib's Agg
backend (no display, no network), PNG or SVG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import matplotlib
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from osteotrials.outcomes.errors import OutcomesError

DAYS_PER_MONTH = 365.25 / 12


def _num(x: Any) -> float | None:
    v = float(x)
    return None if math.isinf(v) or math.isnan(v) else v


@dataclass(frozen=True)
class KMResult:
    """A Kaplan-Meier curve (times in months) and its summary numbers."""

    label: str
    n: int
    events: int
    median_months: float | None
    median_ci: tuple[float | None, float | None]
    timeline: list[float] = field(repr=False)
    survival: list[float] = field(repr=False)
    ci_lower: list[float] = field(repr=False)
    ci_upper: list[float] = field(repr=False)
    at_months: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self, curve: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "n": self.n,
            "events": self.events,
            "median_months": self.median_months,
            "median_ci": list(self.median_ci),
            "survival_at_months": dict(self.at_months),
        }
        if curve:
            out["curve"] = {
                "months": self.timeline,
                "survival": self.survival,
                "ci_lower": self.ci_lower,
                "ci_upper": self.ci_upper,
            }
        return out


def kaplan_meier(
    durations_days: Sequence[float],
    events: Sequence[bool],
    label: str,
    at_months: Sequence[float] = (6, 12),
) -> KMResult:
    """Kaplan-Meier estimate (formula in the module docstring) from durations
    in days and event flags (``False`` = censored)."""
    if len(durations_days) != len(events):
        raise OutcomesError("events", "needs one flag per duration")
    if not durations_days:
        raise OutcomesError("durations_days", f"no patients in group {label!r}")
    if any(d < 0 for d in durations_days):
        raise OutcomesError("durations_days", "must be >= 0")
    months = [d / DAYS_PER_MONTH for d in durations_days]
    kmf = KaplanMeierFitter(label=label)
    kmf.fit(months, event_observed=[bool(e) for e in events])
    sf = kmf.survival_function_
    ci = kmf.confidence_interval_survival_function_
    med_ci = median_survival_times(kmf.confidence_interval_)
    lo = _num(med_ci.iloc[0, 0])
    hi = _num(med_ci.iloc[0, 1])
    return KMResult(
        label=label,
        n=len(months),
        events=int(sum(bool(e) for e in events)),
        median_months=_num(kmf.median_survival_time_),
        median_ci=(lo, hi),
        timeline=[float(t) for t in sf.index],
        survival=[float(v) for v in sf.iloc[:, 0]],
        ci_lower=[float(v) for v in ci.iloc[:, 0]],
        ci_upper=[float(v) for v in ci.iloc[:, 1]],
        at_months={f"{m:g}": float(kmf.predict(m)) for m in at_months if m <= max(months)}
        | {f"{m:g}": None for m in at_months if m > max(months)},
    )


@dataclass(frozen=True)
class LogRank:
    groups: list[str]
    test_statistic: float
    df: int
    p_value: float
    method: str = "log-rank test (lifelines multivariate_logrank_test)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "test_statistic": self.test_statistic,
            "df": self.df,
            "p_value": self.p_value,
            "method": self.method,
        }


def logrank(groups: Mapping[str, tuple[Sequence[float], Sequence[bool]]]) -> LogRank:
    """Log-rank test across two or more groups of (durations, events)."""
    names = [g for g, (d, _) in groups.items() if len(d) > 0]
    if len(names) < 2:
        raise OutcomesError("groups", "the log-rank test needs at least two non-empty groups")
    durations: list[float] = []
    flags: list[bool] = []
    labels: list[str] = []
    for g in names:
        d, e = groups[g]
        durations += list(d)
        flags += [bool(x) for x in e]
        labels += [g] * len(d)
    res = multivariate_logrank_test(durations, labels, flags)
    return LogRank(names, float(res.test_statistic), len(names) - 1, float(res.p_value))


def plot_km(
    curves: Sequence[KMResult],
    title: str,
    fmt: Literal["png", "svg"] = "png",
    xlabel: str = "Months from start of radiotherapy",
    ylabel: str = "Probability",
) -> bytes:
    """Step plot of Kaplan-Meier curves (the first with its 95% CI band);
    returns PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise OutcomesError("fmt", f"must be 'png' or 'svg', got {fmt!r}")
    # An explicit Agg canvas: no pyplot, no global backend switch, no display.
    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, c in enumerate(curves):
        # The first curve (usually all patients) is drawn in black with its 95% CI
        # band; further curves (subgroups) as plain lines so the plot stays legible.
        style: dict[str, Any] = {"color": "black", "linewidth": 2.0} if i == 0 else {}
        ax.step(c.timeline, c.survival, where="post", label=f"{c.label} (n={c.n})", **style)
        if i == 0:
            ax.fill_between(
                c.timeline, c.ci_lower, c.ci_upper, step="post", alpha=0.12, color="black"
            )
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "osteotrials"}):
        fig.savefig(
            buf, format=fmt, metadata={"Date": None} if fmt == "svg" else {"Software": None}
        )
    return buf.getvalue()
