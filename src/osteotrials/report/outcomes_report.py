"""The outcomes report: one self-contained HTML file (or JSON) for a registry.

The HTML is rendered with Jinja2 (autoescaping on); Kaplan-Meier plots are
embedded as base64 ``data:`` URIs, so the file has no external assets and
opens offline. Figures come from :func:`osteotrials.outcomes.analysis.analyse`.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Literal

import jinja2

from osteotrials.outcomes.analysis import Analysis
from osteotrials.outcomes.survival import plot_km

PlotFormat = Literal["png", "svg"]
_MIME = {"png": "image/png", "svg": "image/svg+xml"}


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def _prop(p: dict[str, Any] | None) -> str:
    """``27/37 = 73.0% (95% CI 57.0-84.6%)``."""
    if not p:
        return "–"
    if p.get("estimate") is None:
        return f"{p['events']}/{p['n']}"
    return (
        f"{p['events']}/{p['n']} = {_pct(p['estimate'])} "
        f"(95% CI {_pct(p['ci_low'])}–{_pct(p['ci_high'])})"
    )


def _nr(value: float | None, digits: int = 1) -> str:
    """A median or CI limit; ``NR`` (not reached) when the curve stays above 50%."""
    return "NR" if value is None else f"{value:.{digits}f}"


def _pvalue(p: float | None) -> str:
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("osteotrials.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["pct"] = _pct
    env.filters["prop"] = _prop
    env.filters["pvalue"] = _pvalue
    env.filters["nr"] = _nr
    return env


def plot_images(analysis: Analysis, fmt: PlotFormat = "png") -> dict[str, bytes]:
    """Kaplan-Meier plot bytes per survival endpoint (all patients and by CDK4/6i)."""
    out: dict[str, bytes] = {}
    for key, curves in analysis.curves.items():
        title = str(analysis.data["survival"][key]["title"])
        out[key] = plot_km(curves, title, fmt=fmt)
    return out


def write_plots(analysis: Analysis, directory: str | Path, fmt: PlotFormat = "png") -> list[Path]:
    """Write the plots as ``km_<endpoint>.<fmt>`` files; returns the paths."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, data in plot_images(analysis, fmt).items():
        path = d / f"km_{key}.{fmt}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def render_html(analysis: Analysis, fmt: PlotFormat = "png") -> str:
    """The report as one self-contained HTML document."""
    images = {
        key: f"data:{_MIME[fmt]};base64,{base64.b64encode(data).decode('ascii')}"
        for key, data in plot_images(analysis, fmt).items()
    }
    template = _environment().get_template("outcomes/report.html.j2")
    return template.render(d=analysis.data, images=images)


def to_json(analysis: Analysis) -> str:
    """Stable JSON of the report figures (sorted keys, 2-space indent)."""
    return (
        json.dumps(analysis.data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    )
