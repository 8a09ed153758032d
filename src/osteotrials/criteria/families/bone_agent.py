"""Bone-modifying agents (zoledronic acid, pamidronate, denosumab, oral bisphosphonates):
required, allowed or excluded, with route when stated."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "bone_agent"


def extract(item: ItemText) -> list[Constraint]:
    if re.search(r"hypersensitiv|allerg", item.norm):
        return []
    out: list[Constraint] = []
    excepted = _therapy.excepted(item)
    for m in _therapy.mentions(item):
        if not m.bone:
            continue
        window = item.norm[max(0, m.start - 25) : m.end + 5]
        route = None
        if re.search(r"\b(?:iv|intravenous)\b", window):
            route = "iv"
        elif re.search(r"\boral\b", window):
            route = "oral"
        params = {"drugs": sorted(m.drugs), "classes": sorted(m.classes), "route": route}
        constraint = make(item, FAMILY, m.start, m.end, params, confidence=0.85)
        if m in excepted:
            # "No other concurrent therapy ... except for bisphosphonates": the agent is the
            # exception the trial allows, not one it excludes or requires
            constraint.polarity = "allow"
        out.append(constraint)
    return out
