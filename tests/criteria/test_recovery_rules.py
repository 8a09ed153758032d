# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.5: recovery from earlier treatment is a toxicity rule, in the word orders
the snapshot uses. Before, "Recovered from all prior chemotherapy or radiotherapy to NCI
CTC grade 1" read as a requirement to have had chemotherapy (every chemotherapy-naive
patient failed it), and "who has not recovered (i.e., =< grade 1 or at baseline) from
adverse events" lost its toxicity rule at the full stop of "i.e.". Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam, one

from osteotrials.match.evaluate import MIN_CONFIDENCE_FOR_NOT_MET


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Recovered from all prior chemotherapy or radiotherapy to NCI CTC grade  1", 1),
        (
            "Have recovered from the acute effects of prior chemotherapy, hormonal therapy, "
            "and radiation prior to study enrollment.",
            None,
        ),
        (
            "All acute toxic effects of any prior treatment have resolved to NCI-CTCAE v4.0 "
            "Grade 1 or less at the time of signing the Informed Consent Form (ICF).",
            1,
        ),
        (
            "Resolved acute effects of any prior therapy to baseline severity or CTCAE Grade 1 "
            "except for adverse events (AEs) not constituting a safety risk by investigator "
            "judgment.",
            1,
        ),
    ],
)
def test_recovery_from_treatment_is_a_toxicity_rule_not_a_therapy_requirement(
    text: str, grade: int | None
) -> None:
    rules = one(text)
    assert [c.family for c in rules if c.family != "administrative"] == ["toxicity"]
    (c,) = fam(text, "toxicity")
    assert c.params["aspect"] == "unresolved_toxicity" and c.params.get("max_grade") == grade


def test_abbreviation_inside_the_recovery_clause() -> None:
    text = (
        "Has had prior chemotherapy, targeted small molecule therapy, or radiation therapy "
        "within 2 weeks prior to study day 1 or who has not recovered (i.e., =\\< grade 1 or "
        "at baseline) from adverse events due to a previously administered agent"
    )
    families = [c.family for c in one(text, "exclusion")]
    # the washout rules stay; the recovery rule is added
    assert families == ["prior_therapy", "radiotherapy", "toxicity"]
    (tox,) = fam(text, "toxicity", "exclusion")
    assert tox.params == {"aspect": "unresolved_toxicity", "max_grade": 1}


def test_effects_named_before_the_recovery() -> None:
    text = (
        "PRE-REGISTRATION: Acute, reversible effect(s) of prior therapy not recovered to "
        "baseline regardless of interval since last treatment"
    )
    assert [(c.family, c.polarity) for c in one(text, "exclusion")] == [("toxicity", "exclude")]


@pytest.mark.parametrize(
    ("text", "kind", "polarity", "grade"),
    [
        (
            "Participants must have recovered to Grade 1 toxicity from prior cancer therapy "
            "(a participant with Grade 2 neuropathy or Grade 2 alopecia is an exception to "
            "this criterion and may qualify for this study).",
            "inclusion",
            "allow",
            2,
        ),
        (
            "Experienced resolution of toxic effect(s) of the most recent prior anti-cancer "
            "therapy to Grade ≤ 2 (except alopecia and Grade 3 neuropathy).",
            "inclusion",
            "allow",
            3,
        ),
        (
            "Any unresolved toxicities of Grade ≥ 2 from prior anti-cancer therapy (with the "
            "exception of alopecia). Participants with stable ≤ Grade 2 neuropathy are eligible.",
            "exclusion",
            "allow",
            2,
        ),
    ],
)
def test_neuropathy_excepted_from_a_recovery_rule_keeps_its_own_grade(
    text: str, kind: str, polarity: str, grade: int
) -> None:
    rules = one(text, kind)
    # the neuropathy is no comorbidity rule (it had excluded patients with any neuropathy)
    assert "comorbidity" not in {c.family for c in rules}
    recovery, neuropathy = fam(text, "toxicity", kind)
    assert recovery.params["aspect"] == "unresolved_toxicity"
    assert neuropathy.params == {"aspect": "neuropathy", "max_grade": grade}
    assert neuropathy.polarity == polarity


# --- a bare "N weeks since": a time elapsed ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # the "≥" lost: it had read as a requirement to have had these agents
        (
            "chemotherapy (  6 weeks since therapy if a nitrosourea, mitomycin, or monoclonal "
            "antibodies such as bevacizumab);",
            42,
        ),
        (
            "Prior neoadjuvant or adjuvant taxanes regimen is allowed if 12 months since "
            "completion of the regimen.",
            365.25,
        ),
    ],
)
def test_bare_time_since_is_a_washout(text: str, days: float) -> None:
    (c,) = fam(text, "prior_therapy")
    assert c.time_window is not None
    assert (c.time_window.relation, c.time_window.days) == ("at_least", days)
    assert "min_duration_days" not in c.params  # "chemotherapy (6 weeks" is no course length


def test_a_comparison_before_time_since_is_not_read_as_at_least() -> None:
    text = (
        "It had not been longer than 84 days since the date of definitive surgery (eg, "
        "mastectomy or in the case of a breast-sparing procedure, axillary dissection)."
    )
    assert all(c.time_window is None or c.time_window.relation != "at_least" for c in one(text))


def test_washout_with_a_progression_as_the_alternative_is_checked_by_hand() -> None:
    # the washout bound the hormonal therapy too: a patient progressing on letrozole failed
    text = (
        "Four weeks since the last cytotoxic chemotherapy or clear evidence of progression on "
        "hormonal therapy"
    )
    (c,) = fam(text, "prior_therapy")
    assert c.time_window is not None and c.time_window.relation == "at_least"
    assert c.confidence < MIN_CONFIDENCE_FOR_NOT_MET


# --- parser 0.18.6


def test_effects_of_treatment_that_did_not_resolve_are_a_toxicity_rule() -> None:
    text = "Any significant side effects related to prior chemo, radiation, biology or hormonal therapy that did not resolve in the judgment of the investigator"
    families = {c.family for c in one(text, "exclusion")}
    # read as exclusions of those therapies, every treated patient failed
    assert families == {"toxicity"}


def test_unresolved_toxicity_with_an_excepted_neuropathy() -> None:
    text = "Adverse events from prior anti-cancer therapy that have not resolved to Grade ≤1 or better, with the exception of alopecia of any grade and Grade ≤2 peripheral neuropathy"
    found = {
        (c.params["aspect"], c.polarity, c.params.get("max_grade"))
        for c in fam(text, "toxicity", "exclusion")
    }
    assert found == {("unresolved_toxicity", "exclude", 1), ("neuropathy", "allow", 2)}


@pytest.mark.parametrize(
    "text",
    [
        # "side-effects" with a hyphen
        "Unresolved or unstable serious toxic side-effects of prior chemotherapy or radiotherapy",
        # the treatments in a parenthesis of the recovery rule
        "Patients should have recovered from toxicity related to previous anticancer treatments (including surgery and radiation) to Grade 0/1 or baseline (except alopecia and peripheral neuropathy). Patients with endocrinopathies should have stable replacement treatment.",
    ],
)
def test_treatments_named_as_the_cause_of_a_toxicity_are_no_rules(text: str) -> None:
    families = {c.family for c in one(text, "exclusion")}
    assert "toxicity" in families
    # read as exclusions, every patient with radiotherapy or chemotherapy failed
    assert not families & {"prior_therapy", "radiotherapy", "surgery"}
