# ruff: noqa: E501  (real criteria text is long)
"""Flat lists of alternatives: old PDQ records in API v2 text lose the indentation of
"Meets 1 of the following criteria:", so its alternatives are siblings, not children. Each
alternative that fails is then not a hard "not met" (a bone-only patient meets the list
through "Bone-only disease"), while the rules after the list stay hard."""

from __future__ import annotations

from osteotrials.match import match_patient
from osteotrials.match.evaluate import CONDITIONAL_WORDING, context_texts
from osteotrials.model.criteria import CompiledTrial
from osteotrials.model.trial import Trial

from .conftest import AS_OF, example

Pairs = dict[str, tuple[Trial, CompiledTrial]]
HEAD = "Meets 1 of the following criteria:"


def test_flat_alternatives_take_the_head(by_id: Pairs) -> None:
    _trial, compiled = by_id["NCT00382018"]
    heads = context_texts(compiled.items)
    by_text = {i.text: heads.get(i.index) for i in compiled.items}
    assert by_text["Measurable disease"] == HEAD
    assert (
        by_text[
            "Bone-only disease* NOTE: *Patients with nonmeasurable disease that does not include bone are not eligible"
        ]
        == HEAD
    )
    # the list ends where a rule of another kind begins
    assert by_text["HER-2 positivity is defined as IHC 3+ or FISH+"] is None
    assert by_text["Histologically confirmed breast cancer"] is None


def test_bone_only_patient_is_not_failed_by_the_measurable_alternative(by_id: Pairs) -> None:
    result = match_patient(
        example("hr-her2low-bone-only-post-cdk46"), [by_id["NCT00382018"]], as_of=AS_OF
    )
    (trial,) = result.trials
    status = {c.text: c.status for c in trial.criteria}
    assert status["Measurable disease"] == "unknown"
    # the HER2-positive rule after the list still fails this HER2-low patient
    assert status["HER-2 positivity is defined as IHC 3+ or FISH+"] == "not_met"
    assert trial.verdict == "ineligible"


def test_exclusion_and_negated_heads_make_no_alternatives(by_id: Pairs) -> None:
    for trial, compiled in by_id.values():
        heads = context_texts(compiled.items)
        kinds_by_text: dict[str, set[str]] = {}
        for i in compiled.items:
            kinds_by_text.setdefault(i.text, set()).add(i.kind)
        for item in compiled.items:
            head = heads.get(item.index)
            if head is None or item.parent is not None:
                continue
            # a flat head is an inclusion item that offers a choice, never "No ... any of"
            assert "inclusion" in kinds_by_text[head], (trial.nct_id, head)
            assert item.kind == "inclusion", (trial.nct_id, item.text)
            assert not head.lower().startswith(("no ", "not ")), (trial.nct_id, head)


def test_a_numbered_note_is_conditional_wording() -> None:
    # "5.1 NOTE: ... If (neo)adjuvant chemotherapy HAS been given it counts as one (1)
    # regimen" (NCT01086605): a note, like an unnumbered "NOTE: ..."
    assert CONDITIONAL_WORDING.search(
        "5.1 NOTE: This number includes (neo)adjuvant chemotherapy, if given. If (neo)adjuvant chemotherapy HAS been given it counts as one (1) regimen."
    )
    assert CONDITIONAL_WORDING.search(
        "4.2.1 NOTE: If prior (neo)adjuvant chemotherapy HAS been given"
    )
    assert not CONDITIONAL_WORDING.search(
        "4.2. Must have received 2-3 prior chemotherapy treatment regimens"
    )


def test_a_head_ending_with_either_offers_alternatives(by_id: Pairs) -> None:
    # NCT00365599: "... locally advanced or metastatic breast cancer with either:" then
    # "Progression on treatment with any aromatase inhibitor for metastatic disease;",
    # "Recurrence after having completed adjuvant tamoxifen for at least 12 months;" ...
    _trial, compiled = by_id["NCT00365599"]
    heads = context_texts(compiled.items)
    by_text = {i.text: heads.get(i.index) for i in compiled.items}
    head = by_text["Recurrence after having completed adjuvant tamoxifen for at least 12 months;"]
    assert head is not None and head.endswith("with either:")
    result = match_patient(
        example("hr-her2low-bone-only-post-cdk46"), [by_id["NCT00365599"]], as_of=AS_OF
    )
    (trial,) = result.trials
    status = {c.text: c.status for c in trial.criteria}
    # no adjuvant tamoxifen on file: this alternative fails, the list does not
    assert (
        status["Recurrence after having completed adjuvant tamoxifen for at least 12 months;"]
        == "unknown"
    )
