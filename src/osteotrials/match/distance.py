"""Great-circle distances and offline US ZIP -> coordinates (the ``zipcodes`` package)."""

from __future__ import annotations

import math
import re
from functools import cache

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km between two points given in degrees (haversine formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@cache
def zip_to_latlon(zip_code: str | None) -> tuple[float, float] | None:
    """Coordinates of a US ZIP code (first 5 digits), None when unknown or not a US ZIP."""
    if not zip_code:
        return None
    m = re.match(r"\s*(\d{5})", zip_code)
    if m is None:
        return None
    import zipcodes  # offline data; imported lazily (it loads a large table)

    try:
        found = zipcodes.matching(m.group(1))  # type: ignore[no-untyped-call]
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    try:
        return float(found[0]["lat"]), float(found[0]["long"])
    except (KeyError, TypeError, ValueError):
        return None
