"""Bone-modifying agents (zoledronic acid, pamidronate, denosumab, oral bisphosphonates):
required, allowed or excluded, with route when stated."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "bone_agent"

#: a harm the agent caused, named before it: "ongoing osteonecrosis of the jaw from previous
#: or concurrent treatment with bisphosphonates or denosumab" is a rule on the harm; read as
#: one on the agents, it failed every patient treated for bone metastases
_HARM_BEFORE = re.compile(
    r"\b(?:osteonecrosis|onj|atypical (?:femoral )?fractures?)\b[^.;]{0,60}\b(?:from|due to|"
    r"related to|secondary to|caused by|associated with|induced by|following)\b[^.;]{0,80}$"
)
#: a condition or purpose after the agent that the rule does not read: "Current treatment
#: with intravenous bisphosphonate or denosumab with elevated serum calcium ...", "Chronic
#: concomitant therapy with bisphosphonates or denosumab for the prevention of bone
#: metastases" (given to treat bone metastases, they are not what the rule excludes)
_UNREAD_CONDITION_AFTER = re.compile(
    r"[^.;]{0,30}?\b(?:with (?:\w+\s+){0,3}?(?:calcium|hypercalc\w*|hypocalc\w*|creatinine)|"
    r"for (?:the )?(?:prevention|prophylaxis) of|to prevent)\b"
)
#: a rule for those on the agent: "If taking bisphosphonates or denosumab, must have been on
#: these agents prior to signing consent" (in an exclusion list it had excluded them),
#: "Participants receiving bisphosphonate or denosumab therapy must be on stable doses"
_IF_ON_IT_BEFORE = re.compile(
    r"\b(?:if|when)\s+(?:(?:already|currently)\s+)?(?:taking|receiving|on|using|treated with)\s+"
    r"(?:(?:an?|the|any)\s+)?(?:[\w/-]+,?\s+(?:(?:or|and|and/or)\s+)?){0,3}$"
)
_THOSE_ON_IT_BEFORE = re.compile(
    r"\b(?:those|patients|participants|subjects)\s+(?:who are\s+|who\s+)?"
    r"(?:already\s+|currently\s+)?"
    r"(?:taking|receiving|on|using|treated with)\s+(?:(?:an?|the|any)\s+)?"
    r"(?:[\w/-]+,?\s+(?:(?:or|and|and/or)\s+)?){0,3}$"
)
#: ... whose rule follows ("Patients receiving bisphosphonates for more than 3 months" in an
#: exclusion list is the group excluded)
_RULE_FOR_THEM_AFTER = re.compile(
    r"[^.;]{0,80}?\b(?:must|should|need to|are required|is required|may continue|can continue)\b"
)
#: confidence of a rule whose condition is not read (a failure is checked by hand)
_UNREAD_CONDITION_CONFIDENCE = 0.5


def extract(item: ItemText) -> list[Constraint]:
    if re.search(r"hypersensitiv|allerg", item.norm):
        return []
    out: list[Constraint] = []
    excepted = _therapy.excepted(item)
    for m in _therapy.mentions(item):
        if not m.bone or _therapy.contraindicated(item.norm, m.start, m.end):
            continue
        if _HARM_BEFORE.search(item.norm, max(0, m.start - 120), m.start):
            continue
        window = item.norm[max(0, m.start - 25) : m.end + 5]
        route = None
        if re.search(r"\b(?:iv|intravenous)\b", window):
            route = "iv"
        elif re.search(r"\boral\b", window):
            route = "oral"
        params = {"drugs": sorted(m.drugs), "classes": sorted(m.classes), "route": route}
        conf = 0.85
        if _UNREAD_CONDITION_AFTER.match(item.norm, m.end):
            conf = _UNREAD_CONDITION_CONFIDENCE
        constraint = make(item, FAMILY, m.start, m.end, params, confidence=conf)
        norm = item.norm
        # "Patients currently receiving oral bisphosphonates must discontinue these at least 3
        # weeks prior to study start": a washout for those on it stays a rule
        tw = constraint.time_window
        washout = tw is not None and tw.relation in ("at_least", "more_than")
        if not washout and (
            _IF_ON_IT_BEFORE.search(norm, max(0, m.start - 60), m.start)
            or (
                _THOSE_ON_IT_BEFORE.search(norm, max(0, m.start - 60), m.start)
                and _RULE_FOR_THEM_AFTER.match(norm, m.end)
            )
        ):
            constraint.polarity = "allow"
        if m in excepted:
            # "No other concurrent therapy ... except for bisphosphonates": the agent is the
            # exception the trial allows, not one it excludes or requires
            constraint.polarity = "allow"
        out.append(constraint)
    return out
