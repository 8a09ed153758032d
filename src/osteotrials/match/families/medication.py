"""Current medications by class (corticosteroids, anticoagulants, strong CYP3A inhibitors,
hormone replacement ...). Class membership of common drug names is data:
``match/data/medications.yaml``."""

from __future__ import annotations

from functools import cache

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.match._data import load
from osteotrials.match.families._therapy import lookup
from osteotrials.model.criteria import Constraint

_FIELDS = ("current_medications",)


@cache
def _classes() -> dict[str, tuple[str, ...]]:
    raw = load("medications.yaml")["classes"]
    return {str(k): tuple(str(n).lower() for n in v) for k, v in raw.items()}


@cache
def classes_of(name: str) -> frozenset[str] | None:
    """Medication classes of a drug name; None when the name is not recognised."""
    lowered = name.lower()
    found = {cls for cls, names in _classes().items() if any(n in lowered for n in names)}
    drug = lookup(name)
    if drug is not None:
        found |= set(drug.classes)
    if not found and drug is None:
        return None
    return frozenset(found)


def _wanted(c: Constraint) -> set[str]:
    wanted = set(c.params.get("classes", [])) | set(c.params.get("interaction", []))
    wanted |= {str(d).lower() for d in c.params.get("drugs", [])}
    return wanted


def evaluate(c: Constraint, ctx: Context) -> Truth:
    wanted = _wanted(c)
    meds = ctx.patient.current_medications
    if meds is None:
        return unknown("current medications not recorded", "current_medications", fields=_FIELDS)
    unrecognised: list[str] = []
    for med in meds:
        cls = classes_of(med.name)
        if cls is None:
            unrecognised.append(med.name)
            continue
        if cls & wanted or med.name.lower() in wanted:
            return Truth(True, f"current medication {med.name}", fields=_FIELDS)
    label = ", ".join(sorted(wanted))
    if unrecognised:
        return unknown(
            f"no {label} among recognised medications; not recognised: {', '.join(unrecognised)}",
            "current_medications",
            fields=_FIELDS,
        )
    return Truth(False, f"no {label} among current medications", fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: the wanted classes / names read once per index; per patient each
# medication's classes are looked up once (``classes_of``).


def prepare(c: Constraint) -> frozenset[str] | None:
    try:
        return frozenset(_wanted(c))
    except TypeError:
        return None


def codes(prepared: list[frozenset[str]], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared medication constraints."""
    meds = ctx.patient.current_medications
    if meds is None:
        return [TRUTH_UNKNOWN] * len(prepared)
    known: list[tuple[frozenset[str], str]] = []
    unrecognised = False
    for med in meds:
        cls = classes_of(med.name)
        if cls is None:
            unrecognised = True
        else:
            known.append((cls, med.name.lower()))
    miss = TRUTH_UNKNOWN if unrecognised else TRUTH_FAILS
    return [
        TRUTH_HOLDS if any(cls & wanted or name in wanted for cls, name in known) else miss
        for wanted in prepared
    ]
