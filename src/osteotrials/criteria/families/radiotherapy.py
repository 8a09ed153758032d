# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Radiotherapy: prior RT allowed/excluded, washout, non-irradiated lesion required,
planned RT, palliative RT, contraindications."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make, not_amenable_to
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "radiotherapy"
_MENTION = re.compile(
    r"\b(?:radiation(?: therapy| treatment)?|radiotherapy|radio-therapy|irradiat\w*|\brt\b|sbrt|sabr|stereotactic|wbrt|whole[- ]brain|radiosurgery|srs|brachytherapy|gamma knife|radiated|radiation field|radiation port|external beam)\b"
)
_NON_IRRADIATED = re.compile(
    r"non-?irradiated|not[\s-]+(?:have[\s-]+)?(?:been[\s-]+)?(?:previously[\s-]+)?(?:irradiated|radiated)|outside (?:of )?(?:the|a|any) (?:prior )?(?:radiation|radiotherapy|rt) (?:field|port)|not (?:in|within) (?:a|the) (?:previously )?(?:ir)?radiated|previously irradiated (?:area|lesion|field)s? (?:must not|cannot|can not|are not)|(?:ir)?radiated (?:area|lesion|site|field)(?:s|\(s\))?\W+(?:must not|cannot|are not|is not|should not) (?:be )?the only|only (?:qualifying |measurable |target |evaluable )?lesions?(?:\s*\(s\))? (?:has|have) been (?:previously )?(?:ir)?radiated"
)


_ABBREVIATION_GAP = re.compile(r"\s*\(\s*")
#: an irradiated lesion the rule lets count: "Radiologically measurable disease ... that can
#: include a lesion in an irradiated field that shows progression"
_MAY_INCLUDE_BEFORE = re.compile(
    r"\b(?:can|may) (?:include|be)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:in|within|from)\s+"
    r"(?:an?\s+|the\s+)?(?:previously\s+)?$"
)
_CAUSED_CONDITION_AFTER = re.compile(
    r"[\s-]*(?:induced\s+|related\s+)?(?:pneumonitis|dermatitis|fibrosis|recall|proctitis|enteritis|esophagitis|oesophagitis|cystitis|necrosis|mucositis)\b|\s+portal areas?\b"
)
_EFFECT_BEFORE = re.compile(
    r"\b(?:adverse (?:events?|effects?|reactions?)|toxicit(?:y|ies)|side effects?)\s+(?:from|of|due to|related to|caused by)\s+(?:the\s+|prior\s+|previous\s+)?$"
)


#: sites named by a radiotherapy rule that have no category of their own, next to the
#: radiation words: "radiation to the bladder or kidney", "pelvic radiation therapy",
#: "radiotherapy encompassing greater than 30% of marrow"
_UNREAD_SITE_WORDS = (
    r"(?:pelv|abdom|mediastin|axill|lymph node|nodal|kidney|renal|bladder|vagin|marrow|"
    r"head and neck|liver|hepat|primary (?:tumou?r|site)|area of interest|ipsilateral|"
    r"contralateral|spleen|o?esophag|heart|cardiac|skin|extremit|limb|bowel|rect|prostat|"
    r"ovar|uter|chest|"
    # the study's own target: "Prior radiation therapy to the current target site", "to the
    # area to be treated"; fields of their own: "mantle cell lymphoma field", "hemi- or
    # total-body radiation"
    r"target|area to be treated|same (?:area|site|lesion|region)|index lesion|intended|"
    r"mantle(?: cell lymphoma)? field|(?:total|hemi|half)[- ]?body)"
)
_RADIATION_WORDS = r"(?:radiation|radiotherapy|irradiation|radiated|rt)"
_UNREAD_SITE = re.compile(
    rf"\b{_RADIATION_WORDS}\s+(?:therapy\s+|treatment\s+)?(?:that\s+)?(?:to|of|on|encompassing|involving|in|includ\w*|cover\w*)\s+"
    rf"(?:the\s+|a\s+)?(?:[\w%>]+\s+){{0,6}}?{_UNREAD_SITE_WORDS}"
    rf"|\b{_UNREAD_SITE_WORDS}\w*(?:\s+(?:or|and)\s+\w+)?\s+(?:\w+\s+)?{_RADIATION_WORDS}\b"
    # "> 25% of the bone marrow", "more than 25 percent of the bone marrow"
    r"|(?:%|\bpercent\w*|\bmajor)[^.;]{0,30}?\bmarrow\b"
)
_AREA_AFTER = re.compile(r"(?:\s+treatment)?\s+(?:area|field|site)s?\b")
_IN_THE_BEFORE = re.compile(r"\b(?:in|within|on|into|to)\s+(?:(?:the|their|a)\s+)?$")


_TREATED_BY = re.compile(
    r"\btreated\s*\(?\s*(?:for example|e\.?\s?g\.?|such as),?\s*(?:by|with)?\s*(?:\w+\s+){0,2}$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    # "radiation castration", "ovarian irradiation": a way to menopause, not a radiotherapy rule
    mentions = [
        x
        for x in _MENTION.finditer(norm)
        if not re.match(
            r"[\s-]*(?:induced\s+)?(?:castration|menopause|ovarian ablation|amenorrh)",
            norm[x.end() :],
        )
        and not re.search(r"ovar(?:y|ies|ian)\s+$", norm[max(0, x.start() - 10) : x.start()])
        # "not amenable to curative surgery or radiotherapy": how advanced the disease is
        and not not_amenable_to(norm, x.start(), x.end())
        # "radiation pneumonitis", "adverse events from radiation", "wound of the
        # radiotherapy portal areas": a condition radiation caused or where it was given
        and not _CAUSED_CONDITION_AFTER.match(norm[x.end() :])
        and not _EFFECT_BEFORE.search(norm[max(0, x.start() - 40) : x.start()])
        # "dermatitis in the radiation treatment area": where, not a rule on radiotherapy
        and not (
            _AREA_AFTER.match(norm[x.end() :])
            and _IN_THE_BEFORE.search(norm[max(0, x.start() - 20) : x.start()])
        )
    ]
    if not mentions:
        return []
    m = mentions[0]
    if (
        re.search(
            r"(?:except|unless|other than|excluding)\W+(?:for\s+)?(?:\w+\W+){0,2}$",
            norm[max(0, m.start() - 30) : m.start()],
        )
        # (its abbreviation after it is no other mention: "other than palliative
        # radiotherapy (RT)")
        and not any(
            x.start() > m.start() and not _ABBREVIATION_GAP.fullmatch(norm, m.end(), x.start())
            for x in _MENTION.finditer(norm)
        )
    ):
        return []  # "(except palliative radiation)": an exception, not a radiotherapy rule
    if m.group(0) == "rt" and not re.search(r"\bprior|\bpalliative|\bweeks?|\bdays?", norm):
        return []
    if _TREATED_BY.search(norm[max(0, m.start() - 80) : m.start()]):
        # "painful bone metastases ... until these are successfully treated (for example by
        # external beam irradiation)": how the trial wants something treated, no rule
        # against having had it
        return []
    aspects: list[str] = []
    if _NON_IRRADIATED.search(norm):
        aspects.append("non_irradiated_lesion")
    if re.search(r"\b(?:prior|previous(?:ly)?|received|history of|had)\b", norm):
        aspects.append("prior")
    if re.search(
        r"\b(?:planned|plan for|scheduled|will receive|must receive|candidates? for|indicated|need for|require\w*)\b",
        norm,
    ):
        aspects.append("planned")
    if re.search(r"contraindicat", norm):
        aspects.append("contraindication")
    left, right = item.clause_bounds(m.start())
    tw = item.time_window(left, right)
    if tw is not None:
        aspects.append("washout")
    params: dict[str, object] = {"aspect": sorted(set(aspects)) or ["mentioned"]}
    if re.search(r"palliat", norm):
        params["palliative"] = True
    sites = [
        s
        for s, p in (
            # "radiotherapy to > 25% of bone marrow" is no bone site (marrow is not read)
            ("bone", r"\bbone(?! marrow)|skelet|osseous|spine|vertebra"),
            ("brain", r"(?<!non-)(?<!non )(?:brain|cranial|cns)"),
            ("breast", r"breast|chest wall"),
            ("lung", r"lung|thora"),
        )
        if re.search(p, norm)
    ]
    if not sites and "non_irradiated_lesion" not in aspects and _UNREAD_SITE.search(norm):
        # "Prior radiation to the bladder or kidney", "Prior or concurrent pelvic radiation",
        # "Previous radiotherapy encompassing greater than 30% of marrow": a site the
        # matcher has no category for; read as any radiotherapy, it failed every patient
        # with a course on file
        sites = ["other"]
    if sites:
        params["site"] = sites
    allowed = bool(_MAY_INCLUDE_BEFORE.search(norm, max(0, m.start() - 70), m.start()))
    last = list(_MENTION.finditer(norm))[-1]
    return [
        make(
            item,
            FAMILY,
            m.start(),
            max(last.end(), m.end()),
            params,
            confidence=0.8,
            time_window=tw,
            # "at least one lesion not within a previously radiated field", "irradiated
            # lesions must not be the only site": whatever the negations around it, the rule
            # asks for a non-irradiated lesion (what the matcher checks for this aspect)
            polarity="require"
            if "non_irradiated_lesion" in aspects
            else ("allow" if allowed else None),
        )
    ]
