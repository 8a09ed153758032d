"""Current medications by class (corticosteroids, anticoagulants, strong CYP3A inhibitors,
hormone replacement ...). Class membership of common drug names is data:
``match/data/medications.yaml``."""

from __future__ import annotations

from functools import cache

from osteotrials.match._core import Context, Truth, unknown
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


def evaluate(c: Constraint, ctx: Context) -> Truth:
    wanted = set(c.params.get("classes", [])) | set(c.params.get("interaction", []))
    wanted |= {str(d).lower() for d in c.params.get("drugs", [])}
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
