# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Coverage on the NLI4CT trials and on the metastatic subset of the snapshot."""

from __future__ import annotations

from typing import Any

import pytest
from tests.criteria.conftest import looks_metastatic

from osteotrials.criteria import compile_trial, coverage
from osteotrials.model import Trial


@pytest.mark.slow
def test_nli4ct_and_metastatic_coverage(
    records: tuple[dict[str, Any], ...], trials: list[Trial]
) -> None:
    compiled = {t.nct_id: compile_trial(t) for t in trials}
    nli = [compiled[t.nct_id] for t in trials if t.provenance.source == "nli4ct"]
    met_ids = {
        r["protocolSection"]["identificationModule"]["nctId"]
        for r in records
        if looks_metastatic(r)
    }
    met = [compiled[n] for n in sorted(met_ids)]
    rep_nli = coverage(nli)
    rep_met = coverage(met)
    print(
        f"\nNLI4CT: {rep_nli.trials} trials, {rep_nli.items} items, typed {rep_nli.typed_share:.1%}"
    )
    print(
        f"metastatic subset: {rep_met.trials} trials, {rep_met.items} items, typed {rep_met.typed_share:.1%}"
    )
    assert rep_nli.trials == 986
    assert rep_met.trials == 698
    assert rep_nli.typed_share >= 0.85
    assert rep_met.typed_share >= 0.85
