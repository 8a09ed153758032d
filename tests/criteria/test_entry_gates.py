"""Entry-pattern gates (criteria/entry_gates.py) change speed, not results."""

from __future__ import annotations

from functools import cache

from tests.criteria.conftest import criteria_texts

from osteotrials.criteria.entry_gates import ENTRY_PATTERNS, _patterns, family_gate, open_mask
from osteotrials.criteria.pipeline import COMPONENTS, compile_segments
from osteotrials.criteria.segment import segment
from osteotrials.criteria.text import ItemText, normalise
from osteotrials.criteria.triggers import FAMILY_BITS, candidate_mask
from osteotrials.vocab._regex import gate_alternatives, literal_occurs


@cache
def _snapshot_items() -> tuple[ItemText, ...]:
    items: list[ItemText] = []
    for text in criteria_texts().values():
        segs = segment(text)
        items.extend(
            ItemText(s.text, s.start, s.kind, s.context(segs)) for s in segs if s.role != "header"
        )
    return tuple(items)


def test_every_entry_gate_is_derived() -> None:
    # a family whose entry patterns lose their required literal would silently run everywhere
    for family in ENTRY_PATTERNS:
        literals = family_gate(family)
        assert literals, family
        # "^run": a run that starts a token (after "\b" in the pattern)
        assert all(lit == lit.lower() and lit.removeprefix("^").isalnum() for lit in literals)


def test_every_entry_pattern_match_satisfies_one_alternative() -> None:
    patterns = {
        p.pattern: p
        for module, names in ENTRY_PATTERNS.values()
        for name in names
        for p in _patterns(getattr(module, name))
    }
    matched = 0
    for item in _snapshot_items():
        for source, pattern in patterns.items():
            if pattern.search(item.norm):
                matched += 1
                alternatives = gate_alternatives(source, pattern.flags, words=True)
                assert alternatives is not None
                assert any(
                    all(any(literal_occurs(lit, item.norm) for lit in sets) for sets in alt)
                    for alt in alternatives
                ), (source[:80], item.text)
    assert matched > 10_000


def test_no_family_fires_with_its_entry_gate_closed() -> None:
    components = dict(COMPONENTS)
    closed_counts = dict.fromkeys(ENTRY_PATTERNS, 0)
    for item in _snapshot_items():
        mask = open_mask(item.norm)
        for family in ENTRY_PATTERNS:
            if not mask & FAMILY_BITS[family]:
                closed_counts[family] += 1
                assert components[family](item) == [], (family, item.text)
    # the gates close often enough to matter (else this test would prove nothing)
    assert all(n > 1000 for n in closed_counts.values()), closed_counts


def test_gates_narrow_the_stem_triggers_on_real_text() -> None:
    # snapshot items: "or" is a pregnancy stem ("pregnant or breastfeeding"), yet the
    # first names no pregnancy
    norm = normalise(
        "Locally advanced or metastatic disease not amenable to surgery or radiation"
        " therapy with curative intent"
    )
    assert candidate_mask(norm, "") & FAMILY_BITS["pregnancy"]
    assert not open_mask(norm) & FAMILY_BITS["pregnancy"]
    assert open_mask(normalise("Pregnant or breast-feeding women")) & FAMILY_BITS["pregnancy"]


def test_whole_snapshot_compiles_as_with_every_component_on_every_item() -> None:
    for text in criteria_texts().values():
        fast = [i.model_dump(mode="json") for i in compile_segments(text)]
        slow = [i.model_dump(mode="json") for i in compile_segments(text, use_triggers=False)]
        assert fast == slow


def test_word_start_literals_narrow_the_gates() -> None:
    # "\ber" opens receptor's ER pattern on a token starting "er", not inside "other"
    assert gate_alternatives(r"\b(?:er|pr)\s*\+", words=True) == ((frozenset({"^er", "^pr"}),),)
    assert gate_alternatives(r"\b(?:er|pr)\s*\+") == ((frozenset({"er", "pr"}),),)
    assert gate_alternatives(r"x\b-?er", words=True) == ((frozenset({"x"}), frozenset({"er"})),)
    assert literal_occurs("^er", "er+ and pr+") and not literal_occurs("^er", "other therapy")
    assert open_mask(normalise("ER positive")) & FAMILY_BITS["receptor"]
    assert not open_mask(normalise("other therapy for liver disease")) & FAMILY_BITS["receptor"]
