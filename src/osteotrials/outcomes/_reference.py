"""Loading of the versioned reference-data files in ``outcomes/data``.

Thresholds, factors and dose levels that a clinician may want to change live
in YAML files with a ``version`` key, never in code.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

import yaml

from osteotrials.outcomes.errors import ReferenceDataError

#: Relative tolerance for threshold comparisons: 3.0 * 0.7 is 2.0999999999999996
#: in binary floating point, and a value typed as 2.1 must still sit *on* the
#: boundary, not above it.
REL_TOL = 1e-9


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed data file ``name`` (e.g. ``"ctcae_v5.yaml"``)."""
    try:
        text = resources.files("osteotrials.outcomes").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError as exc:
        raise ReferenceDataError(name, "reference-data file is missing") from exc
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "version" not in data:
        raise ReferenceDataError(name, "reference-data file has no 'version' key")
    return data


def version(name: str) -> str:
    """The ``version`` string of a data file."""
    return str(load(name)["version"])


def eq(a: float, b: float) -> bool:
    """``a == b`` up to binary rounding (relative tolerance 1e-9)."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def ge(a: float, b: float) -> bool:
    """``a >= b``, counting values equal up to rounding as equal."""
    return a > b or eq(a, b)


def gt(a: float, b: float) -> bool:
    """``a > b`` strictly, where values equal up to rounding are not greater."""
    return a > b and not eq(a, b)


def le(a: float, b: float) -> bool:
    """``a <= b`` with rounding tolerance."""
    return a < b or eq(a, b)


def lt(a: float, b: float) -> bool:
    """``a < b`` strictly with rounding tolerance."""
    return a < b and not eq(a, b)
