"""The top-level Python API."""

from __future__ import annotations

import osteotrials


def test_search_on_the_bundled_snapshot() -> None:
    hits = osteotrials.search("HER2 positive metastatic neratinib capecitabine", limit=3)
    assert "NCT03377387" in {h.nct_id for h in hits}


def test_open_store_reads_the_snapshot() -> None:
    with osteotrials.open_store() as store:
        trial = store.get_trial("NCT00869206")
        assert trial is not None and trial.title is not None and "Zoledronic" in trial.title
        assert store.info().snapshot_date == "2026-01-05"


def test_osteotrials_match_is_callable() -> None:
    import osteotrials.match

    with osteotrials.open_store() as store:
        result = osteotrials.match(  # type: ignore[operator]
            "examples/patients/hr-her2low-bone-only-post-cdk46.yaml", store
        )
    verdicts = {m.verdict for m in result.trials}
    assert verdicts <= {"eligible", "possibly_eligible", "ineligible"}
    assert len(result.trials) == 1253
    for trial_match in result.trials:
        if trial_match.verdict == "eligible":
            assert not trial_match.missing and not trial_match.blocking
