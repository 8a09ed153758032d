"""BED/EQD2 against the reference table in domain.md §5 (all rows, all alpha/beta)."""

from __future__ import annotations

import pytest

from osteotrials.outcomes import dose
from osteotrials.outcomes.errors import OutcomesError

# (total Gy, fractions) -> {alpha/beta: (BED, EQD2)} copied from domain.md §5,
# rounded there to 0.1 Gy.
TABLE = {
    (8, 1): {10: (14.4, 12.0), 3: (29.3, 17.6), 2: (40.0, 20.0)},
    (20, 5): {10: (28.0, 23.3), 3: (46.7, 28.0), 2: (60.0, 30.0)},
    (24, 6): {10: (33.6, 28.0), 3: (56.0, 33.6), 2: (72.0, 36.0)},
    (30, 10): {10: (39.0, 32.5), 3: (60.0, 36.0), 2: (75.0, 37.5)},
    (16, 1): {10: (41.6, 34.7), 3: (101.3, 60.8), 2: (144.0, 72.0)},
    (18, 1): {10: (50.4, 42.0), 3: (126.0, 75.6), 2: (180.0, 90.0)},
    (20, 1): {10: (60.0, 50.0), 3: (153.3, 92.0), 2: (220.0, 110.0)},
    (24, 1): {10: (81.6, 68.0), 3: (216.0, 129.6), 2: (312.0, 156.0)},
    (24, 2): {10: (52.8, 44.0), 3: (120.0, 72.0), 2: (168.0, 84.0)},
    (27, 3): {10: (51.3, 42.8), 3: (108.0, 64.8), 2: (148.5, 74.2)},
    (30, 5): {10: (48.0, 40.0), 3: (90.0, 54.0), 2: (120.0, 60.0)},
    (35, 5): {10: (59.5, 49.6), 3: (116.7, 70.0), 2: (157.5, 78.8)},
}
CASES = [(d, n, ab, v) for (d, n), row in TABLE.items() for ab, v in row.items()]


@pytest.mark.parametrize(("total", "n", "ab", "expected"), CASES)
def test_bed_eqd2_table(total: int, n: int, ab: int, expected: tuple[float, float]) -> None:
    # The table is rounded to 0.1 Gy (74.25 printed as 74.2), so allow half a unit.
    assert dose.bed(total, n, ab) == pytest.approx(expected[0], abs=0.05 + 1e-9)
    assert dose.eqd2(total, n, ab) == pytest.approx(expected[1], abs=0.05 + 1e-9)


def test_exact_hand_values() -> None:
    # 8 Gy x 1, a/b 10: 8 * 1.8 = 14.4; / 1.2 = 12
    assert dose.bed(8, 1, 10) == pytest.approx(14.4)
    assert dose.eqd2(8, 1, 10) == pytest.approx(12.0)
    # EQD2 = D (d + a/b) / (2 + a/b): 27 Gy/3 at a/b 2 = 27 * 11 / 4 = 74.25
    assert dose.eqd2(27, 3, 2) == pytest.approx(74.25)


def test_lq_extrapolation_flag_boundary() -> None:
    assert not dose.calculate(8, 1, 10).lq_extrapolated  # exactly 8 Gy/fx: not above
    r = dose.calculate(27, 3, 10)  # 9 Gy/fx
    assert r.lq_extrapolated
    assert "LQ extrapolation" in r.warnings[0]
    assert dose.calculate(24, 3, 10).lq_extrapolated is False


def test_regimen_classes() -> None:
    assert dose.regimen_class(8, 1) == "single_fraction"
    assert dose.regimen_class(30, 10) == "conventional"  # 3 Gy/fx
    assert dose.regimen_class(20, 5) == "moderate_hypofractionation"  # 4 Gy/fx
    assert dose.regimen_class(24, 6) == "moderate_hypofractionation"
    assert dose.regimen_class(27, 3, stereotactic=True) == "sbrt"
    assert dose.regimen_class(24, 1, stereotactic=True) == "sbrt"
    # without the stereotactic technique the default definition does not call it SBRT
    assert dose.regimen_class(24, 1) == "single_fraction"
    assert dose.regimen_class(27, 3) == "moderate_hypofractionation"


def test_sbrt_definition_boundaries_and_config() -> None:
    # 25 Gy/5 = 5 Gy/fx, exactly the minimum: SBRT; 24 Gy/5 = 4.8: not
    assert dose.regimen_class(25, 5, stereotactic=True) == "sbrt"
    assert dose.regimen_class(24, 5, stereotactic=True) == "moderate_hypofractionation"
    # 6 fractions exceeds the default maximum of 5
    assert dose.regimen_class(36, 6, stereotactic=True) == "moderate_hypofractionation"
    loose = dose.SBRTDefinition(max_fractions=6, require_stereotactic_technique=False)
    assert dose.regimen_class(36, 6, sbrt=loose) == "sbrt"
    assert "<= 6 fractions" in loose.describe()


def test_alpha_beta_per_structure() -> None:
    assert dose.alpha_beta_for("tumor") == 10
    assert dose.alpha_beta_for("spinal cord") == 2
    assert dose.alpha_beta_for("late_responding") == 3
    with pytest.raises(OutcomesError) as e:
        dose.alpha_beta_for("kidney")
    assert e.value.field == "structure"


@pytest.mark.parametrize(
    ("args", "field"),
    [((0, 1, 10), "total_dose_gy"), ((8, 0, 10), "fractions"), ((8, 1, 0), "alpha_beta_gy")],
)
def test_bad_input(args: tuple[float, int, float], field: str) -> None:
    with pytest.raises(OutcomesError) as e:
        dose.bed(*args)
    assert e.value.field == field
    assert isinstance(e.value, ValueError)
