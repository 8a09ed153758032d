"""Constraint -> status, item -> status, criteria set -> verdict.

* A family evaluator says whether the constraint's condition holds (True / False /
  unknown). Polarity turns that into a status: ``require``: holds -> met;
  ``exclude``: holds -> not met; ``allow``: never blocks (not applicable).
* An item's constraints combine by their logic: constraints sharing an ``or``
  group need one met; everything else must all be met. Lab constraints carrying
  ``logic.conditions`` (liver / bone metastases, Gilbert syndrome) replace the
  default threshold of the same analyte for patients with that condition.
* An unparsed clinical item is ``unknown``; administrative items never block; a
  failing item restricted to one cohort is ``unknown`` (another cohort may fit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from osteotrials.match._core import Context, Truth
from osteotrials.match.families import EVALUATORS
from osteotrials.model.criteria import Constraint, CriterionItem
from osteotrials.model.verdict import Status

_ORDER: dict[str, int] = {"not_met": 0, "unknown": 1, "met": 2, "not_applicable": 3}


@dataclass(frozen=True, slots=True)
class Result:
    """A constraint's status with the truth it came from."""

    status: Status
    truth: Truth
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    status: Status
    results: tuple[Result, ...]
    missing: tuple[str, ...]
    note: str | None = None


def status_of(c: Constraint, truth: Truth) -> Status:
    if not truth.applicable or c.polarity == "allow":
        return "not_applicable"
    if truth.holds is None:
        return "unknown"
    if c.polarity == "require":
        return "met" if truth.holds else "not_met"
    return "not_met" if truth.holds else "met"


def evaluate_constraint(c: Constraint, ctx: Context) -> Result:
    evaluator = EVALUATORS.get(c.family)
    if evaluator is None:
        truth = Truth(None, f"no evaluator for family {c.family!r}", missing=("criterion_unclear",))
    else:
        try:
            truth = evaluator(c, ctx)
        except (ValueError, TypeError, KeyError) as exc:  # a malformed constraint, never a crash
            truth = Truth(None, f"could not evaluate: {exc}", missing=("criterion_unclear",))
    return Result(status_of(c, truth), truth)


def and_status(statuses: Sequence[Status]) -> Status:
    if not statuses:
        return "not_applicable"
    if "not_met" in statuses:
        return "not_met"
    if "unknown" in statuses:
        return "unknown"
    if "met" in statuses:
        return "met"
    return "not_applicable"


def or_status(statuses: Sequence[Status]) -> Status:
    if not statuses:
        return "not_applicable"
    if "met" in statuses:
        return "met"
    if "unknown" in statuses:
        return "unknown"
    if "not_met" in statuses:
        return "not_met"
    return "not_applicable"


def condition_holds(name: str, ctx: Context) -> tuple[bool | None, str]:
    """Whether the patient has an organ-exception condition."""
    if name == "liver_metastases":
        return ctx.facts.liver_metastases, "liver_metastases"
    if name == "bone_metastases":
        return ctx.facts.bone_metastases, "bone_metastases"
    if name == "gilbert_syndrome":
        names = ctx.patient.comorbidities
        if names is None:
            return None, "gilbert_syndrome"
        return any("gilbert" in m.name.lower() for m in names), "gilbert_syndrome"
    return None, f"condition:{name}"


def _any_condition(conditions: Sequence[str], ctx: Context) -> tuple[bool | None, list[str]]:
    values = [condition_holds(n, ctx) for n in conditions]
    if any(v is True for v, _ in values):
        return True, []
    if all(v is False for v, _ in values):
        return False, []
    return None, [k for v, k in values if v is None]


def _apply_conditions(
    constraints: Sequence[Constraint], results: list[Result], ctx: Context
) -> list[Result]:
    """Organ exceptions: a conditional lab threshold replaces the default one for the same
    analyte when the patient has the condition, and does not apply otherwise."""
    by_analyte: dict[str, list[int]] = {}
    for i, c in enumerate(constraints):
        if c.family == "lab" and c.params.get("analyte"):
            by_analyte.setdefault(str(c.params["analyte"]), []).append(i)
    out = list(results)
    for idxs in by_analyte.values():
        conditional = [i for i in idxs if constraints[i].logic.conditions]
        if not conditional:
            continue
        defaults = [i for i in idxs if not constraints[i].logic.conditions]
        for ci in conditional:
            names = constraints[ci].logic.conditions
            has, missing = _any_condition(names, ctx)
            label = " / ".join(n.replace("_", " ") for n in names)
            if has is True:
                for di in defaults:
                    r = out[di]
                    out[di] = Result(
                        "not_applicable", r.truth, note=f"replaced by the exception for {label}"
                    )
                out[ci] = Result(
                    out[ci].status, out[ci].truth, note=f"exception applied: patient has {label}"
                )
            elif has is False:
                out[ci] = Result(
                    "not_applicable", out[ci].truth, note=f"exception for {label} does not apply"
                )
            else:
                default_status = and_status([results[d].status for d in defaults])
                if default_status != results[ci].status or not defaults:
                    truth = Truth(
                        None,
                        f"{results[ci].truth.fact}; whether the patient has {label} is not known",
                        missing=tuple(missing),
                    )
                    out[ci] = Result("unknown", truth, note=f"depends on {label}")
                    for di in defaults:
                        out[di] = Result(
                            "not_applicable", results[di].truth, note=f"depends on {label}"
                        )
                else:
                    out[ci] = Result(
                        "not_applicable", out[ci].truth, note=f"same result with or without {label}"
                    )
    return out


def combine(constraints: Sequence[Constraint], results: list[Result], ctx: Context) -> Status:
    clinical = [i for i, c in enumerate(constraints) if c.family != "administrative"]
    if not clinical:
        return "not_applicable"
    groups: dict[int, list[int]] = {}
    ors: set[int] = set()
    hr_group = -1
    hr = [
        i
        for i in clinical
        if constraints[i].family == "receptor"
        and constraints[i].polarity == "require"
        and constraints[i].params.get("receptor") in ("er", "pr")
        and constraints[i].params.get("status") == "positive"
    ]
    for i in clinical:
        c = constraints[i]
        g = c.logic.group
        if len(hr) > 1 and i in hr:  # "ER-positive and/or PR-positive": hormone receptor positive
            g = hr_group
            ors.add(g)
        groups.setdefault(g, []).append(i)
        if c.logic.connective == "or":
            ors.add(g)
    statuses: list[Status] = []
    for g, members in groups.items():
        sts = [results[i].status for i in members]
        statuses.append(or_status(sts) if g in ors else and_status(sts))
    return and_status(statuses)


def evaluate_item(item: CriterionItem, results: Sequence[Result], ctx: Context) -> ItemResult:
    """Combine an item's constraint results (``results`` in the order of its constraints)."""
    if not item.constraints:
        return ItemResult(
            "unknown",
            (),
            ("criterion_unparsed",),
            note=item.unparsed_reason or "not read automatically",
        )
    if item.administrative:
        return ItemResult("not_applicable", tuple(results), ())
    adjusted = _apply_conditions(item.constraints, list(results), ctx)
    status = combine(item.constraints, adjusted, ctx)
    missing: list[str] = []
    if status == "unknown":
        for r in adjusted:
            if r.status == "unknown":
                missing.extend(r.truth.missing or ("criterion_unclear",))
    note = None
    if status == "not_met" and item.cohort:
        status = "unknown"
        missing.append("cohort")
        note = f"fails only for cohort {item.cohort!r}; another cohort may fit"
    return ItemResult(status, tuple(adjusted), tuple(dict.fromkeys(missing)), note=note)


__all__ = [
    "ItemResult",
    "Result",
    "and_status",
    "combine",
    "condition_holds",
    "evaluate_constraint",
    "evaluate_item",
    "or_status",
    "status_of",
]
