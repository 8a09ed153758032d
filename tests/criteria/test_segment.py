# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Segmentation on the real formats of the snapshot."""

from __future__ import annotations

from tests.criteria.conftest import criteria_texts, trial_item

from osteotrials.criteria import compile_criteria
from osteotrials.criteria.segment import segment


def test_every_span_points_at_its_text_in_the_whole_snapshot() -> None:
    for nct, text in criteria_texts().items():
        for seg in segment(text):
            assert text[seg.start : seg.end] == seg.text, nct


def test_kinds_from_headers_including_key_and_lowercase_variants() -> None:
    text = "Key Inclusion Criteria:\n\n* Age ≥ 18 years\n\nKey Exclusion Criteria:\n\n* Pregnancy\n"
    items = [i for i in compile_criteria(text) if i.role != "header"]
    assert [(i.kind, i.text) for i in items] == [
        ("inclusion", "Age ≥ 18 years"),
        ("exclusion", "Pregnancy"),
    ]


def test_nested_items_know_their_parent() -> None:
    text = criteria_texts()["NCT05107674"]
    segs = segment(text)
    nested = [s for s in segs if s.depth > 0]
    assert nested, "NCT05107674 has nested exception items"
    for s in nested:
        assert s.parent is not None and segs[s.parent].depth < s.depth
    parent_texts = {segs[s.parent].text for s in nested if s.parent is not None}
    assert any("exception" in t.lower() or "following" in t.lower() for t in parent_texts)


def test_nci_sections_and_labels() -> None:
    text = criteria_texts()["NCT00003782"]
    items = compile_criteria(text)
    hepatic = [i for i in items if i.section[-1:] == ["Hepatic"] and i.role != "header"]
    assert hepatic and hepatic[0].section[0] == "PATIENT CHARACTERISTICS"
    assert any(
        c.family == "lab" and c.params.get("analyte") == "bilirubin"
        for i in hepatic
        for c in i.constraints
    )
    not_specified = [
        i for i in items if i.text == "Not specified" and i.section[-1:] == ["Menopausal status"]
    ]
    # the label gives the topic of a line that states there is no condition (0.17.0)
    assert not_specified and not_specified[0].role == "no_condition"
    assert not_specified[0].unparsed_reason == "states there is no condition on menopause"


def test_inline_numbered_list_is_split() -> None:
    text = criteria_texts()["NCT00823654"]
    items = [i for i in compile_criteria(text) if i.role != "header"]
    texts = [i.text for i in items]
    assert "No prior chemotherapy." in texts
    assert "No hormonal contraception within the prior 4 weeks." in texts


def test_cohort_headers_and_prefixes() -> None:
    items = compile_criteria(criteria_texts()["NCT00823654"])
    cohorts = {i.cohort for i in items if i.role != "header"}
    assert "For Premenopausal Women with Early Stage Breast Cancer" in cohorts
    phase = compile_criteria(
        "Inclusion Criteria:\n\n* For phase II, up to 4 prior chemotherapy-based treatments in the metastatic setting are allowed.\n"
    )
    assert [i.cohort for i in phase if i.role != "header"] == ["For phase II"]


def test_headers_and_notes_are_kept_not_dropped() -> None:
    items = compile_criteria(criteria_texts()["NCT00003782"])
    assert all(i.unparsed_reason or i.constraints for i in items)
    assert any(i.role == "header" for i in items)


def test_empty_and_none() -> None:
    assert compile_criteria(None) == []
    assert compile_criteria("") == []
    assert compile_criteria("   \n\n  ") == []


def test_a_cohort_in_a_parenthesis_at_either_end() -> None:
    # "(Arm A only)" after the rule, "(ARM A ONLY)" before it (0.18.0): another arm may fit,
    # so the matcher reads a failure as checked by hand
    from osteotrials.criteria import compile_criteria

    from .conftest import criteria_texts

    items = {i.text: i for i in compile_criteria(criteria_texts()["NCT00300781"])}
    assert (
        items[
            "Progression following at least 6 weeks of standard doses of Herceptin (Arm A only)"
        ].cohort
        == "Arm A only"
    )
    assert items["Prior treatment with Herceptin (Arm B only)"].cohort == "Arm B only"
    items = {i.text: i for i in compile_criteria(criteria_texts()["NCT01045421"])}
    assert items["Measurable disease (Phase 2 only)"].cohort == "Phase 2 only"


def test_a_head_whose_items_define_a_word_is_a_header() -> None:
    # NCT05386108: "Any of the following qualifies brain metastases as active:" (parser
    # 0.18.6); read as a rule, active brain metastases were required of every patient
    item = trial_item("NCT05386108", "Any of the following qualifies")
    assert item.role == "header" and item.constraints == []
