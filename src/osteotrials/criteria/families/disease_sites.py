# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Disease sites and burden: bone-only, bone-dominant, visceral (liver, lung), lytic
vs blastic, soft-tissue component, visceral crisis, spinal cord compression."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make, named_as_not_measurable
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "disease_sites"
_PATTERNS: list[tuple[str, str, str | None]] = [
    (
        "bone",
        r"bone[- ]only|\bbone (?:metasta\w* )?as (?:the|their) (?:only|sole) site|bone[- ]dominant|bone[- ]predominant|(?:bone|osseous|(?<!extra)(?<!extra-)skeletal|bony)\s+(?:only\s+)?(?:metasta\w*|mets|lesions?|disease|involvement|deposits?)|metasta\w*\s+(?:to|in|of)\s+(?:the\s+)?(?:bone|skeleton)|(?:lytic|blastic|osteolytic|osteoblastic|sclerotic|mixed)\s+(?:or\s+(?:lytic|blastic|mixed)\s+)?(?:bone\s+)?(?:metasta\w*|lesions?)|site of bone metasta\w*",
        None,
    ),
    (
        "liver",
        r"(?:liver|hepatic)\s+(?:metasta\w*|mets|lesions?|involvement|parenchyma|(?:disease\s+|tumou?r\s+)?burden)|metasta\w*\s+(?:to|in|of)\s+(?:the\s+)?(?:liver|hepatic)",
        None,
    ),
    (
        "lung",
        r"(?:lung|pulmonary)\s+(?:metasta\w*|mets|lesions?|lymphangit\w*)|metasta\w*\s+(?:to|in)\s+(?:the\s+)?lungs?|lymphangitic",
        None,
    ),
    ("visceral", r"visceral\s+(?:metasta\w*|disease|crisis|involvement|lesions?|organ)", None),
    (
        "lymph_node",
        r"(?:lymph node|nodal)\s+(?:metasta\w*|disease|involvement)|other than (?:\w+\s+){0,3}lymph nodes",
        None,
    ),
    (
        "spinal_cord",
        r"spinal cord compression|cord compression|epidural (?:disease|compression)",
        "compression",
    ),
    (
        "pleural",
        r"pleural\s*(?:(?:or|and|and/or)\s+|/\s*)?(?:pericardial\s+)?effusions?|ascites|serous cavity effusions?",
        None,
    ),
    (
        "skin_soft_tissue",
        r"(?:skin|soft[- ]tissue|chest wall)\s+(?:metasta\w*|disease|lesions?|involvement)|soft[- ]tissue component",
        None,
    ),
]
_COMPILED = [(s, re.compile(p), e) for s, p, e in _PATTERNS]
_RT_BEFORE = re.compile(
    r"(?:radiation|radiotherapy|irradiat\w*|\brt\b|sbrt)(?: therapy)?\s+(?:\w+\s+){0,3}(?:for|to|of)\s+(?:\w+,?\s+){0,5}$"
)

#: the site as what an allowed drug is for, not a rule on the patient's sites
_INDICATION_BEFORE = re.compile(
    r"\bfor\s+(?:the\s+)?(?:treatment|palliation|management|prevention|control|relief)\s+of\s+(?:[\w-]+,?\s+){0,4}$|\b(?:to treat|treating)\s+(?:[\w-]+\s+){0,2}$"
)
#: "AST/ALT <= 5 x ULN (liver metastases present)", "or 3 x ULN (no liver metastasis)": the
#: condition of a lab limit, not a rule on the patient's sites
_LAB_LIMIT = re.compile(r"\buln\b|upper limit of (?:the )?normal")
_LAB_CONDITION_BEFORE = re.compile(
    r"(?:\(|\bwith(?:out)?|\bno|\bif|\bin the (?:presence|absence) of)\s*(?:(?:documented|known|the|presence of)\s+)*$"
)
_NON_MEASURABLE_EXAMPLE = re.compile(
    r"non-?(?:measurable|evaluable)[^.;]{0,60}(?:such as|e\.?g\.?,?|including|for example)\s+(?:\w+\s+){0,3}$"
)

_EXCEPTED_BEFORE = re.compile(
    r"\b(?:other than|except(?: for)?|excluding|apart from|besides)\s+(?:(?:the|any|lytic|blastic|mixed|or|and|,)\s+|\([^()]{0,40}\)\s+)*$"
)
_BONE_CONDITION = re.compile(
    r"metabolic bone|pre-?existing bone|osteoporo\w*|osteomalacia|osteogenesis imperfecta|paget|hyperparathyroid\w*|hypoparathyroid\w*|osteopenia"
)
_METASTASES_OTHER_THAN_BONE = re.compile(
    r"metasta\w*[^.;]{0,40}?\(?\s*other than (?:bone|skeletal|osseous) (?:metasta\w*|lesions?|disease)\)?"
)
_UNTIL_AFTER = re.compile(r"[^.;]{0,60}\buntil\b")
_SINGLE_BEFORE = re.compile(r"\b(?:single|solitary|isolated)\s+$")
_TNM = re.compile(r"\b[cpy]?n[0-3](?:[abc]|\s*-\s*[0-3])?\b|\bstage\s*(?:[0-4]|i{1,3}[abc]?|iv)\b")
_MEASURABLE_SIZE = re.compile(r"measurab")
_SIZE_AFTER = re.compile(r"[^.;]{0,70}?\b\d+(?:\.\d+)?\s*(?:cm|mm)\b")


#: a rule on which lesions the study may treat or follow, not on the patient: "Bone lesions
#: in the calvarium are not eligible for the dose-finding or expansion portions of the study"
#: (an exclusion of bone metastases, it failed every patient the trial is for)
_LESION_NOT_ELIGIBLE = re.compile(
    r"^\W*(?:[\w-]+\s+){0,2}lesions?\s+(?:in|of|at|within|involving)\s+(?:the\s+)?(?:[\w-]+\s+){1,3}"
    r"(?:are|is)\s+not\s+(?:eligible|allowed|permitted|acceptable)\b"
)


#: the subgroup a rule is for: "For participants with bone only disease,", "For bone lesions,"
_SUBGROUP_BEFORE = re.compile(
    r"(?:^|[.;:,]\s*)\W*(?:for\s+(?:(?:patients|participants|subjects|those|women|individuals)"
    r"\s+(?:with|who have)\s+)?|in\s+(?:patients|participants|subjects|those|women|individuals)"
    r"\s+(?:with|who have)\s+)(?:[\w-]+\s+){0,2}$"
)


#: a site counted as something the rule defines: "... are considered to have > 4 metastases"
_COUNTED_AS_AFTER = re.compile(
    r"[^.;]{0,150}?\b(?:are|is) (?:considered|deemed|counted) (?:to have|as)\b"
)
_PATIENTS_WITH_BEFORE = re.compile(
    r"\b(?:patients|participants|subjects|those) with\s+(?:[\w/-]+,?\s+){0,12}$"
)


_CRISIS_WORDS_BEFORE = re.compile(
    r"\b(?:symptomatic|life-threatening|rapidly progressive|impending)\s+(?:[\w-]+\s+){0,2}$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    out: list[Constraint] = []
    if _LESION_NOT_ELIGIBLE.match(norm):
        return []
    if item.kind == "exclusion" and (m := _METASTASES_OTHER_THAN_BONE.search(norm)):
        # "Any metastatic disease other than skeletal metastases" (an exclusion): only bone
        # metastases are allowed, a bone-only rule; excluding "bone" here would shut out the
        # very patients the trial is for
        c = make(
            item, FAMILY, m.start(), m.end(), {"site": "bone", "extent": "only"}, confidence=0.6
        )
        c.polarity = "require"
        return [c]
    for site, pattern, extent_default in _COMPILED:
        m = pattern.search(norm)
        if not m:
            continue
        if _RT_BEFORE.search(norm[max(0, m.start() - 50) : m.start()]):
            continue
        if _INDICATION_BEFORE.search(norm[max(0, m.start() - 80) : m.start()]):
            continue  # "bisphosphonates are allowed for the treatment of ... skeletal metastases"
        if _LAB_LIMIT.search(norm) and _LAB_CONDITION_BEFORE.search(
            norm[max(0, m.start() - 40) : m.start()]
        ):
            continue
        if _EXCEPTED_BEFORE.search(norm[max(0, m.start() - 70) : m.start()]):
            continue  # "non-measurable lesions other than bone metastasis": bone is allowed
        if site == "bone" and _BONE_CONDITION.search(norm[max(0, m.start() - 30) : m.end() + 60]):
            continue  # "metabolic bone disease other than osteoporosis": a condition
        if _NON_MEASURABLE_EXAMPLE.search(norm[max(0, m.start() - 100) : m.start()]):
            continue  # "non-measurable lesions such as pleural effusion": a measurability rule
        if named_as_not_measurable(norm, m.start()):
            continue  # "Bone, CNS, and skin lesions ... are not considered measurable"
        # "measurable disease (>= 2.0 cm, except for pulmonary lesions ... >= 1.0 cm)": the
        # lesion size of a measurability rule, not a rule on where the disease is
        if (
            site != "bone"
            and _MEASURABLE_SIZE.search(norm)
            and re.search(r"lesions?$", m.group(0))
            and _SIZE_AFTER.match(norm[m.end() : m.end() + 80])
        ):
            continue
        # "T1-3, N1-2, M0 (... N [lymph node involvement] ...)", "clinical node stage 3 (cN3)
        # nodal involvement": regional nodes as part of the staging are no site rule
        if site == "lymph_node" and _TNM.search(norm):
            continue
        if site == "skin_soft_tissue" and m.group(0).endswith("component") and "bone" in norm:
            continue  # the soft-tissue component of a bone lesion (the bone rule's parameter)
        text = m.group(0)
        params: dict[str, object] = {"site": site}
        extent = extent_default
        window = norm[max(0, m.start() - 40) : m.end() + 40]
        if re.search(r"\bonly\b|bone[- ]only|as the only|sole|exclusively|confined to", window):
            extent = "only"
        elif re.search(r"dominant|predominant", window):
            extent = "dominant"
        elif re.search(r"crisis", text) or (
            site in ("visceral", "liver", "lung")
            and _CRISIS_WORDS_BEFORE.search(norm, max(0, m.start() - 40), m.start())
        ):
            # "Symptomatic visceral disease", "life-threatening metastatic visceral disease":
            # a clinical judgement like a visceral crisis (read as any visceral metastasis,
            # every patient with one failed)
            extent = "crisis"
        elif pct := re.search(r"(?:more than|>|≥|>=|at least)\s*\d+\s*%", window):
            extent = pct.group(0)
        elif re.search(r"at least one|≥\s*1|one or more", window):
            extent = "at_least_one"
        if extent:
            params["extent"] = extent
        lt = [
            w
            for w in ("lytic", "blastic", "mixed", "sclerotic")
            if re.search(rf"\b(?:osteo)?{w}\b", window)
        ]
        if lt:
            params["lesion_type"] = lt
        if re.search(r"soft[- ]tissue component", norm):
            params["soft_tissue_component"] = True
        # "painful bone metastases are not permitted until ... successfully treated", "Single
        # Bone Lesion" (not eligible): a rule on some bone lesions, not on every one, so a
        # "not met" from it is checked by hand
        partial = _UNTIL_AFTER.match(norm, m.end()) or _SINGLE_BEFORE.search(
            norm[max(0, m.start() - 12) : m.start()]
        )
        confidence = 0.5 if partial else 0.8
        constraint = make(item, FAMILY, m.start(), m.end(), params, confidence=confidence)
        if _COUNTED_AS_AFTER.match(norm, m.end()) and _PATIENTS_WITH_BEFORE.search(
            norm, max(0, m.start() - 160), m.start()
        ):
            # "Patients with current progression of malignant pleural effusions ... are
            # considered to have > 4 metastases" (and > 4 are not allowed): an exclusion of
            # the progression, which the rule does not read; checked by hand
            constraint.polarity = "exclude"
            constraint.confidence = min(constraint.confidence, 0.5)
        elif _SUBGROUP_BEFORE.search(norm, max(0, m.start() - 50), m.start()):
            # "For participants with bone only disease, lesions: must be lytic or mixed ...",
            # "For bone lesions, lytic ... lesions ... can be considered as measurable": the
            # site names whom (or which lesions) the rule is for
            constraint.polarity = "allow"
        out.append(constraint)
    return out
