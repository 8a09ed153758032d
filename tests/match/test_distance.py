"""Haversine distances and offline ZIP look-ups."""

from __future__ import annotations

import pytest

from osteotrials.match.distance import haversine_km, zip_to_latlon


def test_haversine_known_distances() -> None:
    # London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E): about 344 km
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.6, abs=1.5)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0
    # a quarter of the Earth's circumference along the equator
    assert haversine_km(0, 0, 0, 90) == pytest.approx(10007.5, abs=2)


def test_zip_lookup_offline() -> None:
    boston = zip_to_latlon("02115")
    nyc = zip_to_latlon("10001-1234")
    assert boston is not None and nyc is not None
    assert 280 < haversine_km(*boston, *nyc) < 320
    assert zip_to_latlon("00000") is None
    assert zip_to_latlon("SW1A 1AA") is None
    assert zip_to_latlon(None) is None
