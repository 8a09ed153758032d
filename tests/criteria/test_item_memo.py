"""The item memo of the pipeline (``pipeline._ITEM_MEMO``): compiling with it gives
exactly what compiling every item afresh gives, and no object is shared."""

from __future__ import annotations

import pytest
from tests.criteria.conftest import criteria_texts

from osteotrials.criteria import compile_criteria, pipeline
from osteotrials.criteria.pipeline import clear_item_memo, compile_segments, item_memo_size


def _dump(text: str, *, memo: bool) -> list[dict[str, object]]:
    items = compile_criteria(text) if memo else compile_segments(text, use_memo=False)
    return [i.model_dump(mode="json") for i in items]


def test_memo_gives_the_uncached_output_on_the_whole_snapshot() -> None:
    texts = list(criteria_texts().values())
    fresh = [_dump(t, memo=False) for t in texts]
    clear_item_memo()  # other tests may have filled it
    first = [_dump(t, memo=True) for t in texts]  # repeats inside the pass hit the memo
    distinct = item_memo_size()
    second = [_dump(t, memo=True) for t in texts]  # items seen once are frozen now
    third = [_dump(t, memo=True) for t in texts]  # every item a hit, at its own offsets
    assert first == fresh
    assert second == fresh
    assert third == fresh
    items = sum(1 for t in fresh for i in t if i["role"] != "header")
    assert 0 < distinct < items  # the snapshot repeats items exactly, so some were hits
    assert item_memo_size() == distinct  # the later passes added no key
    assert all(pipeline._ITEM_MEMO.values())  # every key now holds frozen constraints


def test_an_item_seen_once_is_only_remembered() -> None:
    text = "Inclusion Criteria:\n\n* ECOG performance status 0-1\n"
    clear_item_memo()
    compile_criteria(text)
    assert list(pipeline._ITEM_MEMO.values()) == [pipeline._SEEN_ONCE]
    compile_criteria(text)
    assert all(pipeline._ITEM_MEMO.values())


def test_a_hit_moves_spans_to_its_own_offset() -> None:
    item = "Pregnant or breastfeeding women within 4 weeks of registration"
    a = f"Exclusion Criteria:\n\n* {item}\n"
    b = f"Exclusion Criteria:\n\n* Known HIV infection\n* {item}\n"
    clear_item_memo()
    compile_criteria(a)
    compile_criteria(a)
    hit = compile_criteria(b)
    assert [i.model_dump() for i in hit] == [
        i.model_dump() for i in compile_segments(b, use_memo=False)
    ]
    c = hit[-1].constraints[0]
    assert b[c.span[0] : c.span[1]] == c.text


def test_hits_share_no_objects_with_the_memo_or_each_other() -> None:
    text = "Inclusion Criteria:\n\n* ECOG performance status 0-1\n* Life expectancy >= 12 weeks\n"
    clear_item_memo()
    compile_criteria(text)  # first sight: remembered
    first = compile_criteria(text)  # second: compiled and frozen
    second = compile_criteria(text)  # a hit
    for x, y in zip(first, second, strict=True):
        for c, d in zip(x.constraints, y.constraints, strict=True):
            assert c == d and c is not d and c.logic is not d.logic
            for key, value in c.params.items():
                if isinstance(value, list):
                    assert value is not d.params[key]
    # a caller changing its result does not change what the memo hands out next
    for c in first[1].constraints + second[1].constraints:
        c.params.clear()
        c.logic.exceptions.append("changed")
    third = compile_criteria(text)
    assert [i.model_dump() for i in third] == [
        i.model_dump() for i in compile_segments(text, use_memo=False)
    ]


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ITEM_MEMO_SIZE", 5)
    clear_item_memo()
    for text in list(criteria_texts().values())[:10]:
        compile_criteria(text)
        assert item_memo_size() <= 5
    clear_item_memo()
