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

import re
from collections.abc import Sequence
from dataclasses import dataclass

from osteotrials.match._core import Context, Truth
from osteotrials.match._data import load
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


#: a "not met" needs a confident reading: below this confidence it becomes unknown
MIN_CONFIDENCE_FOR_NOT_MET = float(load("defaults.yaml")["min_confidence_for_not_met"])
#: families where *requiring* the condition (having a disease, an infection, an allergy)
#: is almost always a misread or a conditional rule ("HIV-infected participants must ...")
_REQUIRE_SUSPECT = frozenset(
    {"comorbidity", "infection", "other_malignancy", "hypersensitivity", "toxicity"}
)
#: item wording that makes the rule apply to a subgroup only ("If ...", "Patients with ... must")
CONDITIONAL_WORDING = re.compile(
    # a note or a condition after a numbered label ("5.1 NOTE: ...", "4.2 If ...")
    r"^\W*(?:\d+(?:\.\d+)*\.?\s+(?:note|if)\b|"
    r"if\b|for (?:patients|participants|subjects|those|women|men|cohort|part|arm|"
    r"premenopausal|postmenopausal|pre-|post-|her2|hr)|when\b|in case|where\b|"
    r"(?:patients|participants|subjects|women|men|males?|females?)\s+(?:with|who|receiving|on|"
    r"taking|of|having)\b|\w+-infected|\w+-positive participants|male (?:subjects|patients|"
    r"participants)|note\b|[\w+/-]+\s+(?:patients|participants|subjects)\s+(?:should|must|may|will)\b|"
    # "Premenopausal and perimenopausal women (who ...) and men must be receiving ..."
    # ... and "Male and pre- or peri-menopausal female participants must be willing to take
    # a GnRH (or LHRH) agonist"
    r"(?:(?:males?|men)\s+(?:and|or)\s+)?(?:pre|peri)-?\s*(?:(?:or|and|/)\s*(?:pre|peri)-?\s*)?"
    r"menopausal\b[^.;:]{0,80}\bmust\b)",
    re.IGNORECASE,
)
#: a later sentence whose subject is a tumour status: "Both HER2-positive and HER2-negative
#: disease ... HER2+ must have had prior treatment with trastuzumab and/or lapatinib"
STATUS_AS_SUBJECT = re.compile(
    r"(?:^|[.;:]\s+)(?:her2|her-2|hr|er|pr|pgr)[\s-]*(?:\+|positive|negative)\s+"
    r"(?:(?:patients|participants|subjects|disease|tumou?rs)\s+)?(?:must|should)\b",
    re.IGNORECASE,
)
#: a parent item introducing alternatives or exceptions: its sub-items do not each apply
ALTERNATIVES_PARENT = re.compile(
    r"unless|except|defined as|definition|one of the following|any of the following|either|"
    r"at least one of|meet(?:s|ing)? one|or more of|as follows|following criteria",
    re.IGNORECASE,
)

#: a list head offering alternatives ("Meets 1 of the following criteria:") whose items
#: the text does not nest (old PDQ lists lose their indentation in API v2 text)
FLAT_ALTERNATIVES_HEAD = re.compile(
    r"^(?![^:]*\b(?:no|not|none|without|never|nor)\b[^:]*\bof the following)"
    r"[^:]*\b(?:1|one|any|either|at least (?:1|one)|(?:1|one) or more)\b[^:]{0,40}"
    r"\bof the following\b[^:]{0,40}:\s*$"
    # "... locally advanced or metastatic breast cancer with either:"
    r"|\beither\s*:\s*$",
    re.IGNORECASE,
)
#: at most this many items after such a head are read as its alternatives
FLAT_ALTERNATIVES_MAX = 8


def _families(item: CriterionItem) -> frozenset[str]:
    return frozenset(c.family for c in item.constraints)


def context_texts(items: Sequence[CriterionItem]) -> dict[int, str]:
    """The text that heads each item (by index): its parent's, or, for an item of a flat
    inclusion list after an alternatives head, the head's.

    Where a flat list ends is not marked, so it is read as ending at the first item that
    names none of the constraint families of its first typed item ("Measurable disease",
    "Bone-only disease", then "HER-2 status ..."), at an item ending in a colon, a section
    header, a change of kind, or after ``FLAT_ALTERNATIVES_MAX`` items. (An alternative
    left out keeps its hard "not met"; one taken in too only softens "not met" to unknown.)
    """
    by_index = {i.index: i for i in items}
    out: dict[int, str] = {}
    head: CriterionItem | None = None
    first: frozenset[str] = frozenset()
    taken = 0
    for item in items:
        parent = by_index.get(item.parent) if item.parent is not None else None
        if parent is not None:
            out[item.index] = parent.text
            head = None  # the list is nested after all
            continue
        text = item.text.rstrip()
        families = _families(item)
        if head is not None and (
            item.role == "header"
            or text.endswith(":")
            or item.kind != head.kind
            or taken >= FLAT_ALTERNATIVES_MAX
            or (first and families and not families & first)
        ):
            head = None
        if head is not None:
            out[item.index] = head.text
            taken += 1
            first = first or families
        # in an exclusion list, "any of the following:" names conditions that each exclude
        if item.kind == "inclusion" and text.endswith(":") and FLAT_ALTERNATIVES_HEAD.search(text):
            head, taken, first = item, 0, frozenset()
    return out


_FILLER = frozenset(str(w) for w in load("defaults.yaml")["partial_read_filler_words"])
#: an item with this many content words outside every constraint span was read only in part
PARTIAL_WORDS = int(load("defaults.yaml")["partial_read_words"])


def uncovered_words(item: CriterionItem) -> list[str]:
    """Content words of the item that no constraint covers."""
    text = item.text
    covered = [False] * len(text)
    base = item.span[0]
    for c in item.constraints:
        for i in range(max(0, c.span[0] - base), min(len(text), c.span[1] - base)):
            covered[i] = True
    out: list[str] = []
    for m in re.finditer(r"[A-Za-z][A-Za-z-]{2,}", text):
        if any(covered[m.start() : m.end()]):
            continue
        word = m.group(0).lower()
        if word not in _FILLER:
            out.append(word)
    return out


def status_of(c: Constraint, truth: Truth) -> Status:
    if not truth.applicable or c.polarity == "allow":
        return "not_applicable"
    if truth.holds is None:
        return "unknown"
    if c.polarity == "require":
        return "met" if truth.holds else "not_met"
    return "not_met" if truth.holds else "met"


def _doubtful(c: Constraint) -> str | None:
    """Why a "not met" from this constraint should not be trusted, or None."""
    if c.confidence < MIN_CONFIDENCE_FOR_NOT_MET:
        return f"read with low confidence ({c.confidence:.2f}); check by hand"
    if c.polarity == "require" and (
        c.family in _REQUIRE_SUSPECT or (c.family == "cardiac" and "condition" in c.params)
    ):
        return "a requirement to have this condition is probably conditional; check by hand"
    if c.polarity == "require" and c.family == "medication":
        # in the snapshot most of these are misreads: drug names listed under an exclusion
        # heading that segmentation kept as inclusion items ("Rifampin", "Clarithromycin"),
        # willingness to stop a drug, washouts ("At least 30 days since prior hormone
        # replacement therapy"), rules for those who take it ("patients on warfarin, INR ...")
        return "a requirement to be taking this medication is often conditional; check by hand"
    if (
        c.polarity == "require"
        and c.family == "bone_agent"
        and not (c.time_window and c.time_window.relation in ("at_least", "more_than"))
    ):
        # of the snapshot's 17 such rules, 3 ask for the agent; the rest allow it ("are
        # allowed", "may continue"), bind those on one ("Participants receiving ... must be
        # on stable doses") or ask to hold it. A washout ("More than 30 days since prior
        # bisphosphonates") is a clear rule
        return "a requirement to be on a bone-modifying agent is often an allowance; check by hand"
    return None


def truth_of(c: Constraint, ctx: Context) -> Truth:
    """Whether the constraint's condition holds (the family evaluator, never raising)."""
    if c.params.get("no_restriction"):
        return Truth(None, "no restriction", applicable=False)
    evaluator = EVALUATORS.get(c.family)
    if evaluator is None:
        return Truth(None, f"no evaluator for family {c.family!r}", missing=("criterion_unclear",))
    try:
        return evaluator(c, ctx)
    except (ValueError, TypeError, KeyError) as exc:  # a malformed constraint, never a crash
        return Truth(None, f"could not evaluate: {exc}", missing=("criterion_unclear",))


def result_from(c: Constraint, truth: Truth) -> Result:
    """Polarity and reading confidence applied to a truth value."""
    status = status_of(c, truth)
    if status == "not_met" and (why := _doubtful(c)) is not None:
        doubtful = Truth(
            None,
            truth.fact,
            missing=("criterion_unclear",),
            fields=truth.fields,
            reference=truth.reference,
            note=why,
        )
        return Result("unknown", doubtful, note="would fail, but " + why)
    return Result(status, truth)


def evaluate_constraint(c: Constraint, ctx: Context) -> Result:
    return result_from(c, truth_of(c, ctx))


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


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """How an item's constraint statuses combine; computed once per distinct item."""

    administrative: bool
    unparsed: bool
    cohort: str | None
    #: lab constraints with organ-exception conditions: the slow path applies them
    conditional: bool
    #: (is_or, positions) per logic group; administrative constraints left out
    groups: tuple[tuple[bool, tuple[int, ...]], ...]
    #: positions of line-of-therapy constraints
    line_positions: tuple[int, ...]
    #: the rule applies to a subgroup, or is one of several alternatives: a failure
    #: becomes unknown
    subgroup: bool = False
    #: content words outside every constraint: a "met" becomes unknown (read only in part)
    partial: bool = False


def plan_item(item: CriterionItem, parent_text: str | None = None) -> ItemPlan:
    constraints = item.constraints
    clinical = [i for i, c in enumerate(constraints) if c.family != "administrative"]
    hr = [
        i
        for i in clinical
        if constraints[i].family == "receptor"
        and constraints[i].polarity == "require"
        and constraints[i].params.get("receptor") in ("er", "pr")
        and constraints[i].params.get("status") == "positive"
    ]
    groups: dict[int, list[int]] = {}
    ors: set[int] = set()
    for i in clinical:
        c = constraints[i]
        g = c.logic.group
        if len(hr) > 1 and i in hr:  # "ER-positive and/or PR-positive": hormone receptor positive
            g = -1
            ors.add(g)
        groups.setdefault(g, []).append(i)
        if c.logic.connective == "or":
            ors.add(g)
    lines = tuple(
        i
        for i, c in enumerate(constraints)
        if c.family == "prior_therapy"
        and (c.params.get("min_lines") is not None or c.params.get("max_lines") is not None)
    )
    return ItemPlan(
        administrative=bool(constraints) and not clinical,
        unparsed=not constraints,
        cohort=item.cohort,
        conditional=any(c.family == "lab" and c.logic.conditions for c in constraints),
        groups=tuple((g in ors, tuple(m)) for g, m in groups.items()),
        line_positions=lines,
        partial=bool(constraints) and len(uncovered_words(item)) >= PARTIAL_WORDS,
        subgroup=bool(CONDITIONAL_WORDING.search(item.text))
        or bool(STATUS_AS_SUBJECT.search(item.text))
        or bool(parent_text and ALTERNATIVES_PARENT.search(parent_text)),
    )


def combine(plan: ItemPlan, statuses: Sequence[Status]) -> Status:
    if not plan.groups:
        return "not_applicable"
    if len(plan.groups) == 1:
        is_or, members = plan.groups[0]
        sts = [statuses[i] for i in members]
        return or_status(sts) if is_or else and_status(sts)
    return and_status(
        [
            (or_status if is_or else and_status)([statuses[i] for i in members])
            for is_or, members in plan.groups
        ]
    )


def evaluate_item(
    item: CriterionItem, results: Sequence[Result], ctx: Context, plan: ItemPlan | None = None
) -> ItemResult:
    """Combine an item's constraint results (``results`` in the order of its constraints)."""
    plan = plan or plan_item(item)
    if plan.unparsed:
        return ItemResult(
            "unknown",
            (),
            ("criterion_unparsed",),
            note=item.unparsed_reason or "not read automatically",
        )
    if plan.administrative:
        return ItemResult("not_applicable", tuple(results), ())
    if plan.conditional:
        adjusted: Sequence[Result] = _apply_conditions(item.constraints, list(results), ctx)
        status = combine(plan, [r.status for r in adjusted])
    elif len(results) == 1 and plan.groups:  # the common case: one clinical constraint
        adjusted = results
        status = results[0].status
    else:
        adjusted = results
        status = combine(plan, [r.status for r in adjusted])
    missing: list[str] = []
    if status == "unknown":
        for r in adjusted:
            if r.status == "unknown":
                missing.extend(r.truth.missing or ("criterion_unclear",))
    note = None
    if status == "not_met" and plan.cohort:
        status = "unknown"
        missing.append("cohort")
        note = f"fails only for cohort {plan.cohort!r}; another cohort may fit"
    elif status == "not_met" and plan.subgroup:
        status = "unknown"
        missing.append("criterion_unclear")
        note = "would fail, but the rule is worded for a subgroup or as one of alternatives"
    elif status == "met" and plan.partial:
        status = "unknown"
        missing.append("criterion_partial")
        note = "only part of this criterion was read automatically; check the rest by hand"
    return ItemResult(
        status, tuple(adjusted), tuple(dict.fromkeys(missing)) if missing else (), note=note
    )


__all__ = [
    "ItemPlan",
    "ItemResult",
    "Result",
    "and_status",
    "combine",
    "condition_holds",
    "evaluate_constraint",
    "evaluate_item",
    "or_status",
    "plan_item",
    "result_from",
    "status_of",
    "truth_of",
]
