# ruff: noqa: E501  (real criteria text is long)
"""Parser 0.18.1: the agents of an exception list, each with its own examples in
parentheses ("other than GnRHa (eg, goserelin) and bone-stabilizing agents (eg, zoledronic
acid, denosumab)"), are all excepted, examples included. Before, the second item and the
examples of both were read as agents the rule excludes: a premenopausal patient on
goserelin and zoledronic acid failed a rule that permits both. Real snapshot text."""

from __future__ import annotations

from tests.criteria.conftest import fam, one

WASHOUT = (
    "Any cytotoxic chemotherapy, investigational agents, or other anti-cancer drugs for the "
    "treatment of advanced cancer from a previous treatment regimen or clinical study within "
    "14 days or 5 half-lives (whichever is shorter) of the first dose of IMP (21 days for "
    "myelosuppressive therapies) other than GnRHa (eg, goserelin) and bone-stabilizing agents "
    "(eg, zoledronic acid, denosumab)."
)


def test_parallel_exceptions_with_examples_are_excepted() -> None:
    rules = one(WASHOUT, "exclusion")
    (therapy,) = [c for c in rules if c.family == "prior_therapy"]
    assert therapy.polarity == "exclude"
    assert "goserelin" not in therapy.params.get("drugs", [])
    assert {"goserelin", "zoledronic acid", "denosumab"} <= set(therapy.params["except_drugs"])
    assert {"ovarian_suppression", "bone_modifying_agent"} <= set(therapy.params["except_classes"])
    bone = [c for c in rules if c.family == "bone_agent"]
    assert bone and all(c.polarity == "allow" for c in bone)


def test_a_last_agent_without_examples_joins_the_rule() -> None:
    """The list after "other than trastuzumab (including ...)" ends at a bare "and": the
    agent after it, with no examples of its own, is one the rule excludes; and the examples
    of a drug are no exceptions (neratinib is no trastuzumab)."""
    (therapy,) = fam(
        "Prior therapy with lapatinib or an ErbB2 inhibitor other than trastuzumab (including but not limited to trastuzumab-DM1 and neratinib) and capecitabine;",
        "prior_therapy",
        "exclusion",
    )
    assert {"capecitabine", "lapatinib", "neratinib"} <= set(therapy.params["drugs"])
    assert therapy.params["except_drugs"] == ["trastuzumab"]


def test_gnrha_is_a_gnrh_agonist() -> None:
    (rule,) = fam(
        "Allergic to active or inactive excipients of GnRHa is an exclusion criterion.",
        "hypersensitivity",
        "exclusion",
    )
    assert "ovarian_suppression" in rule.params["classes"]
