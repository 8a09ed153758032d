"""Public model instances built without pydantic's per-call validation, for values the
engine has just made itself (typed by construction): a validating ``Constraint(...)``
costs several microseconds and the engine builds ~40,000 of them per snapshot pass.

Each function gives an object equal in every respect to the validated one
(``__dict__``, fields set, extras, private attributes), so ``model_dump`` and the JSON
contract are unchanged; ``tests/criteria/test_fast_build.py`` checks this on every
item of the snapshot. The one check that can fail on engine data (a family's
parameter keys, ``PARAM_KEYS``) is still made here: anything unusual goes through
the validating constructor, which raises as before.
"""

from __future__ import annotations

from typing import Any

from osteotrials.model.criteria import (
    PARAM_KEYS,
    Constraint,
    CriterionItem,
    ItemKind,
    ItemRole,
    Logic,
    Polarity,
    TimeWindow,
)

_new = object.__new__
_set = object.__setattr__

#: keys every family accepts besides its own (``model.criteria._COMMON``)
_COMMON_KEYS = frozenset({"no_restriction", "terms", "negated"})
_ALLOWED_KEYS = {family: keys | _COMMON_KEYS for family, keys in PARAM_KEYS.items()}
_POLARITIES = frozenset({"require", "exclude", "allow"})
_CONSTRAINT_FIELDS = frozenset(Constraint.model_fields)
_ITEM_FIELDS = frozenset(CriterionItem.model_fields)


def _instance(cls: type[Any], values: dict[str, Any], fields_set: frozenset[str]) -> Any:
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(fields_set))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def logic() -> Logic:
    """``Logic()``: the defaults, no field set."""
    values = {"connective": "and", "group": 0, "conditions": [], "exceptions": []}
    return _instance(Logic, values, frozenset())  # type: ignore[no-any-return]


def constraint(
    family: str,
    polarity: Polarity,
    params: dict[str, Any],
    logic: Logic,
    time_window: TimeWindow | None,
    span: tuple[int, int],
    text: str,
    confidence: float,
) -> Constraint:
    """``Constraint(...)`` with every field given; ``params`` is owned by the result."""
    allowed = _ALLOWED_KEYS.get(family)
    if (
        allowed is None
        or not allowed.issuperset(params)
        or polarity not in _POLARITIES
        or not 0.0 <= confidence <= 1.0
    ):  # the validating constructor raises the usual error
        return Constraint(
            family=family,
            polarity=polarity,
            params=params,
            logic=logic,
            time_window=time_window,
            span=span,
            text=text,
            confidence=confidence,
        )
    values = {
        "family": family,
        "polarity": polarity,
        "params": params,
        "logic": logic,
        "time_window": time_window,
        "span": span,
        "text": text,
        "confidence": float(confidence),
    }
    return _instance(Constraint, values, _CONSTRAINT_FIELDS)  # type: ignore[no-any-return]


_WINDOW_FIELDS = frozenset(TimeWindow.model_fields)
_RELATIONS = frozenset({"within", "at_least", "more_than", "less_than"})
_UNITS = frozenset({"days", "weeks", "months", "years"})


def time_window(
    relation: str, value: float, unit: str, days: float, anchor: str | None, text: str
) -> TimeWindow:
    """``TimeWindow(...)`` with every field given; values of another type or outside the
    literals go through the validating constructor, which coerces or raises as before."""
    if (
        relation not in _RELATIONS
        or unit not in _UNITS
        or type(value) is not float
        or type(days) is not float
        or not (anchor is None or type(anchor) is str)
        or type(text) is not str
    ):
        return TimeWindow(
            relation=relation,
            value=value,
            unit=unit,
            days=days,
            anchor=anchor,
            text=text,
        )
    values = {
        "relation": relation,
        "value": value,
        "unit": unit,
        "days": days,
        "anchor": anchor,
        "text": text,
    }
    return _instance(TimeWindow, values, _WINDOW_FIELDS)  # type: ignore[no-any-return]


def copy_time_window(window: TimeWindow) -> TimeWindow:
    """``window.model_copy()``: a shallow copy."""
    return _instance(  # type: ignore[no-any-return]
        TimeWindow, dict(window.__dict__), frozenset(window.__pydantic_fields_set__)
    )


def criterion_item(
    index: int,
    text: str,
    kind: ItemKind,
    role: ItemRole,
    section: list[str],
    cohort: str | None,
    parent: int | None,
    depth: int,
    span: tuple[int, int],
    constraints: list[Constraint],
    unparsed_reason: str | None,
) -> CriterionItem:
    """``CriterionItem(...)`` with every field given; the lists are owned by the result."""
    values = {
        "index": index,
        "text": text,
        "kind": kind,
        "role": role,
        "section": section,
        "cohort": cohort,
        "parent": parent,
        "depth": depth,
        "span": span,
        "constraints": constraints,
        "unparsed_reason": unparsed_reason,
    }
    return _instance(CriterionItem, values, _ITEM_FIELDS)  # type: ignore[no-any-return]


#: a constraint as plain tuples of atomic values (``freeze``): such tuples are not
#: tracked by the garbage collector, so a large memo of them costs no collections
Frozen = tuple[Any, ...]
_ATOMIC = (str, int, float, bool, type(None))


def _frozen_param(value: Any) -> Any:
    """A parameter value as an atomic value or a tuple (lists); None when the value is
    of another kind (it is then not memoised)."""
    if isinstance(value, list):
        return tuple(value) if all(isinstance(v, _ATOMIC) for v in value) else None
    return value if isinstance(value, _ATOMIC) else None


def freeze(c: Constraint, start: int) -> Frozen | None:
    """``c`` as nested tuples of atomic values, its span relative to ``start``; None
    when a value is of an unexpected kind (parameters are scalars or lists of them)."""
    params = []
    for key, value in c.params.items():
        frozen = _frozen_param(value)
        if frozen is None and value is not None:
            return None
        params.append((key, frozen, isinstance(value, list)))
    lg = c.logic
    if not all(isinstance(v, str) for v in (*lg.conditions, *lg.exceptions)):
        return None
    logic_frozen = (
        lg.connective,
        lg.group,
        tuple(lg.conditions),
        tuple(lg.exceptions),
        tuple(sorted(lg.__pydantic_fields_set__)),
    )
    tw = c.time_window
    window = (
        None
        if tw is None
        else (
            tuple(tw.__dict__.items()),
            tuple(sorted(tw.__pydantic_fields_set__)),
        )
    )
    if window is not None and not all(isinstance(v, _ATOMIC) for _k, v in window[0]):
        return None
    return (
        c.family,
        c.polarity,
        tuple(params),
        logic_frozen,
        window,
        c.span[0] - start,
        c.span[1] - start,
        c.text,
        c.confidence,
        tuple(sorted(c.__pydantic_fields_set__)),
    )


def thaw(frozen: Frozen, start: int) -> Constraint:
    """A new ``Constraint`` from ``freeze``'s tuples, its span moved to ``start``."""
    family, polarity, params, lg, window, a, b, text, confidence, fields = frozen
    connective, group, conditions, exceptions, logic_fields = lg
    logic_obj = _instance(
        Logic,
        {
            "connective": connective,
            "group": group,
            "conditions": list(conditions),
            "exceptions": list(exceptions),
        },
        frozenset(logic_fields),
    )
    values = {
        "family": family,
        "polarity": polarity,
        "params": {k: list(v) if was_list else v for k, v, was_list in params},
        "logic": logic_obj,
        "time_window": None
        if window is None
        else _instance(TimeWindow, dict(window[0]), frozenset(window[1])),
        "span": (start + a, start + b),
        "text": text,
        "confidence": confidence,
    }
    return _instance(Constraint, values, frozenset(fields))  # type: ignore[no-any-return]
