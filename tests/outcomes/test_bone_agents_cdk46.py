"""ZA dose at each CrCl boundary, Cockcroft-Gault, adherence, SRE, CDK4/6 levels."""

from __future__ import annotations

import datetime as dt

import pytest

from osteotrials.outcomes import bone_agents, cdk46
from osteotrials.outcomes.errors import OutcomesError


@pytest.mark.parametrize(
    ("crcl", "dose"),
    [
        (120, 4.0),
        (60.01, 4.0),
        (60, 3.5),
        (55, 3.5),
        (50, 3.5),
        (49.99, 3.3),
        (45, 3.3),
        (40, 3.3),
        (39.99, 3.0),
        (30, 3.0),
        (29.99, None),
        (0, None),
    ],
)
def test_za_dose_boundaries(crcl: float, dose: float | None) -> None:
    r = bone_agents.zoledronic_acid_dose(crcl)
    assert r.dose_mg == dose
    assert r.recommended == (dose is not None)


def test_za_dose_bad_input() -> None:
    with pytest.raises(OutcomesError) as e:
        bone_agents.zoledronic_acid_dose(-1)
    assert e.value.field == "crcl"


def test_cockcroft_gault_hand_values() -> None:
    # (140-60) * 70 / (72 * 1.0) * 0.85 = 66.11
    assert bone_agents.cockcroft_gault(60, 70, 1.0, "F") == pytest.approx(5600 / 72 * 0.85)
    assert bone_agents.cockcroft_gault(60, 70, 1.0, "M") == pytest.approx(5600 / 72)
    # SI: (140-60) * 70 * 1.04 / 88.4
    assert bone_agents.cockcroft_gault(
        60, 70, 88.4, "F", creatinine_unit="umol/L"
    ) == pytest.approx(80 * 70 * 1.04 / 88.4)
    # adjusted weight: IBW(165 cm, F) = 45.5 + 2.3 * (165/2.54 - 60)
    ibw = 45.5 + 2.3 * (165 / 2.54 - 60)
    adj = ibw + 0.4 * (90 - ibw)
    got = bone_agents.cockcroft_gault(60, 90, 1.0, "F", weight_basis="adjusted", height_cm=165)
    assert got == pytest.approx(80 * adj / 72 * 0.85)
    with pytest.raises(OutcomesError) as e:
        bone_agents.cockcroft_gault(60, 90, 1.0, "F", weight_basis="ideal")
    assert e.value.field == "height_cm"
    with pytest.raises(OutcomesError) as e:
        bone_agents.cockcroft_gault(60, 90, 0, "F")
    assert e.value.field == "serum_creatinine"


def test_schedule_adherence() -> None:
    start = dt.date(2024, 1, 1)
    doses = [start, start + dt.timedelta(days=84), start + dt.timedelta(days=84 + 100)]
    a = bone_agents.schedule_adherence(doses, "q12w", start + dt.timedelta(days=300))
    # expected = 300 // 84 + 1 = 4; intervals 84 (on time), 100 (16 days late > 14)
    assert (a.doses_expected, a.doses_received) == (4, 3)
    assert a.dose_adherence == pytest.approx(0.75)
    assert a.intervals == (84, 100)
    assert a.on_time_fraction == pytest.approx(0.5)
    with pytest.raises(OutcomesError):
        bone_agents.schedule_adherence(doses, "q6w", start + dt.timedelta(days=300))


def test_sre_definition_and_time_to_first() -> None:
    assert "hypercalcemia" not in bone_agents.sre_event_types()
    assert "hypercalcemia" in bone_agents.sre_event_types(include_hypercalcemia=True)
    idx = dt.date(2024, 1, 1)
    t = bone_agents.time_to_first(
        idx, [dt.date(2024, 3, 1), dt.date(2024, 2, 1)], dt.date(2024, 12, 31)
    )
    assert (t.days, t.event) == (31, True)
    t2 = bone_agents.time_to_first(idx, [], dt.date(2024, 4, 10))
    assert (t2.days, t2.event) == (100, False)
    assert bone_agents.skeletal_morbidity_rate(2, 365.25) == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("drug", "levels"),
    [
        ("palbociclib", (125, 100, 75)),
        ("ribociclib", (600, 400, 200)),
        ("abemaciclib", (150, 100, 50)),
    ],
)
def test_cdk46_levels(drug: str, levels: tuple[int, ...]) -> None:
    d = cdk46.dose_levels(drug)
    assert d.levels_mg == levels
    assert d.next_lower(levels[0]) == levels[1]
    assert d.next_lower(levels[-1]) is None
    assert d.modifications
    with pytest.raises(OutcomesError):
        d.level_of(levels[0] + 1)


def test_cdk46_unknown() -> None:
    with pytest.raises(OutcomesError) as e:
        cdk46.dose_levels("trilaciclib")
    assert e.value.field == "drug"
