# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.3: a therapy rule whose agents each have their own time window is one rule
per window (``prior_therapy._by_window``). Read as one rule every agent had the first
window: a patient who stopped hormone therapy 3 weeks ago failed "Chemotherapy,
radiotherapy, or immunotherapy within 4 weeks; or hormone therapy within 2 weeks".
Real snapshot text."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import fam

from osteotrials.model.criteria import Constraint


def windows(constraints: list[Constraint]) -> dict[float, set[str]]:
    """Days of each rule's window -> the agents it names."""
    out: dict[float, set[str]] = {}
    for c in constraints:
        assert c.time_window is not None, c
        named = set(c.params.get("classes", [])) | set(c.params.get("drugs", []))
        if c.params.get("any_anticancer"):
            named.add("any")
        out.setdefault(c.time_window.days, set()).update(named)
    return out


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        # a window after its agents
        (
            "Chemotherapy, radiotherapy, or immunotherapy within 4 weeks; or hormone therapy within 2 weeks of Day 1",
            "exclusion",
            {28.0: {"chemotherapy", "immunotherapy"}, 14.0: {"endocrine"}},
        ),
        (
            "Patients must not have received chemotherapy, radiation, or biologic therapy within two weeks, hormonal therapy within one week, or trastuzumab within three weeks, before E7389 treatment start.",
            "exclusion",
            {
                14.0: {"chemotherapy", "biologic_therapy", "eribulin"},
                7.0: {"endocrine"},
                21.0: {"trastuzumab"},
            },
        ),
        # a window before its agents ("since")
        (
            "Less than 3 weeks since last dose of tamoxifen or fulvestrant, or less than 1 week since the last dose of other hormonal therapy",
            "exclusion",
            {21.0: {"tamoxifen", "fulvestrant"}, 7.0: {"endocrine"}},
        ),
        # a length in a parenthesis that names its own agents (nitrosoureas, not every
        # alkylating agent)
        (
            "At least 3 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin) and recovered",
            "inclusion",
            {
                21.0: {"chemotherapy"},
                42.0: {"nitrosourea", "alkylating", "chemotherapy", "mitomycin"},
            },
        ),
        # a forward length in a list, then agents with their own windows after the comma
        (
            "Patients who have had chemotherapy or radiotherapy within two weeks, 4 weeks for nitrosoureas, mitomycin C, pegylated-doxorubicin and one half-life for bevacizumab, hormone therapy within one week, trastuzumab within 2 weeks or lapatinib within one week of study Day 1.",
            "exclusion",
            {
                14.0: {"chemotherapy", "trastuzumab"},
                28.0: {
                    "nitrosourea",
                    "alkylating",
                    "chemotherapy",
                    "mitomycin",
                    "doxorubicin",
                    "bevacizumab",
                },
                7.0: {"endocrine", "lapatinib"},
            },
        ),
        (
            "Anti-cancer therapy within 14 days (28 days for anticancer antibody based treatment) or 5 half-lives, whichever is shorter.",
            "exclusion",
            {14.0: {"any"}, 28.0: {"biologic_therapy"}},
        ),
    ],
)
def test_each_agent_keeps_its_own_window(
    text: str, kind: str, expected: dict[float, set[str]]
) -> None:
    rules = fam(text, "prior_therapy", kind)
    assert windows(rules) == expected
    assert len({c.polarity for c in rules}) == 1


@pytest.mark.parametrize(
    "text",
    [
        # the same agent with two windows for two schedules the rule does not separate
        "Participants must have adequate treatment washout period before registration, defined as \\> 4 weeks from major surgery, \\> 2 weeks from radiation treatment. For weekly chemotherapy regimens, \\> 2 weeks from chemotherapy; for every 3 weekly regimens, \\> 3 weeks from chemotherapy. At least 2 weeks from other systemic or targeted or investigational therapies (other than endocrine therapy) for breast cancer. No washout is required for endocrine therapy (e.g. aromatase inhibitors, tamoxifen, fulvestrant) but patients should discontinue prior to start of protocol therapy. Patients on ovarian suppression are allowed (but not required) to continue ovarian suppression at the discretion of their treating provider.",
        # a time to come, not a washout: "within 5 months after the final dose"
        "Treatment with a live, attenuated vaccine within 4 weeks prior to initiation of study treatment, or anticipation of need for such a vaccine during atezolizumab treatment or within 5 months after the final dose of atezolizumab",
    ],
)
def test_rules_the_windows_do_not_separate_stay_whole(text: str) -> None:
    assert (
        len(fam(text, "prior_therapy", "inclusion" if "washout period" in text else "exclusion"))
        <= 1
    )


def test_another_sentence_keeps_its_own_polarity() -> None:
    """ "Patients may continue to receive anti-estrogen/steroid therapy that has been
    initiated at least eight weeks prior": permitted, not a washout every patient needs."""
    rules = fam(
        "All patients must be off previous chemo- and/or radiotherapy for at least three (3) weeks prior to entrance into the study and have recovered from any toxic effects induced by such treatment(s); no nitrosourea type drug or ipilumimab treatments are permitted within the last six (6) weeks prior to enrollment. No major surgery within 14 days of enrollment. Patients may continue to receive anti-estrogen/steroid therapy that has been initiated at least eight weeks prior to enrollment in the study.",
        "prior_therapy",
    )
    endocrine = [c for c in rules if "endocrine" in c.params.get("classes", [])]
    assert endocrine and all(c.polarity == "allow" for c in endocrine)
    chemo = [c for c in rules if "chemotherapy" in c.params.get("classes", [])]
    assert chemo and all(c.polarity == "require" for c in chemo)
