# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""cardiac, menopause, pregnancy, other_malignancy, infection, comorbidity,
trial_participation, administrative and diagnosis components."""

from __future__ import annotations

from tests.criteria.conftest import fam


def test_lvef_and_qtc() -> None:
    (lvef,) = fam("Left ventricular ejection fraction >50% and more;", "cardiac")
    assert lvef.params["measure"] == "lvef" and lvef.params["value"] == 50
    qtc = fam(
        "QTc interval \\>450 ms for men or 470 ms for women, or known history of QTc prolongation or Torsades de Pointes.",
        "cardiac",
        "exclusion",
    )
    assert qtc[0].params["measure"] == "qtc" and qtc[0].params["value"] == 450


def test_cardiac_history() -> None:
    (c,) = fam(
        "History of myocardial infarction within 6 months of randomization", "cardiac", "exclusion"
    )
    assert c.params["condition"] == ["myocardial_infarction"]
    assert (
        c.time_window is not None
        and c.time_window.relation == "within"
        and c.time_window.unit == "months"
    )


def test_menopause() -> None:
    assert fam("Post-menopausal women", "menopause")[0].params["status"] == ["post"]
    assert fam("History of bilateral oophorectomy", "menopause")[0].params["status"] == ["post"]
    assert fam(
        "Be premenopausal or perimenopausal with a negative serum pregnancy test.", "menopause"
    )[0].params["status"] == ["peri", "pre"]


def test_pregnancy_and_contraception() -> None:
    (p,) = fam("Pregnant or lactating women", "pregnancy", "exclusion")
    assert p.params["aspect"] == ["breastfeeding", "pregnant"] and p.polarity == "exclude"
    text = "Patients who are pregnant or breastfeeding are not eligible; women of child bearing potential must agree to practice adequate contraception"
    assert fam(text, "pregnancy", "exclusion")
    assert fam(text, "administrative", "exclusion")[0].params["aspect"] == ["contraception"]


def test_other_malignancy_years_and_exceptions() -> None:
    text = "History of other malignancy within the last 5 years, except for carcinoma in situ of the cervix, basal cell carcinoma or squamous cell carcinoma of the skin that has been previously treated with curative intent"
    (c,) = fam(text, "other_malignancy", "exclusion")
    assert c.params["years"] == 5
    assert "carcinoma in situ of the cervix" in c.params["exceptions"][0]


def test_infections() -> None:
    assert fam("Active hepatitis B or C", "infection", "exclusion")[0].params["agent"] == [
        "hbv",
        "hcv",
    ]
    assert fam(
        "Has a known history of Human Immunodeficiency Virus (HIV).", "infection", "exclusion"
    )[0].params["agent"] == ["hiv"]
    assert fam("Patients on antiretroviral therapy.", "infection", "exclusion") == []


def test_comorbidity() -> None:
    (c,) = fam(
        "History of interstitial lung disease (ILD) or pneumonitis that required treatment with systemic steroids, or any evidence of active ILD or pneumonitis, including but not limited to those listed in the protocol.",
        "comorbidity",
        "exclusion",
    )
    assert "lung" in c.params["condition"]


def test_trial_participation() -> None:
    (c,) = fam(
        "Participation in another experimental drug study within four weeks prior to the first day of study treatment.",
        "trial_participation",
        "exclusion",
    )
    assert c.params["aspect"] == "other_trial"
    assert (
        fam(
            "Patients who have provided written consent to participate in this study",
            "trial_participation",
        )
        == []
    )


def test_administrative_only_item() -> None:
    cs = [
        c
        for c in __import__("tests.criteria.conftest", fromlist=["one"]).one(
            "Signed informed consent"
        )
    ]
    assert [c.family for c in cs] == ["administrative"] and cs[0].params["aspect"] == ["consent"]


def test_diagnosis() -> None:
    (c,) = fam(
        "Histologically confirmed invasive breast cancer with incurable stage IIIB, IIIC with T4 lesion or stage IV disease at primary diagnosis or at relapse after curative intent surgery.",
        "diagnosis",
    )
    assert c.params["cancer"] == "breast"
    assert {"metastatic", "locally_advanced"} <= set(c.params["setting"])
    assert c.params["confirmation"] == "histologically"
