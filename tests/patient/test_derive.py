"""Derived facts at their boundaries (domain.md §1.1-1.9)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from osteotrials.patient import DeriveConfig, LineRules, derive
from osteotrials.patient.derive import (
    add_months,
    age_on,
    cockcroft_gault,
    ecog_from_karnofsky,
)

from ._support import AS_OF, facts, make, regimen

# --------------------------------------------------------------------------- ER / PR / HER2


@pytest.mark.parametrize(
    ("pct", "positive", "low", "category"),
    [
        (0, False, False, "negative"),
        (0.9, False, False, "negative"),
        (1, True, True, "low"),
        (10, True, True, "low"),
        (10.5, True, False, "positive"),
        (95, True, False, "positive"),
    ],
)
def test_er_cut_points(pct: float, positive: bool, low: bool, category: str) -> None:
    f = facts(receptors={"er_percent": pct})
    assert (f.er_positive, f.er_low, f.er_category) == (positive, low, category)


def test_er_status_without_percent_cannot_tell_er_low() -> None:
    f = facts(receptors={"er_status": "positive"})
    assert f.er_positive is True
    assert f.er_low is None
    assert f.er_category is None


def test_receptors_unknown_give_unknown() -> None:
    f = facts()
    assert f.er_positive is None and f.pr_positive is None and f.hr_positive is None
    assert f.her2_category is None and f.her2_positive is None and f.triple_negative is None


@pytest.mark.parametrize(
    ("receptors", "category", "positive"),
    [
        ({"her2_ihc": "3+"}, "positive", True),
        ({"her2_ihc": "2+", "her2_ish": "amplified"}, "positive", True),
        ({"her2_ihc": "2+", "her2_ish": "not_amplified"}, "low", False),
        ({"her2_ihc": "2+"}, "equivocal", None),
        ({"her2_ihc": "1+"}, "low", False),
        ({"her2_ihc": "0", "her2_ihc_zero_staining": "faint"}, "ultralow", False),
        ({"her2_ihc": "0", "her2_ihc_zero_staining": "none"}, "zero", False),
        ({"her2_ihc": "0"}, "zero_or_ultralow", False),
        ({"her2_status": "negative"}, "negative", False),
        ({"her2_status": "positive"}, "positive", True),
        ({"her2_ish": "amplified"}, "positive", True),
    ],
)
def test_her2_categories(receptors: dict[str, Any], category: str, positive: bool | None) -> None:
    f = facts(receptors=receptors)
    assert (f.her2_category, f.her2_positive) == (category, positive)


@pytest.mark.parametrize(
    ("ihc", "ratio", "copies", "amplified", "category"),
    [
        ("2+", 2.3, 5.0, True, "positive"),  # group 1
        ("2+", 2.3, 3.5, False, "low"),  # group 2
        ("2+", 1.6, 6.5, True, "positive"),  # group 3 with IHC 2+
        ("1+", 1.6, 6.5, False, "low"),  # group 3 with IHC 1+
        ("2+", 1.8, 4.5, False, "low"),  # group 4
        ("2+", 1.2, 2.1, False, "low"),  # group 5
    ],
)
def test_her2_ish_groups_from_ratio_and_copies(
    ihc: str, ratio: float, copies: float, amplified: bool, category: str
) -> None:
    f = facts(receptors={"her2_ihc": ihc, "her2_ish_ratio": ratio, "her2_copies_per_cell": copies})
    assert (f.her2_ish_amplified, f.her2_category) == (amplified, category)


def test_ish_group_3_without_ihc_is_unknown() -> None:
    f = facts(receptors={"her2_ish_ratio": 1.6, "her2_copies_per_cell": 6.5})
    assert f.her2_ish_amplified is None
    assert f.her2_category is None


def test_her2_equivocal_uses_reported_status_with_a_note() -> None:
    f = facts(receptors={"her2_ihc": "2+", "her2_status": "negative"})
    assert f.her2_category == "low"
    assert any("IHC 2+ without ISH" in n for n in f.notes)


def test_triple_negative() -> None:
    tn = {"er_percent": 0, "pr_percent": 0, "her2_ihc": "1+"}
    assert facts(receptors=tn).triple_negative is True
    assert facts(receptors={**tn, "er_percent": 5}).triple_negative is False  # ER-low
    assert facts(receptors={**tn, "her2_ihc": "3+"}).triple_negative is False
    assert facts(receptors={"er_percent": 0, "pr_percent": 0}).triple_negative is None
    assert facts(receptors={**tn, "her2_ihc": "2+"}).triple_negative is None  # ISH pending
    assert facts(receptors={"er_percent": 0, "her2_ihc": "0"}).triple_negative is None


def test_hormone_receptor_positive() -> None:
    assert facts(receptors={"er_percent": 0, "pr_percent": 5}).hr_positive is True
    assert facts(receptors={"er_percent": 0, "pr_percent": 0}).hr_positive is False
    assert facts(receptors={"er_percent": 0}).hr_positive is None


# --------------------------------------------------------------------------- menopause


def born_years_before(years: int, days_after: int = 0) -> str:
    return date(AS_OF.year - years, AS_OF.month, AS_OF.day + days_after).isoformat()


def test_age_60_is_postmenopausal_and_59_is_not_derivable() -> None:
    f60 = facts(sex="female", birth_date=born_years_before(60))
    assert f60.age_years == 60
    assert f60.menopausal_status == "post"
    f59 = facts(sex="female", birth_date=born_years_before(60, days_after=1))
    assert f59.age_years == 59
    assert f59.menopausal_status is None  # nothing else known: never guessed


def test_age_rule_needs_the_sex_to_be_known() -> None:
    assert facts(age_years=70).menopausal_status is None
    assert facts(age_years=70, menopause={"status": "post"}).menopausal_status == "post"


def test_under_60_uses_the_stated_status() -> None:
    f = facts(sex="female", age_years=45, menopause={"status": "pre"})
    assert (f.menopausal_status, f.menopausal_basis) == ("pre", "as stated")


def test_ovarian_suppression_makes_status_indeterminate() -> None:
    flag = facts(sex="female", age_years=45, menopause={"on_ovarian_suppression": True})
    assert flag.menopausal_status == "indeterminate_ofs"
    drug = facts(
        sex="female",
        age_years=45,
        menopause={"status": "post"},
        regimens=[regimen(["goserelin", "letrozole"], ongoing=True)],
    )
    assert drug.menopausal_status == "indeterminate_ofs"
    assert drug.on_ovarian_suppression is True
    assert any("stated 'post', derived 'indeterminate_ofs'" in n for n in drug.notes)


def test_stopped_ovarian_suppression_does_not_count() -> None:
    f = facts(
        sex="female",
        age_years=45,
        regimens=[regimen(["goserelin", "letrozole"], stop_date="2025-01-01")],
    )
    assert f.menopausal_status is None


def test_oophorectomy_and_age_60_win_over_ovarian_suppression() -> None:
    bso = {"bilateral_oophorectomy": True, "on_ovarian_suppression": True}
    assert facts(sex="female", age_years=50, menopause=bso).menopausal_status == "post"
    ofs = {"on_ovarian_suppression": True}
    assert facts(sex="female", age_years=61, menopause=ofs).menopausal_status == "post"


def test_amenorrhoea_rule_needs_twelve_months_off_treatment_and_labs() -> None:
    base = {"amenorrhea_months": 12, "amenorrhea_on_treatment": False}
    post = {**base, "fsh_estradiol_postmenopausal": True}
    assert facts(sex="female", age_years=55, menopause=post).menopausal_status == "post"
    assert facts(sex="female", age_years=55, menopause=base).menopausal_status is None
    short = {**post, "amenorrhea_months": 11}
    assert facts(sex="female", age_years=55, menopause=short).menopausal_status is None
    chemo = {**post, "amenorrhea_on_treatment": True}  # chemotherapy-induced: not reliable
    assert facts(sex="female", age_years=55, menopause=chemo).menopausal_status is None


def test_tamoxifen_with_postmenopausal_labs() -> None:
    f = facts(
        sex="female",
        age_years=52,
        menopause={"fsh_estradiol_postmenopausal": True},
        regimens=[regimen(["tamoxifen"], setting="adjuvant", ongoing=True)],
    )
    assert f.menopausal_status == "post"
    assert "NCCN d" in (f.menopausal_basis or "")


def test_men_have_no_menopausal_status() -> None:
    assert facts(sex="male", age_years=70).menopausal_status == "not_applicable"


# --------------------------------------------------------------------------- RECIST, sites

KNOWN_EMPTY = {"bone_lesions": [], "visceral_lesions": [], "nodal_lesions": []}


def disease(**lists: Any) -> dict[str, Any]:
    return {**KNOWN_EMPTY, **lists}


@pytest.mark.parametrize(
    ("lesion", "measurable"),
    [
        ({"type": "lytic", "soft_tissue_component_mm": 10}, True),
        ({"type": "lytic", "soft_tissue_component_mm": 9.9}, False),
        ({"type": "mixed", "soft_tissue_component_mm": 10}, True),
        ({"type": "blastic", "soft_tissue_component_mm": 30}, False),  # never measurable
        ({"type": "blastic"}, False),
        ({"type": "lytic"}, None),  # soft tissue unknown
        ({"soft_tissue_component_mm": 25}, None),  # type unknown
    ],
)
def test_bone_lesion_measurability(lesion: dict[str, Any], measurable: bool | None) -> None:
    f = facts(disease=disease(bone_lesions=[lesion]))
    assert f.measurable_disease is measurable


@pytest.mark.parametrize(("short_axis", "measurable"), [(15, True), (14.9, False), (10, False)])
def test_node_short_axis_15_mm(short_axis: float, measurable: bool) -> None:
    f = facts(disease=disease(nodal_lesions=[{"site": "axilla", "short_axis_mm": short_axis}]))
    assert f.measurable_disease is measurable


@pytest.mark.parametrize(
    ("size", "modality", "measurable"),
    [(10, "ct", True), (9, "ct", False), (19, "xray", False), (20, "xray", True)],
)
def test_visceral_lesion_size(size: float, modality: str, measurable: bool) -> None:
    lesion = {"organ": "liver", "longest_diameter_mm": size, "modality": modality}
    assert facts(disease=disease(visceral_lesions=[lesion])).measurable_disease is measurable


def test_measurability_falls_back_to_stated_then_unknown() -> None:
    lesions_unknown = {"bone_lesions": [{"type": "lytic"}], "measurable_disease": True}
    f = facts(disease=lesions_unknown)
    assert (f.measurable_disease, f.measurable_basis) == (True, "stated")
    assert facts(disease={"bone_lesions": [{"type": "blastic"}]}).measurable_disease is None
    assert facts().measurable_disease is None


def test_lesions_win_over_a_contradicting_statement() -> None:
    f = facts(disease=disease(bone_lesions=[{"type": "blastic"}], measurable_disease=True))
    assert (f.measurable_disease, f.measurable_basis) == (False, "lesions")
    assert any("stated True but the lesions give False" in n for n in f.notes)


def test_bone_only_and_bone_dominant() -> None:
    bone = [{"type": "blastic"}]
    only = facts(disease=disease(bone_lesions=bone), cns={"status": "none"})
    assert (only.bone_only, only.bone_dominant) == (True, True)
    nodes = [{"short_axis_mm": 12}, {"short_axis_mm": 35}, {"short_axis_mm": 40}]
    dom = facts(disease=disease(bone_lesions=bone, nodal_lesions=nodes), cns={"status": "none"})
    assert (dom.bone_only, dom.bone_dominant) == (False, True)  # <= 2 nodes over 30 mm
    three = [*nodes, {"short_axis_mm": 31}]
    not_dom = facts(disease=disease(bone_lesions=bone, nodal_lesions=three), cns={"status": "none"})
    assert not_dom.bone_dominant is False
    liver = [{"organ": "liver", "longest_diameter_mm": 15}]
    visceral = facts(disease=disease(bone_lesions=bone, visceral_lesions=liver))
    assert (visceral.bone_only, visceral.bone_dominant) == (False, False)


def test_bone_only_unknown_when_other_sites_unknown() -> None:
    f = facts(disease={"bone_lesions": [{"type": "lytic"}]}, cns={"status": "none"})
    assert f.bone_metastases is True
    assert f.bone_only is None
    no_cns_info = facts(disease=disease(bone_lesions=[{"type": "lytic"}]))
    assert no_cns_info.bone_only is None


def test_breast_primary_does_not_break_bone_only() -> None:
    primary = [{"organ": "breast", "longest_diameter_mm": 22}]
    f = facts(
        disease=disease(bone_lesions=[{"type": "blastic"}], visceral_lesions=primary),
        cns={"status": "none"},
    )
    assert f.bone_only is True
    assert f.measurable_disease is True


# --------------------------------------------------------------------------- lines of therapy


def lines(**fields: Any) -> tuple[int | None, int | None, int | None, int | None]:
    f = facts(**fields)
    return (
        f.lines.endocrine.count,
        f.lines.chemotherapy.count,
        f.lines.targeted.count,
        f.lines.total.count,
    )


def adjuvant_relapse(relapse: str) -> dict[str, Any]:
    return {
        "diagnosis": {"presentation": "recurrent", "metastatic_diagnosis_date": relapse},
        "regimens": [
            regimen(
                ["letrozole"],
                setting="adjuvant",
                start_date="2015-01-15",
                stop_date="2020-01-15",
                stop_reason="completed",
            ),
            regimen(["fulvestrant", "palbociclib"], start_date=relapse, ongoing=True),
        ],
    }


def test_relapse_11_months_after_adjuvant_et_counts_as_an_endocrine_line() -> None:
    f = facts(**adjuvant_relapse("2020-12-15"))
    assert f.relapse_within_adjuvant_endocrine_window is True
    assert (f.lines.endocrine.count, f.lines.total.count) == (2, 2)
    assert f.lines.targeted.count == 1


def test_relapse_exactly_12_months_after_adjuvant_et_still_counts() -> None:
    assert facts(**adjuvant_relapse("2021-01-15")).relapse_within_adjuvant_endocrine_window


def test_relapse_13_months_after_adjuvant_et_does_not_count() -> None:
    f = facts(**adjuvant_relapse("2021-02-15"))
    assert f.relapse_within_adjuvant_endocrine_window is False
    assert (f.lines.endocrine.count, f.lines.total.count) == (1, 1)


def test_adjuvant_relapse_rule_is_configurable() -> None:
    patient = make(**adjuvant_relapse("2020-12-15"))
    rules = LineRules(count_adjuvant_endocrine_early_relapse=False)
    f = derive(patient, as_of=AS_OF, config=DeriveConfig(lines=rules))
    assert f.relapse_within_adjuvant_endocrine_window is True
    assert f.lines.endocrine.count == 1


def test_adjuvant_relapse_unknown_stop_date_gives_a_range() -> None:
    data = adjuvant_relapse("2020-12-15")
    data["regimens"][0] = regimen(["letrozole"], setting="adjuvant", start_date="2015-01-15")
    f = facts(**data)
    assert f.relapse_within_adjuvant_endocrine_window is None
    assert (f.lines.endocrine.minimum, f.lines.endocrine.maximum) == (1, 2)
    assert f.lines.endocrine.count is None


def test_toxicity_switch_within_a_class_is_not_a_new_line() -> None:
    history = [
        regimen(
            ["letrozole", "palbociclib"],
            start_date="2023-01-01",
            stop_date="2023-03-01",
            stop_reason="toxicity",
        ),
        regimen(["letrozole", "ribociclib"], start_date="2023-03-10", ongoing=True),
    ]
    assert lines(regimens=history) == (1, 0, 1, 1)


def test_aromatase_inhibitor_swap_for_toxicity_is_not_a_new_line() -> None:
    history = [
        regimen(
            ["letrozole"], start_date="2023-01-01", stop_date="2023-02-01", stop_reason="toxicity"
        ),
        regimen(["anastrozole"], start_date="2023-02-05", ongoing=True),
    ]
    assert lines(regimens=history)[3] == 1


def test_progression_starts_a_new_line() -> None:
    history = [
        regimen(
            ["letrozole", "palbociclib"],
            start_date="2023-01-01",
            stop_date="2024-01-01",
            stop_reason="progression",
        ),
        regimen(["letrozole", "ribociclib"], start_date="2024-01-10", ongoing=True),
    ]
    assert lines(regimens=history) == (2, 0, 2, 2)


def test_toxicity_switch_to_another_class_is_a_new_line_by_default_and_configurable() -> None:
    history = [
        regimen(
            ["paclitaxel"], start_date="2023-01-01", stop_date="2023-03-01", stop_reason="toxicity"
        ),
        regimen(["capecitabine"], start_date="2023-03-10", ongoing=True),
    ]
    assert lines(regimens=history) == (0, 2, 0, 2)
    rules = LineRules(toxicity_switch_other_class="same_line")
    f = derive(make(regimens=history), as_of=AS_OF, config=DeriveConfig(lines=rules))
    assert f.lines.chemotherapy.count == 1


def test_unknown_stop_reason_gives_a_range_not_a_guess() -> None:
    history = [
        regimen(["letrozole", "palbociclib"], start_date="2023-01-01", stop_date="2024-01-01"),
        regimen(["capecitabine"], start_date="2024-01-10", ongoing=True),
    ]
    f = facts(regimens=history)
    assert (f.lines.total.minimum, f.lines.total.maximum, f.lines.total.count) == (1, 2, None)
    assert (f.lines.chemotherapy.minimum, f.lines.chemotherapy.maximum) == (1, 1)
    assert [line.certain for line in f.lines.lines] == [True, False]


def test_maintenance_after_completed_chemo_is_the_same_line() -> None:
    history = [
        regimen(
            ["docetaxel", "trastuzumab", "pertuzumab"],
            start_date="2023-01-01",
            stop_date="2023-05-01",
            stop_reason="completed",
        ),
        regimen(["trastuzumab", "pertuzumab"], start_date="2023-05-02", ongoing=True),
    ]
    assert lines(regimens=history) == (0, 1, 1, 1)


def test_after_progression_flag_decides() -> None:
    history = [
        regimen(["capecitabine"], start_date="2023-01-01", stop_date="2023-06-01"),
        regimen(["eribulin"], start_date="2023-06-10", after_progression=True, ongoing=True),
    ]
    assert lines(regimens=history)[3] == 2
    history[1] = regimen(["eribulin"], start_date="2023-06-10", after_progression=False)
    assert lines(regimens=history)[3] == 1


def test_ovarian_suppression_and_bone_agents_are_never_lines() -> None:
    history = [
        regimen(["goserelin"], start_date="2023-01-01", ongoing=True),
        regimen(["zoledronic acid"], start_date="2023-01-01", ongoing=True),
    ]
    assert lines(regimens=history) == (0, 0, 0, 0)


def test_adjuvant_therapy_is_not_a_metastatic_line() -> None:
    history = [
        regimen(["doxorubicin", "cyclophosphamide"], setting="adjuvant", stop_date="2019-01-01"),
        regimen(["paclitaxel"], setting="neoadjuvant", stop_date="2018-09-01"),
    ]
    assert lines(regimens=history) == (0, 0, 0, 0)


def test_adc_counts_as_targeted_not_chemotherapy() -> None:
    f = facts(regimens=[regimen(["trastuzumab deruxtecan"], start_date="2024-01-01", ongoing=True)])
    assert (f.lines.chemotherapy.count, f.lines.targeted.count) == (0, 1)
    assert f.prior_payload_classes == {"topoI_DXd": ["metastatic"]}


def test_unknown_drug_widens_the_range_and_is_listed() -> None:
    f = facts(regimens=[regimen(["xyzzy-123"], start_date="2024-01-01", ongoing=True)])
    assert f.unknown_drugs == ["xyzzy-123"]
    assert (f.lines.total.minimum, f.lines.total.maximum) == (0, 1)
    assert (f.lines.endocrine.minimum, f.lines.endocrine.maximum) == (0, 1)


def test_unknown_setting_widens_the_range() -> None:
    f = facts(regimens=[{"drugs": ["capecitabine"], "start_date": "2024-01-01"}])
    assert (f.lines.chemotherapy.minimum, f.lines.chemotherapy.maximum) == (0, 1)


def test_unknown_history_has_no_maximum_and_empty_history_is_zero() -> None:
    unknown = facts()
    assert (unknown.lines.total.minimum, unknown.lines.total.maximum) == (0, None)
    assert unknown.lines.total.count is None
    assert facts(regimens=[]).lines.total.count == 0


def test_prior_classes_with_settings() -> None:
    f = facts(
        regimens=[
            regimen(["tamoxifen"], setting="adjuvant", stop_date="2020-01-01"),
            regimen(
                ["letrozole", "palbociclib"], stop_date="2023-01-01", stop_reason="progression"
            ),
        ],
        bone_modifying_agents=[{"drug": "denosumab"}],
    )
    assert f.prior_classes["serm"] == ["adjuvant"]
    assert f.prior_classes["endocrine"] == ["adjuvant", "metastatic"]
    assert f.prior_classes["cdk46_inhibitor"] == ["metastatic"]
    assert "bone_modifying_agent" in f.prior_classes


def test_relapse_within_6_months_of_adjuvant_chemo_flag() -> None:
    data = {
        "diagnosis": {"presentation": "recurrent", "metastatic_diagnosis_date": "2023-06-30"},
        "regimens": [regimen(["capecitabine"], setting="adjuvant", stop_date="2023-01-01")],
    }
    assert facts(**data).relapse_within_adjuvant_chemo_window is True
    data["diagnosis"]["metastatic_diagnosis_date"] = "2023-07-02"
    assert facts(**data).relapse_within_adjuvant_chemo_window is False


def test_de_novo_has_no_adjuvant_relapse() -> None:
    f = facts(diagnosis={"presentation": "de_novo"}, regimens=[])
    assert f.relapse_within_adjuvant_endocrine_window is False


# --------------------------------------------------------------------------- ECOG, CrCl, age, labs


@pytest.mark.parametrize(
    ("kps", "ecog"),
    [
        (100, 0),
        (90, 0),
        (80, 1),
        (70, 1),
        (60, 2),
        (50, 2),
        (40, 3),
        (30, 3),
        (20, 4),
        (10, 4),
        (0, 5),
    ],
)
def test_karnofsky_to_ecog_conventional_table(kps: int, ecog: int) -> None:
    assert ecog_from_karnofsky(kps) == ecog
    f = facts(performance={"karnofsky": kps})
    assert (f.ecog, f.ecog_basis) == (ecog, "karnofsky")


def test_stated_ecog_wins_over_karnofsky() -> None:
    f = facts(performance={"ecog": 2, "karnofsky": 70})
    assert (f.ecog, f.ecog_basis) == (2, "stated")


def test_cockcroft_gault_female_and_male() -> None:
    # (140 - 60) x 70 / (72 x 1.0 mg/dL) = 77.78; x 0.85 for women = 66.11
    female = cockcroft_gault(age_years=60, weight_kg=70, sex="female", creatinine_umol_l=88.4)
    male = cockcroft_gault(age_years=60, weight_kg=70, sex="male", creatinine_umol_l=88.4)
    assert female == pytest.approx(66.111, abs=0.01)
    assert male == pytest.approx(77.778, abs=0.01)
    assert cockcroft_gault(age_years=60, weight_kg=70, sex="other", creatinine_umol_l=88.4) is None


def test_crcl_from_the_patient_needs_all_four_inputs() -> None:
    full = {
        "sex": "female",
        "age_years": 60,
        "body": {"weight_kg": 70},
        "labs": [{"analyte": "creatinine", "value": 1.0, "unit": "mg/dL", "date": "2025-12-01"}],
    }
    f = facts(**full)
    assert f.creatinine_clearance_ml_min == pytest.approx(66.1)
    assert "Cockcroft-Gault" in (f.creatinine_clearance_basis or "")
    for missing in ("sex", "age_years", "body", "labs"):
        partial = {k: v for k, v in full.items() if k != missing}
        assert facts(**partial).creatinine_clearance_ml_min is None, missing


def test_crcl_uses_the_latest_creatinine_in_any_unit() -> None:
    f = facts(
        sex="male",
        age_years=60,
        body={"weight_kg": 70},
        labs=[
            {"analyte": "creatinine", "value": 3.0, "unit": "mg/dL", "date": "2025-01-01"},
            {"analyte": "serum creatinine", "value": 88.4, "unit": "umol/L", "date": "2025-12-01"},
        ],
    )
    assert f.creatinine_clearance_ml_min == pytest.approx(77.8)


def test_age_from_birth_date_at_as_of() -> None:
    assert age_on(date(1960, 1, 15), date(2026, 1, 15)) == 66
    assert age_on(date(1960, 1, 16), date(2026, 1, 15)) == 65
    assert age_on(date(1960, 2, 29), date(2025, 2, 28)) == 64
    f = derive(make(birth_date="1960-06-01"), as_of=date(2020, 6, 1))
    assert (f.age_years, f.age_basis) == (60, "birth_date")


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2020, 1, 15), 12) == date(2021, 1, 15)
    assert add_months(date(2020, 11, 30), 3) == date(2021, 2, 28)


def test_labs_in_canonical_units_with_the_lab_uln() -> None:
    f = facts(
        labs=[
            {"analyte": "Hb", "value": 9.5, "unit": "g/dL", "date": "2025-12-01", "lln": 12},
            {"analyte": "ANC", "value": 1400, "unit": "/uL", "date": "2025-12-01"},
            {"analyte": "bilirubin", "value": 1.0, "unit": "mg/dL", "uln": 1.2},
        ]
    )
    assert f.labs["hemoglobin"].value == pytest.approx(95)
    assert f.labs["hemoglobin"].lln == pytest.approx(120)
    assert f.labs["anc"].value == pytest.approx(1.4)
    assert f.labs["bilirubin"].value == pytest.approx(17.1)
    assert f.labs["bilirubin"].uln == pytest.approx(20.52)
    assert f.labs["bilirubin"].date is None


def test_germline_and_somatic_biomarkers() -> None:
    f = facts(
        biomarkers=[
            {"gene": "BRCA1", "result": "detected", "origin": "germline"},
            {"gene": "PIK3CA", "result": "not_detected", "assay": "ctdna", "origin": "somatic"},
            {"gene": "PIK3CA", "result": "detected", "assay": "tissue", "origin": "somatic"},
            {"gene": "ESR1", "result": "unknown"},
        ]
    )
    assert f.biomarkers["BRCA1"].germline_detected is True
    assert f.biomarkers["BRCA1"].somatic_detected is None
    assert f.biomarkers["PIK3CA"].detected is True
    assert f.biomarkers["PIK3CA"].assays == ["ctdna", "tissue"]
    assert f.biomarkers["ESR1"].detected is None
    assert "AKT1" not in f.biomarkers


# --------------------------------------------------------------------------- matcher helpers


def test_had_class_is_three_valued() -> None:
    f = facts(
        regimens=[
            regimen(["tamoxifen"], setting="adjuvant"),
            regimen(["letrozole", "palbociclib"], stop_reason="progression"),
        ]
    )
    assert f.had_class("cdk46_inhibitor") is True
    assert f.had_class("cdk46_inhibitor", ["metastatic"]) is True
    assert f.had_class("cdk46_inhibitor", ["adjuvant"]) is False
    assert f.had_class("serd") is False
    assert f.had_class("serm", ["metastatic"]) is False
    assert f.had_drug("palbociclib") is True
    assert f.had_payload("topoI_DXd") is False
    # history unknown: nothing can be ruled out
    unknown = facts()
    assert unknown.had_class("cdk46_inhibitor") is None
    # an unknown drug might belong to the class
    maybe = facts(regimens=[regimen(["mysterycib"])])
    assert maybe.had_class("cdk46_inhibitor") is None
    # setting unknown: maybe metastatic
    setting = facts(regimens=[{"drugs": ["fulvestrant"]}])
    assert setting.had_class("serd") is True
    assert setting.had_class("serd", ["metastatic"]) is None


def test_had_bone_agent_needs_the_bone_agent_list() -> None:
    assert facts(regimens=[]).had_class("bone_modifying_agent") is None
    assert facts(bone_modifying_agents=[]).had_class("bone_modifying_agent") is False
    given = facts(bone_modifying_agents=[{"drug": "denosumab"}])
    assert given.had_class("bone_modifying_agent") is True


def test_lab_and_biomarker_lookup_by_any_name() -> None:
    f = facts(
        labs=[{"analyte": "absolute neutrophil count", "value": 2.0, "unit": "10^9/L"}],
        biomarkers=[{"gene": "ESR1", "result": "detected"}],
    )
    lab = f.lab("ANC")
    assert lab is not None and lab.value == 2.0
    assert f.lab("platelets") is None
    assert f.lab("not a lab") is None
    summary = f.biomarker("esr1")
    assert summary is not None and summary.detected is True
    assert f.biomarker("PIK3CA") is None
