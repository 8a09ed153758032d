# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""lab component: analytes, units to canonical units, ULN multiples, conditions, compounds."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam


def test_three_analytes_give_three_constraints() -> None:
    text = "Absolute neutrophil count (ANC) > than or equal to 1500/µL and platelet count > than or equal to 100,000/µL"
    cs = fam(text, "lab")
    assert [c.params["analyte"] for c in cs] == ["anc", "platelets"]
    assert [c.params["canonical_value"] for c in cs] == [1.5, 100.0]
    assert all(c.params["canonical_unit"] == "10^9/L" for c in cs)


def test_hematologic_compound_with_units() -> None:
    text = (
        "Hematologic: Platelets ≥ 100 x 10^9/L; Hemoglobin ≥ 9.0 g/ dL; Absolute neutrophil count (ANC) "
        "≥ 1.5 x 10^9/L (without platelet transfusion or any growth factors within previous 7 days of the "
        "hematologic laboratory values obtained at screening visit). Participants in the Group 3 lymphoma "
        "expansion may be enrolled with an ANC of ≥ 1.0 x 10^9 /L; Platelets ≥ 75 x 10^9 /L."
    )
    cs = fam(text, "lab")
    first = {c.params["analyte"]: c.params for c in cs[:3]}
    assert first["platelets"]["canonical_value"] == 100.0
    assert first["hemoglobin"]["canonical_value"] == 90.0
    assert first["anc"]["canonical_value"] == 1.5


def test_uln_multiple_with_liver_metastases_condition() -> None:
    text = "AST (SGOT) and ALT (SGPT) ≤ 2.5 X institutional ULN OR ≤ 5 X institutional ULN for subjects with liver metastases"
    cs = fam(text, "lab")
    default = [c for c in cs if not c.logic.conditions]
    liver = [c for c in cs if c.logic.conditions]
    assert sorted(c.params["analyte"] for c in default) == ["alt", "ast"]
    assert all(c.params["uln_multiple"] == 2.5 for c in default)
    assert sorted(c.params["analyte"] for c in liver) == ["alt", "ast"]
    assert all(
        c.params["uln_multiple"] == 5.0 and c.logic.conditions == ["liver_metastases"]
        for c in liver
    )


def test_gilbert_exception() -> None:
    text = "Total bilirubin ≤ 1.5 x Upper Limit of Normal (ULN) (if associated with liver metastases or Gilbert's disease, ≤ 3 x ULN)"
    cs = fam(text, "lab")
    assert cs[0].params["uln_multiple"] == 1.5 and not cs[0].logic.conditions
    assert cs[1].params["uln_multiple"] == 3.0
    assert cs[1].logic.conditions == ["liver_metastases", "gilbert_syndrome"]


def test_creatinine_or_clearance_alternatives_and_formula() -> None:
    text = "Serum creatinine less than or equal to 1.5 x upper limit of normal (ULN) OR creatinine clearance (CrCl) >= 40 mL/min (if using the Cockcroft-Gault formula below):"
    cr, crcl = fam(text, "lab")
    assert cr.params["analyte"] == "creatinine" and cr.params["uln_multiple"] == 1.5
    assert crcl.params["analyte"] == "crcl" and crcl.params["canonical_value"] == 40.0
    assert crcl.params["formula"] == "cockcroft-gault"
    assert cr.logic.connective == crcl.logic.connective == "or"


@pytest.mark.parametrize(
    ("text", "analyte", "canonical"),
    [
        ("Creatinine level <1.5 mg/dl", "creatinine", 132.6),
        ("Hemoglobin level of 90 g/l and more", "hemoglobin", 90.0),
        ("Calculated creatinine clearance \\>= 30 mL/min", "crcl", 30.0),
        (
            "Platelets \\>= 100,000/mcL (within 14 days prior to initiation of study treatment)",
            "platelets",
            100.0,
        ),
    ],
)
def test_units_normalised(text: str, analyte: str, canonical: float) -> None:
    (c,) = fam(text, "lab")
    assert c.params["analyte"] == analyte
    assert c.params["canonical_value"] == pytest.approx(canonical)


def test_calcium_range_gives_two_bounds() -> None:
    text = "Corrected serum calcium \\>= 8.0 mg/dL (2.00 mmol/L) and \\< 11.6 mg/dL (2.90 mmol/L) \\* Corrected serum calcium should be calculated using standard institutional practices"
    lo, hi = fam(text, "lab")[:2]
    assert (lo.params["op"], hi.params["op"]) == (">=", "<")
    assert lo.params["canonical_value"] == pytest.approx(1.996)
    assert hi.params["canonical_value"] == pytest.approx(2.894, abs=1e-3)


def test_lost_symbol_assumes_the_usual_direction_and_says_so() -> None:
    text = "Patients must have an Absolute neutrophil count (ANC) of  1,500/μl and a platelet count of  100,000/μl. These tests must have been performed within 90 days prior to registration."
    cs = fam(text, "lab")
    assert [c.params["analyte"] for c in cs] == ["anc", "platelets"]
    assert all(c.params["symbol_lost"] and c.params["op"] == ">=" for c in cs)
    assert all(c.confidence < 0.6 for c in cs)


def test_acceptable_alternative_is_an_exception_not_a_constraint() -> None:
    text = "hemoglobin greater than or equal to 10.0 g/dl (a hemoglobin less than 10.0 g/dL is acceptable if it is corrected by erythropoietin or transfusion)"
    (c,) = fam(text, "lab")
    assert c.polarity == "require"
    assert "erythropoietin" in c.logic.exceptions[0]


def test_adequate_organ_function() -> None:
    (c,) = fam("Adequate renal, hepatic and cardiac function", "lab")
    assert c.params["adequate"] is True and set(c.params["organ"]) == {"renal", "hepatic"}


def test_spans_point_at_the_text() -> None:
    text = "ANC >= 1,500"
    (c,) = fam(text, "lab")
    assert c.text.startswith("ANC") and c.params["unit_inferred"] is True


def test_footnote_digit_glued_to_the_analyte() -> None:
    (c,) = fam("OR - Calculate Creatinine Clearance1 40 mL/min", "lab")
    assert c.params["analyte"] == "crcl" and c.params["value"] == 40


def test_lost_symbol_in_an_exclusion_names_the_excluded_range() -> None:
    # "Creatinine  2 times ULN" under the exclusion header: excluded at >= 2 x ULN (the
    # usual eligibility bound, <=, would exclude every patient with a normal creatinine)
    (c,) = fam(
        "Creatinine  2 times upper limit of normal (ULN) in last six months", "lab", "exclusion"
    )
    assert c.params["symbol_lost"] is True and c.params["op"] == ">=" and c.polarity == "exclude"
    (c,) = fam("Platelet count  100,000/mm^3", "lab")
    assert c.params["op"] == ">=" and c.polarity == "require"


def test_insulin_like_growth_factor_receptor_is_no_medication() -> None:
    text = "Received prior treatment with Insulin-like Growth Factor 1 Receptor (IGF-1R) inhibitors, Phosphatidylinositol 3-Kinase (PI3K) inhibitors, or"
    assert fam(text, "medication", "exclusion") == []


def test_unl_is_the_upper_limit_of_normal() -> None:
    (c,) = fam(
        "Renal function: creatinine <= 1.5 x UNL; creatinine clearance >= 60 ml/min.", "lab"
    )[:1]
    assert c.params["relative_to"] == "ULN" and c.params["uln_multiple"] == 1.5


def test_ulrr_is_the_upper_limit_of_normal() -> None:
    cs = fam(
        "Alanine aminotransferase (ALT) or aspartate aminotransferase (AST) > 2.5 x ULRR",
        "lab",
        "exclusion",
    )
    assert {c.params["analyte"] for c in cs} == {"alt", "ast"}
    assert all(c.params.get("uln_multiple") == 2.5 for c in cs)


# --- parser 0.18.6


def test_organ_function_named_as_an_exception_is_no_lab_rule() -> None:
    text = "Hepatitis B and/or hepatitis C carriers (unless with normal hepatic function)."
    assert fam(text, "lab", "exclusion") == []
    assert fam(text, "infection", "exclusion")


def test_a_limit_on_a_pair_of_analytes_is_checked_by_hand() -> None:
    text = "Alkaline phosphatase and AST may not both be greater than the ULN. For example, if the alkaline phosphatase is greater than the ULN but less than/equal to 2.5 x ULN, then the AST must be less than/equal to the ULN. If the AST is greater than the ULN but less than/equal to 1.5 x ULN, then the alkaline phosphatase must be less than/equal to ULN."
    labs = fam(text, "lab")
    assert labs and all(c.confidence < 0.75 for c in labs)
