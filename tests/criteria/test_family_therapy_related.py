# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""radiotherapy, bone_agent, biomarker, medication, hypersensitivity, toxicity, surgery."""

from __future__ import annotations

from tests.criteria.conftest import fam


def test_radiotherapy_non_irradiated_lesion_rule() -> None:
    text = "Prior radiation therapy to bone is allowed, provided that at least one site of bone metastasis has not been irradiated and radiation is completed prior to registration; there should be no plan for radiation therapy to non-irradiated sites of bone metastases"
    (c,) = fam(text, "radiotherapy")
    assert "non_irradiated_lesion" in c.params["aspect"] and "prior" in c.params["aspect"]
    assert c.params["site"] == ["bone"]


def test_radiotherapy_washout() -> None:
    (c,) = fam(
        "Received radiation therapy ≤14 days prior to initiation of investigational products.",
        "radiotherapy",
        "exclusion",
    )
    assert c.time_window is not None and c.time_window.days == 14 and c.polarity == "exclude"


def test_bone_agents() -> None:
    text = "No prior treatment with IV bisphosphonates is allowed; prior treatment with oral bisphosphonates is allowed, but they must be discontinued prior to the initiation of protocol therapy"
    cs = fam(text, "bone_agent")
    by_route = {c.params["route"]: c.polarity for c in cs}
    assert by_route == {"iv": "exclude", "oral": "allow"}
    assert fam("No prior treatment with denosumab", "bone_agent")[0].params["drugs"] == [
        "denosumab"
    ]
    assert fam("No prior treatment with denosumab", "prior_therapy") == []


def test_biomarker_germline_brca() -> None:
    (c,) = fam(
        "Germline BRCA1 or BRCA2 mutation; patients with unknown BRCA status who meet NCCN BRCA screening criteria will be screened for BRCA mutation.",
        "biomarker",
    )
    assert c.params["gene"] == "BRCA1/2" and c.params["germline"] is True


def test_medication_cyp3a() -> None:
    (c,) = fam(
        "Concomitant use of known strong CYP3A inhibitors or moderate CYP3A inhibitors listed in Section 5.5 and Appendix 4, Table 23. The required washout period prior to starting study treatment is 2 weeks.",
        "medication",
        "exclusion",
    )
    assert "cyp3a_inhibitor" in c.params["interaction"]


def test_medication_steroids() -> None:
    (c,) = fam(
        "Current chronic daily treatment with corticosteroids (excluding inhaled steroids)",
        "medication",
        "exclusion",
    )
    assert c.params["classes"] == ["corticosteroid"]


def test_hypersensitivity_drugs_are_not_prior_therapy() -> None:
    text = "Documented hypersensitivity to filgrastim, pegfilgrastim, docetaxel, doxorubicin, dexamethasone and/or its excipients, PEGylated drugs, recombinant proteins."
    (c,) = fam(text, "hypersensitivity", "exclusion")
    assert {"docetaxel", "doxorubicin"} <= set(c.params["drugs"])
    assert fam(text, "prior_therapy", "exclusion") == []


def test_toxicity_grade() -> None:
    (c,) = fam(
        "Unresolved clinically significant AEs \\> Grade 1 from prior anticancer therapy.",
        "toxicity",
        "exclusion",
    )
    assert c.params["max_grade"] == 1


def test_surgery_washout() -> None:
    (c,) = fam("More than 4 weeks since prior major surgery", "surgery")
    assert "major_surgery" in c.params["aspect"]
    assert c.time_window is not None and c.time_window.relation == "more_than"
