"""performance_status and life_expectancy components."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("Eastern Cooperative Oncology Group (ECOG) performance status 0 or 1.", [0, 1]),
        ("Patients with an ECOG performance status of 0 - 2", [0, 1, 2]),
        ("Performance status Zubrod 0-2", [0, 1, 2]),
        ("Eastern Cooperative Oncology Group (ECOG) performance status of \\<=1", [0, 1]),
        ("ECOG performance < 2", [0, 1]),
        ("ECOG performance status < or equal to 2.", [0, 1, 2]),
    ],
)
def test_ecog(text: str, allowed: list[int]) -> None:
    (c,) = fam(text, "performance_status")
    assert c.params["scale"] == "ecog"
    assert c.params["allowed"] == allowed
    assert c.params["ecog_max"] == max(allowed)


def test_karnofsky() -> None:
    (c,) = fam("have a KPS Score of > 50", "performance_status")
    assert c.params["scale"] == "karnofsky" and c.params["op"] == ">" and c.params["value"] == 50


def test_lost_symbol_ecog_is_low_confidence() -> None:
    (c,) = fam(
        "Eastern Cooperative Oncology Group (ECOG) performance status  2.", "performance_status"
    )
    assert c.params["symbol_lost"] is True and c.params["ecog_max"] == 2
    assert c.confidence <= 0.5


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Life expectancy >= 3 months", 3.0),
        ("have a life expectancy of at least 6 months", 6.0),
        ("Estimated life expectancy of at least 12 weeks.", 2.76),
        ("Have a life expectancy greater than 2 years", 24.0),
    ],
)
def test_life_expectancy(text: str, months: float) -> None:
    (c,) = fam(text, "life_expectancy")
    assert c.params["months"] == months


def test_ecog_and_life_expectancy_in_one_item() -> None:
    text = "ECOG score 0-1 and a life expectancy of at least 12 weeks."
    assert fam(text, "performance_status")[0].params["ecog_max"] == 1
    assert fam(text, "life_expectancy")[0].params["value"] == 12


def test_reversed_operator_is_not_read_as_strict() -> None:
    # parser 0.12.0: "=<" / "=>" was read as "=" then a strict "<" / ">"
    (kps, ecog) = fam("ECOG performance status =< 1 (Karnofsky >= 70%)", "performance_status")
    assert ecog.params["ecog_max"] == 1 and ecog.params["allowed"] == [0, 1]
    assert kps.params["karnofsky_min"] == 70
    (k,) = fam("Karnofsky Performance Status index => 60%.", "performance_status")
    assert k.params["karnofsky_min"] == 60 and k.params["op"] == ">="
