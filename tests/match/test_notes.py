"""A note that states a rule takes part in the verdict, even when it was not typed."""

from __future__ import annotations

from datetime import date

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
