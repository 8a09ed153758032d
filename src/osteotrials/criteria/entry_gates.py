"""Tight family triggers derived from the families' own patterns.

``triggers.py`` runs a family when a token starts with one of its stems; the stems
are broad (receptor's "er"/"pr" open it on "prior", "pregnant"). Many families return
nothing unless one of a few module-level patterns matches the item's normalised text
(their *entry patterns*, listed in ``ENTRY_PATTERNS``). The literal gate of each entry
pattern (``vocab._regex.gate``, from its parse tree: strings one of which every match
contains) is taken mechanically, so a rule edited inside an entry pattern keeps its
trigger; when no entry literal occurs in the text, the family cannot fire and is
skipped. ``tests/criteria/test_entry_gates.py`` checks on every snapshot item that a
family never returns a constraint with its entry gate closed, and that compiling with
the gates gives the output of running every component on every item.
"""

from __future__ import annotations

import re
from functools import cache
from types import ModuleType

from osteotrials.criteria.families import (
    administrative,
    cns,
    comorbidity,
    diagnosis,
    hypersensitivity,
    measurable_disease,
    medication,
    other_malignancy,
    pregnancy,
    receptor,
    surgery,
    toxicity,
    trial_participation,
)
from osteotrials.criteria.families._base import MultiPattern
from osteotrials.criteria.triggers import FAMILY_BITS
from osteotrials.vocab._regex import AlternativesIndex, gate_alternatives

#: family -> (its module, the module-level patterns without a match of one of which on
#: ``item.norm`` its ``extract`` returns nothing). A name may hold a pattern, a list of
#: ``(name, pattern)`` or a ``MultiPattern``. Keep in step with the ``extract`` bodies:
#: a new way for a family to fire that bypasses these patterns must be listed here.
ENTRY_PATTERNS: dict[str, tuple[ModuleType, tuple[str, ...]]] = {
    "diagnosis": (diagnosis, ("_DISEASE",)),
    "receptor": (
        receptor,
        ("_TNBC", "_PERCENT", "_PATTERNS", "_PRE_STATUS", "_OVER", "_IHC", "_ISH", "_ANY"),
    ),
    "cns": (cns, ("_MENTION",)),
    "measurable_disease": (measurable_disease, ("_MENTION",)),
    "toxicity": (toxicity, ("_MENTION",)),
    "surgery": (surgery, ("_MENTION",)),
    "hypersensitivity": (hypersensitivity, ("_TRIGGER",)),
    "comorbidity": (comorbidity, ("_COMPILED",)),
    "pregnancy": (pregnancy, ("_COMPILED",)),
    "medication": (medication, ("_COMPILED",)),
    # the second: skin/cervix exceptions listed under a "malignancy except:" header
    "other_malignancy": (other_malignancy, ("_MENTION", "_SKIN_CERVIX")),
    "trial_participation": (trial_participation, ("_STRONG", "_AGENT")),
    "administrative": (administrative, ("_COMPILED",)),
}


def _patterns(value: object) -> list[re.Pattern[str]]:
    """The compiled patterns a module attribute holds (gated patterns count as patterns)."""
    if isinstance(value, MultiPattern):
        return [p for _name, p in value.patterns]
    if isinstance(value, list):
        return [p for element in value for p in _patterns(element)]
    if isinstance(value, tuple):
        return [p for element in value if not isinstance(element, str) for p in _patterns(element)]
    if hasattr(value, "pattern") and hasattr(value, "search"):
        return [value]  # type: ignore[list-item]  # re.Pattern or vocab._regex.GatedPattern
    raise TypeError(f"not a pattern or a table of patterns: {value!r}")


def family_alternatives(family: str) -> tuple[tuple[frozenset[str], ...], ...] | None:
    """The ways the family's entry patterns can match: for each top-level alternative of
    each entry pattern, the sets of literals of which the text must contain one string
    each (``vocab._regex.gate_alternatives``); None when some alternative has none."""
    module, names = ENTRY_PATTERNS[family]
    out: list[tuple[frozenset[str], ...]] = []
    for name in names:
        for pattern in _patterns(getattr(module, name)):
            found = gate_alternatives(pattern.pattern, pattern.flags, words=True)
            if found is None:
                return None
            out.extend(found)
    return tuple(out)


def family_gate(family: str) -> tuple[str, ...] | None:
    """Every literal of the family's alternatives (lower-cased; "^run" starts a token,
    ``vocab._regex.literal_occurs``): one of them occurs in every item text the family
    can fire on; None when the family is not gated."""
    alternatives = family_alternatives(family)
    if alternatives is None:
        return None
    return tuple(sorted({lit for alt in alternatives for sets in alt for lit in sets}))


@cache
def _gates() -> tuple[AlternativesIndex, tuple[int, ...], int]:
    """One index over the gated families' alternatives, each family's ``FAMILY_BITS``
    bit, and the bits of every family that is not gated here (always open)."""
    families = [f for f in ENTRY_PATTERNS if family_alternatives(f) is not None]
    index = AlternativesIndex([family_alternatives(f) for f in families])
    bits = tuple(FAMILY_BITS[f] for f in families)
    return index, bits, sum(FAMILY_BITS.values()) & ~sum(bits)


def open_mask(norm: str) -> int:
    """``FAMILY_BITS`` of the families that may fire on ``norm`` by their entry gates
    (every family without an entry gate is included)."""
    index, bits, mask = _gates()
    for i in index.active_indices(norm):
        mask |= bits[i]
    return mask
