"""osteotrials.match: three-valued evaluation, verdicts, ranking and the next best question.

Public API::

    from osteotrials.match import MatchIndex, match, match_patient
    index = MatchIndex.from_store(store)          # compiled trials, loaded once
    result = match_patient(patient, index, as_of=date(2026, 1, 5), limit=20)
    result = match("examples/patients/hr-her2low-bone-only-post-cdk46.yaml", store)

The package itself is callable, so the short form works too::

    import osteotrials
    with osteotrials.open_store() as store:
        result = osteotrials.match("examples/patients/hr-her2low-bone-only-post-cdk46.yaml", store)

``docs/matching.md`` explains evaluation, verdicts, ranking and questions.
"""

import sys
import types
from typing import Any

from osteotrials.match.api import Ranked, match, match_patient, materialize, rank_index
from osteotrials.match.distance import haversine_km, zip_to_latlon
from osteotrials.match.index import MatchIndex

__all__ = [
    "MatchIndex",
    "Ranked",
    "haversine_km",
    "match",
    "match_patient",
    "materialize",
    "rank_index",
    "zip_to_latlon",
]


class _CallableModule(types.ModuleType):
    """``osteotrials.match(patient, trials, ...)`` calls :func:`osteotrials.match.api.match`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return match(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
