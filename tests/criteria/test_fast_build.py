"""The engine builds its public models without per-call validation (``criteria._build``):
every object must equal what the validating constructor gives for the same data."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import _build, compile_criteria
from osteotrials.model.criteria import Constraint, CriterionItem, Logic, TimeWindow


def _same(built: object, validated: object) -> None:
    assert type(built) is type(validated)
    assert built.__dict__ == validated.__dict__
    assert built.__pydantic_fields_set__ == validated.__pydantic_fields_set__  # type: ignore[attr-defined]
    assert built.__pydantic_extra__ == validated.__pydantic_extra__  # type: ignore[attr-defined]
    assert built.__pydantic_private__ == validated.__pydantic_private__  # type: ignore[attr-defined]


def test_every_snapshot_item_equals_its_validated_twin() -> None:
    checked = 0
    for text in criteria_texts().values():
        for item in compile_criteria(text):
            fields = {name: getattr(item, name) for name in CriterionItem.model_fields}
            _same(item, CriterionItem(**fields))
            assert item.model_dump_json() == CriterionItem(**fields).model_dump_json()
            for c in item.constraints:
                cfields = {name: getattr(c, name) for name in Constraint.model_fields}
                _same(c, Constraint(**cfields))
                if not c.logic.__pydantic_fields_set__:  # the default one, built fast
                    _same(c.logic, Logic())
                if c.time_window is not None:
                    validated = TimeWindow(**c.time_window.model_dump())
                    assert c.time_window == validated
                    assert c.time_window.model_dump_json() == validated.model_dump_json()
                checked += 1
    assert checked > 30_000


def test_fast_constraint_still_rejects_unknown_parameters() -> None:
    with pytest.raises(ValueError, match="unknown parameters"):
        _build.constraint(
            "age", "require", {"analyte": "x"}, _build.logic(), None, (0, 1), "x", 1.0
        )
    with pytest.raises(ValueError, match="unknown constraint family"):
        _build.constraint("nope", "require", {}, _build.logic(), None, (0, 1), "x", 1.0)


def test_fast_objects_are_independent() -> None:
    a, b = _build.logic(), _build.logic()
    a.conditions.append("liver_metastases")
    assert b.conditions == [] and Logic() == b
    c = _build.constraint("age", "require", {"min": 18}, a, None, (0, 3), "abc", 1)
    assert c.confidence == 1.0 and isinstance(c.confidence, float)
    c.__pydantic_fields_set__.discard("text")
    d = _build.constraint("age", "require", {"min": 18}, b, None, (0, 3), "abc", 1)
    assert "text" in d.__pydantic_fields_set__


def test_freeze_and_thaw_round_trip_and_refuse_odd_values() -> None:
    text = "Exclusion Criteria:\n\n* Chemotherapy within 4 weeks prior to randomization\n"
    constraints = [c for i in compile_criteria(text) for c in i.constraints]
    assert constraints and any(c.time_window is not None for c in constraints)
    for c in constraints:
        frozen = _build.freeze(c, 20)
        assert frozen is not None
        again = _build.thaw(frozen, 20)
        _same(again, c)
        _same(again.logic, c.logic)
        assert again.model_dump_json() == c.model_dump_json()
        moved = _build.thaw(frozen, 25)
        assert moved.span == (c.span[0] + 5, c.span[1] + 5)
    odd = Constraint(
        family="age",
        polarity="require",
        params={"min": {"nested": 1}},
        span=(0, 1),
        text="x",
        confidence=0.5,
    )
    assert _build.freeze(odd, 0) is None  # such an item is compiled afresh each time


def test_time_window_without_validation_equals_the_validated_one() -> None:
    fast = _build.time_window("within", 4.0, "weeks", 28.0, "randomization", "within 4 weeks")
    validated = TimeWindow(
        relation="within",
        value=4.0,
        unit="weeks",
        days=28.0,
        anchor="randomization",
        text="within 4 weeks",
    )
    _same(fast, validated)
    assert fast.model_dump_json() == validated.model_dump_json()
    # anything else goes through the validating constructor: coerced, or refused
    coerced = _build.time_window("within", 4, "weeks", 28, None, "4 weeks")  # type: ignore[arg-type]
    assert type(coerced.value) is float and type(coerced.days) is float
    with pytest.raises(ValidationError):
        _build.time_window("sometime", 4.0, "weeks", 28.0, None, "4 weeks")
