"""The rule pipeline: segmentation, one component per constraint family, then small
resolution rules between families, then unparsed reasons. medspaCy-style: each
component is a plain function ``extract(ItemText) -> list[Constraint]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from osteotrials.criteria.families import (
    administrative,
    age,
    biomarker,
    bone_agent,
    cardiac,
    cns,
    comorbidity,
    diagnosis,
    disease_sites,
    hypersensitivity,
    infection,
    lab,
    life_expectancy,
    measurable_disease,
    medication,
    menopause,
    other_malignancy,
    performance_status,
    pregnancy,
    prior_therapy,
    radiotherapy,
    receptor,
    sex,
    surgery,
    toxicity,
    trial_participation,
)
from osteotrials.criteria.segment import Segment, segment
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint, CriterionItem

Component = Callable[[ItemText], list[Constraint]]

#: (family, component) in the order they run; every family has its own module.
COMPONENTS: list[tuple[str, Component]] = [
    ("age", age.extract),
    ("sex", sex.extract),
    ("diagnosis", diagnosis.extract),
    ("receptor", receptor.extract),
    ("disease_sites", disease_sites.extract),
    ("measurable_disease", measurable_disease.extract),
    ("cns", cns.extract),
    ("prior_therapy", prior_therapy.extract),
    ("radiotherapy", radiotherapy.extract),
    ("bone_agent", bone_agent.extract),
    ("biomarker", biomarker.extract),
    ("performance_status", performance_status.extract),
    ("lab", lab.extract),
    ("cardiac", cardiac.extract),
    ("menopause", menopause.extract),
    ("pregnancy", pregnancy.extract),
    ("life_expectancy", life_expectancy.extract),
    ("other_malignancy", other_malignancy.extract),
    ("infection", infection.extract),
    ("comorbidity", comorbidity.extract),
    ("medication", medication.extract),
    ("trial_participation", trial_participation.extract),
    ("surgery", surgery.extract),
    ("toxicity", toxicity.extract),
    ("hypersensitivity", hypersensitivity.extract),
    ("administrative", administrative.extract),
]

#: families whose match makes a generic comorbidity match over the same words redundant
_SPECIFIC = {"cardiac", "infection", "cns", "other_malignancy", "toxicity", "hypersensitivity", "lab", "disease_sites", "menopause", "pregnancy"}


def _overlaps(a: Constraint, b: Constraint) -> bool:
    return a.span[0] < b.span[1] and b.span[0] < a.span[1]


def resolve(found: list[Constraint], item: ItemText) -> list[Constraint]:
    """Resolution rules between families (each documented in docs/criteria.md)."""
    fams = {c.family for c in found}
    out = list(found)
    if "hypersensitivity" in fams:  # drugs named as allergens are not therapy history
        out = [c for c in out if c.family not in ("prior_therapy", "medication", "bone_agent")]
    if "lab" in fams:  # "if liver metastases" inside lab rules is a condition, not a site rule
        out = [c for c in out if c.family != "disease_sites"]
        out = [c for c in out if not (c.family == "medication" and set(c.params.get("classes", [])) <= {"growth_factor"})]
    if "cns" in fams:
        cns_spans = [c for c in out if c.family == "cns"]
        out = [c for c in out if not (c.family in ("radiotherapy", "surgery") and any(_sentence_shared(item, c, k) for k in cns_spans))]
    specific = [c for c in out if c.family in _SPECIFIC]
    out = [c for c in out if not (c.family == "comorbidity" and any(_overlaps(c, s) for s in specific))]
    others = {c.family for c in out} - {"administrative"}
    if others:
        kept: list[Constraint] = []
        for c in out:
            if c.family == "administrative":
                aspects = [a for a in c.params.get("aspect", []) if a not in ("procedures", "eligibility_meta")]
                if "comorbidity" in others:
                    aspects = [a for a in aspects if a != "compliance"]
                if not aspects:
                    continue
                c = c.model_copy(update={"params": {**c.params, "aspect": aspects}})
            kept.append(c)
        out = kept
    return out


def _sentence_shared(item: ItemText, a: Constraint, b: Constraint) -> bool:
    pos = a.span[0] - item.start
    left, right = item.clause_bounds(pos)
    return left <= b.span[0] - item.start < right


_FRAGMENT_END = re.compile(r"(?:\b(?:or|and|and/or|with|of|the|to|by|for|including)|[,(/-])\s*$", re.IGNORECASE)


def unparsed_reason(seg: Segment) -> str:
    text = seg.text.strip()
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) <= 2:
        return "fragment: too short to carry a criterion on its own"
    if _FRAGMENT_END.search(text) or text[:1].islower():
        return "fragment: continues or is continued by another line"
    if seg.cohort and len(words) <= 12:
        return "cohort or tumour-type description"
    return "no rule matched"


def compile_segments(text: str | None) -> list[CriterionItem]:
    segs = segment(text)
    items: list[CriterionItem] = []
    for index, seg in enumerate(segs):
        if seg.role == "header" and not seg.text.endswith(":") and seg.label is None and not seg.section:
            pass
        constraints: list[Constraint] = []
        role = seg.role
        reason: str | None = None
        if role != "header":
            item = ItemText(seg.text, seg.start, seg.kind, seg.context(segs))
            found: list[Constraint] = []
            for _family, component in COMPONENTS:
                found.extend(component(item))
            constraints = resolve(found, item)
            if not constraints:
                if seg.text.rstrip().endswith(":"):
                    role = "header"
                    reason = "introduces the items below"
                else:
                    reason = unparsed_reason(seg)
        else:
            reason = "section or label header"
        items.append(
            CriterionItem(
                index=index,
                text=seg.text,
                kind=seg.kind,
                role=role,
                section=[*seg.section, *([seg.label] if seg.label and role != "header" else [])],
                cohort=seg.cohort,
                parent=seg.parent,
                depth=seg.depth,
                span=(seg.start, seg.end),
                constraints=constraints,
                unparsed_reason=reason if role == "header" or not constraints else None,
            )
        )
    return items
