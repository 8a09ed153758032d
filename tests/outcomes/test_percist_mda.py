"""PERCIST 1.0 worked examples and MD Anderson bone categories."""

from __future__ import annotations

import pytest

from osteotrials.outcomes import bone_response, percist
from osteotrials.outcomes.errors import OutcomesError
from osteotrials.outcomes.percist import PetScan


@pytest.mark.parametrize(
    ("b", "f", "expected", "expected_strict"),
    [
        (8.0, 5.0, "PMR", "PMR"),  # -37.5%, -3.0 (issue 7 CLI example)
        (4.0, 2.8, "PMR", "SMD"),  # exactly -30% and -1.2: >= passes, > does not
        (4.0, 2.81, "SMD", "SMD"),  # -29.75%
        (2.0, 1.4, "SMD", "SMD"),  # -30% but only -0.6 SUL absolute
        (3.0, 2.2, "SMD", "SMD"),  # -26.7% fails the 30% rule; -0.8 SUL alone is not enough
        (4.0, 5.2, "SMD", "SMD"),  # exactly +30%: progression needs > 30%
        (4.0, 5.3, "PMD", "PMD"),  # +32.5%, +1.3
        (2.0, 2.7, "SMD", "SMD"),  # +35% but +0.7 SUL only
        (2.5, 3.3, "SMD", "SMD"),  # +32%, +0.8 exactly: needs > 0.8
        (2.5, 3.31, "PMD", "PMD"),
    ],
)
def test_sulpeak_thresholds(b: float, f: float, expected: str, expected_strict: str) -> None:
    assert percist.classify_values(b, f).category == expected
    assert percist.classify_values(b, f, strict_inequalities=True).category == expected_strict


def test_absolute_boundary_response() -> None:
    # 2.0 -> 1.2: -40% and exactly -0.8 SUL: PMR with >=, SMD with strict >
    assert percist.classify_values(2.0, 1.2).category == "PMR"
    assert percist.classify_values(2.0, 1.2, strict_inequalities=True).category == "SMD"


def test_tlg_and_new_lesion_rules() -> None:
    r = percist.classify_values(5.0, 5.1, baseline_tlg=100, followup_tlg=176)
    assert (r.category, r.reason) == ("PMD", "TLG rose > 75%")
    assert percist.classify_values(5.0, 5.1, baseline_tlg=100, followup_tlg=175).category == "SMD"
    assert percist.classify_values(8.0, 3.0, new_lesions=True).category == "PMD"


def test_cmr_and_measurability() -> None:
    base = PetScan(sulpeak=6.0, liver_sul_mean=2.0, liver_sul_sd=0.3, uptake_time_min=60)
    fu = PetScan(sulpeak=1.8, liver_sul_mean=2.0, liver_sul_sd=0.3, uptake_time_min=62)
    r = percist.classify(base, fu)
    assert r.category == "CMR"
    # threshold 1.5 * 2.0 + 2 * 0.3 = 3.6
    assert r.measurability_threshold == pytest.approx(3.6)
    assert r.measurable is True
    assert r.warnings == []
    small = PetScan(sulpeak=3.5, liver_sul_mean=2.0, liver_sul_sd=0.3)
    r2 = percist.classify(small, PetScan(sulpeak=2.2, liver_sul_mean=2.0))
    assert (r2.category, r2.measurable) == ("NE", False)
    # measurable exactly at the threshold
    at = PetScan(sulpeak=3.6, liver_sul_mean=2.0, liver_sul_sd=0.3)
    assert percist.classify(at, PetScan(sulpeak=2.5, liver_sul_mean=2.0)).measurable is True
    # blood pool when the liver is abnormal: 2 * 1.5 + 2 * 0.2 = 3.4
    bp = PetScan(sulpeak=5, liver_abnormal=True, blood_pool_sul_mean=1.5, blood_pool_sul_sd=0.2)
    assert percist.measurability_threshold(bp) == pytest.approx((3.4, "blood_pool"))


def test_comparability_warnings() -> None:
    base = PetScan(sulpeak=6.0, liver_sul_mean=2.0, uptake_time_min=60, scanner="A")
    ok = PetScan(sulpeak=4.0, liver_sul_mean=2.25, uptake_time_min=75, scanner="A")
    assert percist.comparability_warnings(base, ok) == []
    # 2.0 -> 2.3: 15% but 0.3 SUL absolute is not < 0.3
    bad_abs = PetScan(sulpeak=4.0, liver_sul_mean=2.3, uptake_time_min=60, scanner="A")
    assert any("liver" in w for w in percist.comparability_warnings(base, bad_abs))
    late = PetScan(sulpeak=4.0, liver_sul_mean=2.0, uptake_time_min=76, scanner="B")
    w = percist.comparability_warnings(base, late)
    assert any("uptake time" in x for x in w)
    assert any("scanner" in x for x in w)
    big = PetScan(sulpeak=4.0, liver_sul_mean=1.0, uptake_time_min=60, scanner="A")
    base_low = PetScan(sulpeak=6.0, liver_sul_mean=1.0 / 1.25, uptake_time_min=60, scanner="A")
    assert any("liver" in x for x in percist.comparability_warnings(base_low, big))


def test_percist_bad_input() -> None:
    with pytest.raises(OutcomesError) as e:
        PetScan(sulpeak=-1)
    assert e.value.field == "sulpeak"


M = bone_response.MDABoneRead


@pytest.mark.parametrize(
    ("read", "category"),
    [
        (M(lytic="complete_fill_in", bone_scan="disappeared"), "CR"),
        (M(blastic="normalized"), "CR"),
        (M(lytic="complete_fill_in", blastic="decreased"), "PR"),
        (M(lytic="sclerotic_rim"), "PR"),
        (M(size_change_pct=-50), "PR"),
        (M(size_change_pct=-49.9), "SD"),
        (M(size_change_pct=24.9), "SD"),
        (M(size_change_pct=25), "PD"),
        (M(lytic="partial_fill_in", new_lesion=True), "PD"),
        (M(bone_scan="increased"), "PD"),
        (M(blastic="unchanged", bone_scan="unchanged"), "SD"),
    ],
)
def test_mda_categories(read: bone_response.MDABoneRead, category: str) -> None:
    assert bone_response.mda_category(read).category == category


def test_mda_flare_warning_and_errors() -> None:
    r = bone_response.mda_category(M(bone_scan="increased", flare_excluded=False))
    assert r.warnings
    with pytest.raises(OutcomesError):
        bone_response.mda_category(M())
    with pytest.raises(OutcomesError) as e:
        M(lytic="gone")  # type: ignore[arg-type]
    assert e.value.field == "lytic"
