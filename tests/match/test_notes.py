"""A note that states a rule takes part in the verdict, even when it was not typed; a line
that states there is no condition ("Age: Not specified") takes no part."""

from __future__ import annotations

from datetime import date

from osteotrials.criteria import coverage
from osteotrials.match import MatchIndex, match_patient
from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial

from .conftest import patient


def test_untyped_notes_are_unknown_items_never_skipped(
    snapshot_pairs: list[tuple[Trial, CompiledTrial]],
) -> None:
    # Real snapshot notes such as "NOTE: Participants without a MammaPrint High-Risk 2
    # score must not be registered to Step 2 Randomization" are rules the engine
    # cannot type; they must leave the trial at best possibly eligible.
    with_notes = [
        (t, c)
        for t, c in snapshot_pairs
        if any(i.role == "note" and not i.constraints for i in c.items)
    ]
    assert with_notes, "the snapshot has untyped notes"
    index = MatchIndex.from_pairs(with_notes)
    result = match_patient(patient(sex="female", age_years=55), index, as_of=date(2026, 1, 5))
    assert len(result.trials) == len(with_notes)
    for trial_match in result.trials:
        assert trial_match.verdict != "eligible"
        compiled = next(c for t, c in with_notes if t.nct_id == trial_match.nct_id)
        notes = [i.text for i in compiled.items if i.role == "note" and not i.constraints]
        shown = {c.text: c.status for c in trial_match.criteria}
        for text in notes:
            assert shown[text] == "unknown", (trial_match.nct_id, text)


def test_lines_that_state_no_condition_take_no_part(
    snapshot_pairs: list[tuple[Trial, CompiledTrial]],
) -> None:
    # PDQ records: "Age: Not specified", "Not specified" under "Menopausal status:"
    with_lines = [
        (t, c) for t, c in snapshot_pairs if any(i.role == "no_condition" for i in c.items)
    ]
    assert len(with_lines) >= 20, "PDQ records of the snapshot state no condition on some topics"
    report = coverage(c for _t, c in with_lines)
    lines = sum(1 for _t, c in with_lines for i in c.items if i.role == "no_condition")
    assert report.no_condition == lines
    assert report.items == sum(
        1 for _t, c in with_lines for i in c.items if i.role not in ("header", "no_condition")
    )
    index = MatchIndex.from_pairs(with_lines)
    result = match_patient(patient(sex="female", age_years=55), index, as_of=date(2026, 1, 5))
    assert len(result.trials) == len(with_lines)
    for trial_match in result.trials:
        compiled = next(c for t, c in with_lines if t.nct_id == trial_match.nct_id)
        shown = {c.index for c in trial_match.criteria}
        for item in compiled.items:
            if item.role == "no_condition":
                assert item.index not in shown, (trial_match.nct_id, item.text)
