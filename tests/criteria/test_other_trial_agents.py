"""Parser 0.18.2: the treatment of another trial ("another clinical trial using an
investigational anti-cancer treatment, including hormonal therapy, bisphosphonate therapy
and immunotherapy") is no therapy rule: it had excluded every patient given endocrine
therapy or a bisphosphonate in the last 28 days. Real snapshot text."""

from __future__ import annotations

from tests.criteria.conftest import one


def test_agents_of_another_trial_are_no_therapy_rules() -> None:
    rules = one(
        "Concurrent enrolment in another clinical trial using an investigational anti-cancer "
        "treatment, including hormonal therapy, bisphosphonate therapy and immunotherapy, "
        "within 28 days prior to the first dose of study treatment",
        "exclusion",
    )
    assert [c.family for c in rules] == ["trial_participation"]
    (c,) = rules
    assert c.polarity == "exclude" and c.time_window is not None and c.time_window.days == 28
