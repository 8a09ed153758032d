# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Measurable disease (RECIST 1.1) required, measurable-or-evaluable, and the bone
rules: non-measurable bone-only disease allowed / needs a measurable component."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "measurable_disease"
_MENTION = re.compile(
    r"\bmeasurab\w*|(?:can|could) be (?:accurately |reliably )?measured|measurability|non[- ]?measurable|evaluable (?:disease|lesions?)|non-?evaluable|(?:at least|≥|>=|one|1|a|single)\s+(?:\w+\s+)?target lesions?|\brecist\b|response evaluation criteria in solid tumou?rs|assessable (?:disease|lesions?)|at least one (?:site of )?(?:unidimensionally |bidimensionally )?measurable|defined tumou?r|one site with"
)
_CRITERIA = re.compile(
    r"recist\s*(?:v(?:ersion)?\s*)?(?:1\.1|1\.0|1)?|response evaluation criteria in solid tumou?rs(?:\s*\(recist\))?(?:\s*(?:v(?:ersion)?\s*)?(?:1\.1|1\.0))?|md anderson|percist|who criteria|irecist|rano"
)

_NOT_REQUIRED = re.compile(
    r"measurab\w*[^.;]{0,30}\b(?:preferred|desirable|optional|not (?:required|mandatory|necessary))\b"
)
#: "at least one lesion that can be accurately measured or bone lesions in the absence of
#: measurable disease": bone lesions are the alternative (the "absence" is no rule against
#: measurable disease)
_BONE_IN_ABSENCE = re.compile(
    r"(?:bone|osseous|skeletal|lytic|blastic)\b[^.;]{0,60}\bin the absence of (?:other )?measurable"
    r"|\bin the absence of (?:other )?measurable (?:disease|lesions?),?\s+(?:[\w-]+\s+){0,4}(?:bone|osseous|skeletal)"
    r"|\bif (?:there is )?no measurable (?:disease|lesions?)[^.;]{0,80}\b(?:bone|osseous|skeletal)"
)
#: "measurable QTc interval", "measurable levels": a measurement, not disease
_NOT_DISEASE_AFTER = re.compile(
    r"\s+(?:qtc?|qt interval|levels?|serum|plasma|antibod\w*|titers?)\b"
)
#: measurable disease named as what the patient lacks
_NEGATIVE_MEASURABLE = re.compile(
    r"non[- ]?measurable|unmeasurable|\bno (?:other |evidence of )?measurable|not (?:be )?(?:considered )?measurable|without (?:any )?measurable|absence of (?:other )?measurable|lack of measurable|only (?:area|site|sites) of measurable|as the only measurable|measurable (?:disease )?(?:only )?by physical exam\w* only|cannot (?:be used as|serve as) (?:a )?(?:measurable|target)|may not serve as measurable|not (?:be )?used as (?:a )?target"
)
#: an inclusion that asks for no measurable disease ("No measurable disease", a bone-only
#: trial's rule)
_PLAIN_NO_MEASURABLE = re.compile(
    r"^\W*(?:patients? (?:must )?(?:have )?)?(?:no|without) measurable"
)
#: an exclusion of patients with measurable disease, said plainly
_PLAIN_MEASURABLE_EXCLUDED = re.compile(
    r"^\W*(?:patients? with |presence of |has |have )?(?:any )?measurable\b(?![^.;]{0,30}\b(?:is|are) (?:not|required|defined))"
)
_OR_BONE = re.compile(
    r"measurable (?:lesions?|disease|tumou?rs?)\s+(?:or|and/or)\s+(?:(?:only|evaluable|non[- ]?measurable|lytic|blastic|mixed)\s+)*(?:bone|osseous|skeletal)\s+(?:lesions?|metasta\w*|disease)"
    # "Measurable disease or non-measurable bone only disease as defined by RECIST 1.1",
    # "Measurable disease evaluable per RECIST v.1.1 or non-measurable bone-only disease",
    # "with measurable ... lesions, or patients with bone metastasis only"
    r"|measurab\w*(?:[^.;]|\.(?=\d)){0,90}?\bor\s+(?:patients\s+with\s+|those\s+with\s+)?(?:(?:only|evaluable|non[- ]?measurable)\s+)*"
    r"(?:bone[- ]only|(?:bone|osseous|skeletal)\s+(?:metasta\w*|lesions?|disease)\s+only)"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    m = next(
        (x for x in _MENTION.finditer(norm) if not _NOT_DISEASE_AFTER.match(norm, x.end())), None
    )
    if not m:
        return []
    # "Progression of disease by RECIST 1.1": RECIST as the yardstick of progression or
    # response, with no word about measurable lesions, is not a measurability rule
    if not re.search(r"measurab|evaluable|target lesion|assessable|one site", norm):
        rest = re.sub(r"response evaluation criteria", " ", norm)
        if re.search(r"progress\w*|\brespon\w*|stable disease", rest):
            return []
    bone_only = None
    requirement = "measurable"
    if re.search(
        r"measurable or (?:non[- ]?measurable|evaluable)|evaluable or measurable|measurable and/or (?:non[- ]?measurable|evaluable)|measurable or non[- ]?measurable|either measurable",
        norm,
    ):
        requirement = "measurable_or_evaluable"
    if re.search(
        r"bone[- ]only|bone (?:metasta\w* )?as (?:the|their) only|only site of disease|(?:lytic|blastic)[^.;]{0,40}(?:only|sole) site",
        norm,
    ):
        if re.search(
            r"require\w* a measurable|must have (?:a )?measurable|with a measurable|needs? a measurable|not (?:be )?(?:eligible|allowed|permitted)|excluded|(?:are|is|be) ineligible",
            norm,
        ):
            bone_only = "requires_measurable_component"
        elif re.search(
            r"eligible|allowed|permitted|acceptable|may (?:be|enrol|participate)", norm
        ) or _OR_BONE.search(norm):
            bone_only = "allowed"
            requirement = (
                "bone_only_allowed"
                if requirement == "measurable"
                and not re.search(r"measurable disease (?:is )?required", norm)
                else requirement
            )
    elif _OR_BONE.search(norm) or _BONE_IN_ABSENCE.search(norm):
        # "a measurable lesion or bone lesions": bone disease is the alternative to a
        # measurable lesion
        bone_only = "allowed"
        requirement = "bone_only_allowed"
    elif re.search(r"non[- ]?measurable[^.;]{0,60}(?:eligible|allowed|permitted|acceptable)", norm):
        requirement = "measurable_or_evaluable"
    if (
        re.search(r"^\W*(?:patients with\s+)?(?:non[- ]?measurable|evaluable)", norm)
        and requirement == "measurable"
    ):
        requirement = "non_measurable"
    if requirement == "measurable" and _NOT_REQUIRED.search(norm):
        requirement = "measurable_or_evaluable"  # "Measurable disease preferred but not required"
    params: dict[str, object] = {"requirement": requirement}
    if c := _CRITERIA.search(norm):
        params["criteria"] = re.sub(r"\s+", " ", c.group(0))
    if bone_only:
        params["bone_only"] = bone_only
    start, end = m.start(), m.end()
    if (alt := _BONE_IN_ABSENCE.search(norm)) and alt.start() < start:
        # the rule is read where the bone alternative is named, not at the "absence of
        # measurable disease" after it (which would turn the rule into an exclusion)
        start, end = alt.start(), alt.start() + len(alt.group(0).split()[0])
    found = make(item, FAMILY, start, end, params, confidence=0.85)
    if found.polarity == "exclude" and requirement in ("measurable", "measurable_or_evaluable"):
        # Excluding patients *with* measurable disease is a bone-only trial's rule, and it
        # says so plainly ("No measurable disease" as an inclusion, "Measurable disease" as
        # an exclusion). Everything else that came out as an exclusion names the patients
        # without it: "Patients with only non-measurable disease", "bone as the only site
        # of measurable disease" (exclusions), "at least one lesion that is not within a
        # previously radiated field that is measurable" (the negation belongs to the
        # field): a requirement of measurable disease.
        negative = _NEGATIVE_MEASURABLE.search(norm)
        if item.kind == "inclusion":
            plain = bool(_PLAIN_NO_MEASURABLE.search(norm))
        else:
            plain = bool(_PLAIN_MEASURABLE_EXCLUDED.search(norm)) and negative is None
        if not plain:
            found.polarity = "require"
            if negative is None or "other" in negative.group(0):
                # no explicit "non-measurable ..." wording, or a condition joined to another
                # ("inflammatory carcinoma with no other measurable disease"): a reading too
                # weak for a "not met"
                found.confidence = 0.6
    return [found]
