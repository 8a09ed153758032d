"""The example patients: each loads without errors or warnings, and the facts a
matcher relies on were checked by hand against the YAML (see the comments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osteotrials.patient import DerivedFacts, derive, load_patient
from paths import EXAMPLE_PATIENTS

from ._support import AS_OF

EXAMPLES = sorted(EXAMPLE_PATIENTS.glob("*.yaml"))


def derived(name: str) -> DerivedFacts:
    loaded = load_patient(EXAMPLE_PATIENTS / name, as_of=AS_OF)
    return derive(loaded.patient, as_of=AS_OF)


def test_the_six_required_examples_exist() -> None:
    names = {p.name for p in EXAMPLES}
    assert {
        "hr-her2low-bone-only-post-cdk46.yaml",
        "her2-positive-treated-brain-mets.yaml",
        "tnbc-germline-brca1.yaml",
        "premenopausal-de-novo-ovarian-suppression.yaml",
        "ecog2-marrow-infiltration.yaml",
        "male-hr-positive.yaml",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_cleanly(path: Path) -> None:
    loaded = load_patient(path, as_of=AS_OF)
    assert loaded.kind == "yaml"
    assert loaded.warnings == []
    facts = derive(loaded.patient, as_of=AS_OF)
    assert facts.notes == [] or path.stem.startswith("premenopausal")
    assert facts.bone_metastases is True  # every example has bone metastases
    assert facts.unknown_drugs == []
    assert loaded.patient.postal_code is not None and loaded.patient.country == "US"


def test_main_example_hr_her2low_bone_only_post_cdk46() -> None:
    f = derived("hr-her2low-bone-only-post-cdk46.yaml")
    assert (f.er_category, f.pr_positive, f.her2_category) == ("positive", True, "low")
    assert f.age_years == 62  # born 1963-04-18
    assert f.menopausal_status == "post"
    # T8/iliac/rib blastic, L2 mixed with 0 mm soft tissue: nothing measurable
    assert (f.measurable_disease, f.bone_only, f.bone_dominant) == (False, True, True)
    # adjuvant anastrozole stopped 2021-06-30, relapse 2023-05-10 (>12 months)
    assert f.relapse_within_adjuvant_endocrine_window is False
    # one metastatic line: letrozole + palbociclib, stopped for progression
    assert (f.lines.endocrine.count, f.lines.targeted.count, f.lines.total.count) == (1, 1, 1)
    assert f.lines.chemotherapy.count == 0
    assert f.prior_classes["cdk46_inhibitor"] == ["metastatic"]
    assert f.biomarkers["ESR1"].somatic_detected is True
    assert f.biomarkers["PIK3CA"].detected is False
    assert f.ecog == 1
    # CG: (140-62) x 68 / (72 x 0.82) x 0.85
    assert f.creatinine_clearance_ml_min == pytest.approx(76.4, abs=0.1)


def test_her2_positive_treated_brain_mets() -> None:
    f = derived("her2-positive-treated-brain-mets.yaml")
    assert (f.her2_category, f.hr_positive, f.triple_negative) == ("positive", False, False)
    assert f.cns_status == "treated_stable" and f.cns_metastases is True
    # T11 lytic lesion with a 14 mm soft-tissue mass is measurable; node 12 mm is not
    assert f.measurable_disease is True
    assert f.measurable_lesions == [
        "lytic bone lesion T11 vertebral body with 14 mm soft-tissue component"
    ]
    # THP then HP maintenance (after_progression: false) = line 1; T-DXd = 2; tucatinib = 3
    assert [line.drugs for line in f.lines.lines] == [
        ["docetaxel", "trastuzumab", "pertuzumab"],
        ["trastuzumab deruxtecan"],
        ["tucatinib", "trastuzumab", "capecitabine"],
    ]
    assert (f.lines.chemotherapy.count, f.lines.targeted.count, f.lines.total.count) == (2, 3, 3)
    assert f.prior_payload_classes == {"maytansinoid": ["adjuvant"], "topoI_DXd": ["metastatic"]}
    assert f.lvef_percent == 58


def test_tnbc_germline_brca1() -> None:
    f = derived("tnbc-germline-brca1.yaml")
    assert (f.triple_negative, f.her2_category, f.er_low) == (True, "zero", False)
    assert f.biomarkers["BRCA1"].germline_detected is True
    assert f.biomarkers["PD-L1"].score == 5
    # eribulin stopped for toxicity -> vinorelbine (same class): still line 2
    assert [line.drugs for line in f.lines.lines] == [
        ["sacituzumab govitecan"],
        ["eribulin", "vinorelbine"],
    ]
    assert (f.lines.chemotherapy.count, f.lines.targeted.count, f.lines.total.count) == (1, 1, 2)
    assert set(f.prior_classes["parp_inhibitor"]) == {"adjuvant"}
    assert f.prior_classes["immune_checkpoint_inhibitor"] == ["neoadjuvant", "adjuvant"]
    assert f.lung_metastases is True and f.bone_only is False
    # ANC 1900 /uL = 1.9 x 10^9/L; creatinine 62 umol/L
    assert f.labs["anc"].value == pytest.approx(1.9)
    assert f.labs["creatinine"].unit == "umol/L"


def test_premenopausal_de_novo_on_ovarian_suppression() -> None:
    f = derived("premenopausal-de-novo-ovarian-suppression.yaml")
    assert f.menopausal_status == "indeterminate_ofs"
    assert f.on_ovarian_suppression is True
    assert f.her2_category == "ultralow"
    assert f.relapse_within_adjuvant_endocrine_window is False  # de novo
    # right axillary node 17 mm short axis and the 24 mm breast primary are measurable
    assert f.measurable_disease is True
    assert "node right axilla 17 mm short axis" in f.measurable_lesions
    assert (f.bone_only, f.bone_dominant) == (False, True)
    assert f.current_drugs == ["goserelin", "letrozole", "ribociclib"]
    assert (f.lines.endocrine.count, f.lines.total.count) == (1, 1)
    assert f.biomarkers["PIK3CA"].somatic_detected is True


def test_ecog2_marrow_infiltration() -> None:
    f = derived("ecog2-marrow-infiltration.yaml")
    assert (f.ecog, f.ecog_basis) == (2, "stated")
    assert f.labs["anc"].value == pytest.approx(1.1)
    assert f.labs["platelets"].value == pytest.approx(68)
    assert f.labs["hemoglobin"].value == pytest.approx(87)  # 8.7 g/dL in g/L
    assert f.labs["alp"].uln == 120
    assert (f.bone_only, f.measurable_disease) == (True, False)
    assert f.her2_category == "zero"
    # four metastatic lines, each ended by progression or (the last) toxicity
    assert (f.lines.endocrine.count, f.lines.chemotherapy.count) == (2, 2)
    assert (f.lines.targeted.count, f.lines.total.count) == (2, 4)
    # (140 - 67) x 57 / (72 x 1.2) x 0.85 = 40.9
    assert f.age_years == 67
    assert f.creatinine_clearance_ml_min == pytest.approx(40.9, abs=0.1)


def test_male_hr_positive() -> None:
    f = derived("male-hr-positive.yaml")
    assert (f.sex, f.menopausal_status) == ("male", "not_applicable")
    assert (f.her2_category, f.her2_ish_amplified) == ("low", False)  # IHC 2+, ISH not amplified
    assert f.biomarkers["BRCA2"].germline_detected is True
    assert (f.liver_metastases, f.bone_only, f.measurable_disease) == (True, False, True)
    # adjuvant tamoxifen stopped 2023-06-12, relapse 2024-01-16 (7 months): the early
    # relapse counts as an endocrine line, so leuprolide + anastrozole + palbociclib is the 2nd
    assert f.relapse_within_adjuvant_endocrine_window is True
    assert (f.lines.endocrine.count, f.lines.total.count) == (2, 2)
    assert f.lines.targeted.count == 1
