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


def _copy_param(value: Any) -> Any:
    # parameter values are scalars or lists of scalars (flat by contract)
    return list(value) if isinstance(value, list) else value


def copy_constraint(c: Constraint, shift: int = 0) -> Constraint:
    """An independent copy of ``c`` (nothing mutable shared) with its span moved by
    ``shift`` characters: the same constraint read at another offset."""
    values = dict(c.__dict__)
    values["params"] = {k: _copy_param(v) for k, v in c.params.items()}
    logic_values = dict(c.logic.__dict__)
    logic_values["conditions"] = list(c.logic.conditions)
    logic_values["exceptions"] = list(c.logic.exceptions)
    values["logic"] = _instance(Logic, logic_values, frozenset(c.logic.__pydantic_fields_set__))
    if c.time_window is not None:
        values["time_window"] = copy_time_window(c.time_window)
    values["span"] = (c.span[0] + shift, c.span[1] + shift)
    return _instance(  # type: ignore[no-any-return]
        Constraint, values, frozenset(c.__pydantic_fields_set__)
    )
