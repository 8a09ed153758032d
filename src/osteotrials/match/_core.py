"""Shared types of the evaluators: the patient context and a constraint's truth value.

An evaluator answers one question about the patient: *does the condition this
constraint describes hold?* (``Truth.holds`` True / False / None = unknown). The
polarity (require / exclude / allow) is applied afterwards, in one place
(:mod:`osteotrials.match.evaluate`), so a family module never has to think
about inclusion versus exclusion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from math import floor
from typing import Any, TypeVar, cast

from osteotrials.model.criteria import RECURRENCE_ANCHOR, Constraint, TimeWindow
from osteotrials.model.patient import Patient
from osteotrials.patient.derive import DerivedFacts, DrugExposure

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Wait:
    """What time alone would turn in a truth: a washout not yet complete, or an exposure
    inside a recency window ("no chemotherapy within 4 weeks"). The truth turns ``days``
    after the last dose (or course, or operation); ``until`` is the first day it has
    turned when every agent has been stopped (None while one is still given: then it
    turns ``days`` after the ``ongoing`` ones stop)."""

    days: float
    until: date | None
    #: what is waited out (drug names, "radiotherapy", "surgery")
    agents: tuple[str, ...]
    #: those among ``agents`` still given today
    ongoing: tuple[str, ...] = ()


def wait_for(
    last_days: list[tuple[str, date | None]], days: float, as_of: date, *, inclusive: bool
) -> Wait | None:
    """The wait of a truth that turns ``days`` after the last of ``last_days`` (name, last
    day; None for "still given"), or None when there is nothing to wait for.

    The day it turns is the first day D on which the evaluator's own test turns. That test
    puts a last day inside the window when ``last >= D - days`` (``inclusive``) or when
    ``last > D - days``. ``date - timedelta`` drops a fraction of a day (only the whole
    days of the timedelta count), hence ``floor``."""
    if not last_days:
        return None
    ongoing = tuple(sorted({n for n, d in last_days if d is None}))
    ends = [d for _, d in last_days if d is not None]
    shift = timedelta(days=floor(days) + (1 if inclusive else 0))
    until = None if ongoing else max(ends) + shift
    if until is not None and until <= as_of:
        return None  # already turned: nothing to wait for
    return Wait(float(days), until, tuple(sorted({n for n, _ in last_days})), ongoing)


@dataclass(frozen=True, slots=True)
class Truth:
    """Whether the constraint's condition holds for this patient, and why."""

    holds: bool | None
    fact: str
    #: keys of the unknown facts that would settle it (when ``holds`` is None)
    missing: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    #: False: the constraint does not concern this patient (status not_applicable)
    applicable: bool = True
    reference: str | None = None
    note: str | None = None
    #: set when time alone would turn this truth (a washout, a recency window)
    wait: Wait | None = None


#: a truth as a small integer (the fast ranking path): the condition holds, does not
#: hold, is unknown, or does not concern this patient
TRUTH_HOLDS, TRUTH_FAILS, TRUTH_UNKNOWN, TRUTH_NOT_APPLICABLE = 0, 1, 2, 3
#: in an array of bulk codes: an answer that needs the family's evaluator
TRUTH_NEEDS_EVALUATOR = -1


def truth_code(t: Truth) -> int:
    if not t.applicable:
        return TRUTH_NOT_APPLICABLE
    if t.holds is None:
        return TRUTH_UNKNOWN
    return TRUTH_HOLDS if t.holds else TRUTH_FAILS


def holds_code(holds: bool | None) -> int:
    """The code of a truth that concerns the patient (as ``truth_code``): unknown for None,
    else whether ``holds`` is truthy."""
    if holds is None:
        return TRUTH_UNKNOWN
    return TRUTH_HOLDS if holds else TRUTH_FAILS


def unknown(fact: str, *keys: str, fields: tuple[str, ...] = (), note: str | None = None) -> Truth:
    return Truth(None, fact, missing=keys, fields=fields, note=note)


def not_applicable(fact: str, *, fields: tuple[str, ...] = ()) -> Truth:
    return Truth(None, fact, applicable=False, fields=fields)


@dataclass
class Context:
    """The patient, the derived facts and the reference date, with a few cached views."""

    patient: Patient
    facts: DerivedFacts
    as_of: date
    notes: list[str] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A per-patient cached value (computed once per match)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    @cached_property
    def exposures(self) -> list[DrugExposure]:
        """Systemic drug exposures from regimens (bone-modifying agents kept apart)."""
        return [e for e in self.facts.prior_drugs if e.source == "regimen"]

    @cached_property
    def bone_agent_exposures(self) -> list[DrugExposure]:
        return [
            e
            for e in self.facts.prior_drugs
            if e.source == "bone_modifying_agent" or "bone_modifying_agent" in e.classes
        ]

    @cached_property
    def comorbidity_names(self) -> list[str] | None:
        if self.patient.comorbidities is None:
            return None
        return [c.name.lower() for c in self.patient.comorbidities]

    @cached_property
    def medication_names(self) -> list[str] | None:
        if self.patient.current_medications is None:
            return None
        return [m.name.lower() for m in self.patient.current_medications]


# --------------------------------------------------------------------------- comparisons


def compare(value: float, op: str, threshold: float) -> bool | None:
    """``value op threshold``; None for an operator we do not understand."""
    if op == ">=":
        return value >= threshold
    if op == ">":
        return value > threshold
    if op == "<=":
        return value <= threshold
    if op == "<":
        return value < threshold
    if op == "=":
        return value == threshold
    return None


OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "in": "in"}


def fmt(value: float) -> str:
    return f"{value:g}"


# --------------------------------------------------------------------------- time windows


def window_days(window: TimeWindow | None) -> float | None:
    return None if window is None else float(window.days)


def within_window(when: date | None, window: TimeWindow, as_of: date) -> bool | None:
    """Whether ``when`` lies inside a ``within N`` window before ``as_of``."""
    if when is None:
        return None
    return when >= as_of - timedelta(days=window.days)


def recent_days(window: TimeWindow | None) -> float | None:
    """The days of a recency window (``within`` / ``less_than``); None for no window or a
    washout."""
    if window is not None and window.relation in ("within", "less_than"):
        return window.days
    return None


def is_recent_relation(window: TimeWindow) -> bool:
    """``within`` / ``less_than`` windows ask for recency; the others are washouts."""
    return window.relation in ("within", "less_than")


def constraint_key(c: Constraint) -> tuple[object, ...]:
    """What makes two constraints evaluate identically for every patient: the truth (see
    :func:`truth_key`) plus the polarity, the item logic and the reading confidence (a
    "not met" read with low confidence becomes unknown)."""
    tw = c.time_window
    return (
        c.family,
        c.polarity,
        repr(sorted(c.params.items())),
        c.logic.connective,
        tuple(c.logic.conditions),
        None if tw is None else (tw.relation, tw.days, tw.anchor == RECURRENCE_ANCHOR),
        c.confidence,
        _text_flag(c),
        tuple(c.logic.exceptions) if c.family in _USES_EXCEPTIONS else None,
    )


#: parameters that never change what an evaluator answers (wording kept for display)
_DISPLAY_ONLY = frozenset({"terms", "criteria", "unit_inferred", "symbol_lost", "nyha_class"})
#: families whose evaluator looks at the polarity or at the constraint's own words
_USES_POLARITY = frozenset({"cns", "pregnancy", "surgery"})
_USES_TEXT = frozenset({"comorbidity", "cardiac"})
#: families whose evaluator reads the item's exceptions ("other than skin cancer")
_USES_EXCEPTIONS = frozenset({"other_malignancy"})
#: families whose evaluator reads the constraint's time window (the others ignore it, so
#: "no HIV" and "no HIV within 6 months" share one evaluation)
_USES_WINDOW = frozenset(
    {"bone_agent", "cardiac", "comorbidity", "lab", "prior_therapy", "radiotherapy", "surgery"}
)


def truth_key(c: Constraint) -> tuple[object, ...]:
    """What the *truth* of a constraint depends on (polarity and confidence are applied
    afterwards), so constraints differing only in wording share one evaluation."""
    params = {k: v for k, v in c.params.items() if k not in _DISPLAY_ONLY}
    if "canonical_value" in params:
        params.pop("value", None)
        params.pop("unit", None)
    if c.family == "diagnosis" and "confirmation" in params:
        params["confirmation"] = True
    tw = c.time_window
    return (
        c.family,
        repr(sorted(params.items())),
        c.polarity if c.family in _USES_POLARITY else None,
        _text_flag(c),
        None
        if tw is None or c.family not in _USES_WINDOW
        # a window counted back from the metastatic diagnosis is another question
        else (tw.relation, tw.days, tw.anchor == RECURRENCE_ANCHOR),
        tuple(c.logic.exceptions) if c.family in _USES_EXCEPTIONS else None,
    )


def _text_flag(c: Constraint) -> bool | None:
    """The words of the constraint's own text that its evaluator reads (comorbidity and
    cardiac: "uncontrolled", cardiac also "poorly controlled")."""
    if c.family not in _USES_TEXT:
        return None
    text = c.text.lower()
    return "uncontrolled" in text or (c.family == "cardiac" and "poorly controlled" in text)
