# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""The rule pipeline: segmentation, one component per constraint family, then small
resolution rules between families, then unparsed reasons. medspaCy-style: each
component is a plain function ``extract(ItemText) -> list[Constraint]``.
"""

from __future__ import annotations

import marshal
import re
import sys
from collections.abc import Callable
from types import ModuleType

from osteotrials.criteria import _build
from osteotrials.criteria import segment as _segment_module
from osteotrials.criteria import text as _text_module
from osteotrials.criteria.entry_gates import open_mask
from osteotrials.criteria.families import (
    _base,
    _therapy,
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
from osteotrials.criteria.incidental import drop_incidental
from osteotrials.criteria.segment import Segment, segment
from osteotrials.criteria.text import ItemText
from osteotrials.criteria.triggers import FAMILY_BITS, candidate_mask
from osteotrials.model.criteria import (
    RECURRENCE_ANCHOR,
    Constraint,
    CriterionItem,
    ItemRole,
    TimeWindow,
)
from osteotrials.vocab._regex import gate_module

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

#: (trigger bit, component) in the order of ``COMPONENTS``; a family without stems never runs
_COMPONENT_BITS: tuple[tuple[int, Component], ...] = tuple(
    (FAMILY_BITS.get(family, 0), component) for family, component in COMPONENTS
)

#: trigger mask -> the components it runs, in the order of ``COMPONENTS`` (few distinct masks)
_BY_MASK: dict[int, tuple[Component, ...]] = {}


def _components_for(mask: int) -> tuple[Component, ...]:
    found = _BY_MASK.get(mask)
    if found is None:
        found = _BY_MASK[mask] = tuple(c for bit, c in _COMPONENT_BITS if mask & bit)
    return found


#: families whose match makes a generic comorbidity match over the same words redundant
_SPECIFIC = {
    "cardiac",
    "infection",
    "cns",
    "other_malignancy",
    "toxicity",
    "hypersensitivity",
    "lab",
    "disease_sites",
    "menopause",
    "pregnancy",
}


def _overlaps(a: Constraint, b: Constraint) -> bool:
    return a.span[0] < b.span[1] and b.span[0] < a.span[1]


#: parameters that make a therapy mention a rule of its own (a count of lines, exceptions)
_THERAPY_RULE_PARAMS = frozenset(
    {"min_lines", "max_lines", "except_drugs", "except_classes", "progression"}
)
_RECOVERY = re.compile(r"resol\w*|recover\w*|unresolved|persist\w*|ongoing|residual")
_CAUSE_AFTER = re.compile(
    r"^[^.;]{0,60}\b(?:of|from|to|related to|due to|caused by|induced by|following|after|associated"
    r" with|attributed to)\b[^.;]{0,70}$"
)
_CAUSE_BEFORE = re.compile(
    r"^(?![^.;]*\band (?:any|all|the)\b)[^.;]{0,40}[- ](?:related|induced|associated)\b[^.;]{0,30}$"
)


#: a harm named before a therapy in one clause: an adverse event, a heart or nerve injury
_HARM = re.compile(
    r"\b(?:lvef|ejection fraction|heart failure|chf|cardiac (?:toxicit\w*|dysfunction|events?)|"
    r"cardiotoxic\w*|neuropath\w*|toxicit\w*|adverse (?:events?|reactions?)|osteonecrosis|"
    r"(?:allergic|hypersensitivity|infusion) reactions?|intoleran\w*|"
    # "Grade 3 irAEs with prior immunotherapy", "could not tolerate the prescribed dose of
    # ribociclib": read as rules on the therapy, they failed every patient who had it
    r"ir-?aes?|immune[- ]related (?:adverse events?|toxicit\w*)|(?:not|unable to) tolerate)\b"
)
#: the therapy the harm came with: "with previous trastuzumab treatment", "during or after
#: prior trastuzumab", "following induction chemotherapy", "not associated with chemotherapy"
_HARM_CAUSE_BEFORE = re.compile(
    r"\b(?:during|after|following|with|on|(?:while|when) (?:on|receiving|taking|treated with)|due to|secondary to|"
    r"associated with|related to|attributed to|caused by|induced by|from|to|"
    r"(?:permanent\s+)?discontinuation of|(?:the\s+)?(?:prescribed\s+)?dose of)\s+(?:or after\s+)?"
    r"(?:(?:the|a|an|any|prior|previous|previously|earlier|1st|first|second|2nd|line|"
    r"[\w()]+-line|induction|adjuvant|neo-?adjuvant|treatment with|therapy with)\s+){0,4}$"
)


#: confidence of a therapy rule read from the harm it came with (below the matcher's
#: ``min_confidence_for_not_met``, 0.75)
_HARM_CONFIDENCE = 0.5


def _harm_of(item: ItemText, c: Constraint) -> bool:
    """Whether prior-therapy constraint ``c`` names the therapy a harm named before it in
    its clause came with (and states no rule of its own: no window, lines or exceptions)."""
    if c.family != "prior_therapy" or c.time_window is not None:
        return False
    if _THERAPY_RULE_PARAMS & c.params.keys() or not _HARM.search(item.norm):
        return False
    start = c.span[0] - item.start
    left, _right = item.clause_bounds(start)
    before = item.norm[left:start]
    return bool(_HARM.search(before) and _HARM_CAUSE_BEFORE.search(before))


#: the treatment of another trial: "another clinical trial using an investigational
#: anti-cancer treatment, including hormonal therapy, ..." (to the end of the clause)
_OTHER_TRIAL_AGENTS = re.compile(
    r"\banother (?:clinical )?(?:trial|study) (?:using|with|involving|testing)\b[^.;]*"
)
#: families of therapy rules (a drug, a class, a course)
_THERAPY_FAMILIES = frozenset({"prior_therapy", "bone_agent", "medication", "radiotherapy"})


def _causes(item: ItemText, toxicity: Constraint, c: Constraint) -> bool:
    """Whether therapy mention ``c`` is named as the cause of ``toxicity`` in one sentence:
    "toxicity of prior chemotherapy", "chemotherapy- or radiation-related toxicities"."""
    if c.span[0] >= toxicity.span[0]:
        between = item.norm[toxicity.span[0] - item.start : c.span[0] - item.start]
        return bool(_CAUSE_AFTER.search(between))
    between = item.norm[c.span[0] - item.start : toxicity.span[1] - item.start]
    return bool(_CAUSE_BEFORE.search(between))


_DRUG_INDICATION_BEFORE = re.compile(
    r"\b(?:for|of|against|prevent\w*|prophyla\w*|treat\w*|manag\w*|to reduce)\s+"
    r"(?:the\s+)?(?:(?:prevention|treatment|prophylaxis|management)\s+of\s+)?(?:\w+\s+)?$"
)
_THERAPY_FOR_BEFORE = re.compile(
    r"\b(?:therapy|therapies|treatments?|chemotherapy|regimens?|agents?|lines?)\s+(?:\w+\s+){0,2}?"
    r"(?:for|in)\s+(?:the\s+)?(?:[\w/+-]+,?\s+){0,14}$"
)
_EXCEPTION_BEFORE = re.compile(
    r"\b(?:except(?:ion)?s?|other than|excluding|apart from|with the exception of)\b[^.;]*$"
)
_COAGULATION = frozenset({"inr", "pt", "ptt", "aptt"})
#: words that make the drug an exemption from the limit or the subgroup it applies to
_EXEMPTION_CUE = re.compile(
    r"\bunless\b|\bexcept|\bif\b|\b(?:patients|subjects|participants|those|who are|who)\s+"
    r"(?:not\s+)?(?:on|receiving|taking|treated with|requiring|using)\b|\bnot (?:on|receiving|"
    r"taking)\b|\bexclud\w*|\bother than\b"
)
_STABLE_DOSE = re.compile(r"\bstable\b[^.;]{0,40}\b(?:dose|regimen)|\bon a stable\b")


def _text_before(item: ItemText, c: Constraint, width: int) -> str:
    """The ``width`` characters of the item's normalised text before constraint ``c``."""
    start = c.span[0] - item.start
    return item.norm[max(0, start - width) : start]


#: families whose matcher reads an "at least / more than N days" window as a washout: the
#: last exposure ended N days ago or more
_WASHOUT_FAMILIES = frozenset({"prior_therapy", "bone_agent", "radiotherapy", "surgery"})
#: ... of which these have no ``min_duration_days`` (a course or an operation is not timed)
_UNTIMED_FAMILIES = frozenset({"radiotherapy", "surgery"})
#: the window measures how long a therapy was given ("bisphosphonates for more than 3
#: months", "for a duration of at least 24 months", "trastuzumab-containing regimen (at
#: least 6 weeks)", "more than 4 weeks of tamoxifen"), not how long ago it ended
_DURATION_BEFORE = re.compile(
    r"(?:\bfor(?: a duration of)?|\blasting|\bduration of|(?:regimen|therapy|treatment) \()\s*$"
)
_DURATION_AFTER = re.compile(r"^\s*(?:\)?\s*(?:in )?duration\b|of (?!age\b)[a-z])")
#: ... unless the sentence says the therapy was stopped or absent for that long ("off such
#: therapy for >= 2 weeks", "must be discontinued for at least 3 weeks", "no chemotherapy
#: for > 3 weeks"): a washout
_ABSENT = re.compile(
    r"\b(?:off|discontinu\w*|stop(?:ped|s)?|withdrawn|ceased|washout|wash-out|elapsed|"
    r"interval|since|free)\b"
)
_NEGATED_NEAR = re.compile(r"\b(?:no|not|without|never)\b")
#: the window is the length of something else: an age, amenorrhoea, a response, a
#: disease-free interval ("relapse >6 months after completion of adjuvant therapy",
#: "completed > 6 months before the diagnosis of metastatic disease")
_OTHER_SUBJECT = re.compile(
    r"\b(?:age[ds]?|response|remission|disease[- ]free|free (?:from|of) (?:disease|recurrence)|"
    r"amenorrh\w*|menses|menstrua\w*|stable disease|progression[- ]free)\b"
)
_EVENT_BEFORE = re.compile(r"\b(?:recurrence|relapsed?|recurred|documented)\b[^,;]{0,20}$")
_AFTER_AN_END = re.compile(r"\s*(?:after|from|since|following)\b")
_EVENT_AFTER = re.compile(
    r"^[^,;]{0,40}\b(?:recurrence|relapse|diagnosis of (?:metasta|advanced|recurren)\w*)\b"
    r"|^[^,;]{0,40}\b(?:remaining|left)\b"  # "at least 6 weeks of chemotherapy remaining"
)
#: "a minimum of 2 weeks between completion of radiotherapy and Cycle 1 Day 1" is a
#: washout; a time between two other events is not
_BETWEEN = re.compile(r"\bbetween\b")
_TO_STUDY_START = re.compile(
    r"\b(?:randomi[sz]\w*|registration|enrol\w*|study (?:entry|start|drug|treatment)|"
    r"first dose|cycle 1|day 1|c1d1|start of (?:study|protocol|treatment))\b"
)
#: a window in the future or a wish ("planning to be on such for at least 8 weeks",
#: "agrees that IV bisphosphonates will be withheld for the first 8 weeks", "Anticipation of
#: need for major surgical procedures ... for at least 3 months"), or the lower end of a
#: range ("must be >/= to 7 days and </= to 30 days before"), or a lateness ("Enrollment
#: after more than 120 days from ... mastectomy")
_NOT_A_WASHOUT_BEFORE = re.compile(
    r"\b(?:agree\w*|willing\w*|withh[eo]ld\w*|planning|plans?|planned|intend\w*|"
    r"anticipat\w*|will be|expected|tolerate)\b|\bafter\s*$"
)
_RANGE_AFTER = re.compile(
    r"^\s*(?:and|but|to|-)\s*(?:</=|<=|≤|<|no more than|not more than|less than|within|\d)"
)
#: "initiated at least 28 days prior to study enrollment": on it that long (a duration)
_STARTED_BEFORE = re.compile(r"\b(?:initiated|started|begun|began|commenced)\s*$")
#: a washout stated for an exception ("unless in adjuvant setting at least 12 months ago",
#: "Doxorubicin is allowed (>= 2 week washout period required)")
_WASHOUT_EXCEPTION_CUE = re.compile(
    r"\b(?:unless|except\w*|exception|allowed|permitted|eligible|provided)\b"
)
_SETTING_WORD = re.compile(r"\b(?:adjuvant|neoadjuvant|neo-adjuvant|early|curative|metasta\w*)\b")
#: confidence of a therapy rule whose window was dropped
_DROPPED_WINDOW_CONFIDENCE = 0.5


def _window_reading(c: Constraint, item: ItemText) -> str:
    """What an "at least / more than N" window of a therapy rule measures: "washout",
    "duration" (how long the therapy was given), "other" (the length or date of something
    else) or "exception" (the washout of an exception the rule does not separate)."""
    tw = c.time_window
    assert tw is not None
    # the window was read in the clause of the rule's words: look for it there first (the
    # same words may stand earlier, in another clause)
    left, _right = item.clause_bounds(c.span[0] - item.start)
    at = item.text.find(tw.text, left) if tw.text else -1
    if at < 0 and tw.text:
        at = item.text.find(tw.text)
    if at < 0:
        return "washout"
    norm = item.norm
    sentence = max(norm.rfind(".", 0, at), norm.rfind(";", 0, at)) + 1
    end = len(norm)
    for stop in (".", ";"):
        k = norm.find(stop, at + len(tw.text))
        if k >= 0:
            end = min(end, k)
    before = norm[sentence:at]
    after = norm[at + len(tw.text) : end]
    if (
        _OTHER_SUBJECT.search(before[-60:])
        or _OTHER_SUBJECT.search(after[:60])
        or (_EVENT_BEFORE.search(before) and _AFTER_AN_END.match(after))
        or _EVENT_AFTER.search(after)
        or (_BETWEEN.search(before + after) and not _TO_STUDY_START.search(after))
        or _NOT_A_WASHOUT_BEFORE.search(before)
        or _RANGE_AFTER.match(after)
    ):
        return "other"
    reading = "washout"
    if _STARTED_BEFORE.search(before) or (
        (_DURATION_BEFORE.search(before[-40:]) or _DURATION_AFTER.search(after[:20]))
        and not (_ABSENT.search(before) or _NEGATED_NEAR.search(before[-60:]))
        # "chemotherapy (  6 weeks since therapy if a nitrosourea ...)": a time since
        and not tw.text.lower().endswith("since")
    ):
        reading = "duration"
    if c.polarity == "exclude":
        start = c.span[0] - item.start
        if start < at:
            # the cue may stand just before the words the rule was read from ("(unless in
            # adjuvant setting at least 12 months ago)")
            between = norm[max(0, start - 40) : at]
            cue = _WASHOUT_EXCEPTION_CUE.search(between)
            if cue and reading == "duration":
                # "... are allowed, but patient must have been on a constant dose for at
                # least 28 days": the length is a condition of what the rule allows
                return "exception"
            if reading == "washout" and (
                re.search(r"[.;]\s", between)
                or (
                    cue
                    and (c.params.get("setting") or _SETTING_WORD.search(between[cue.start() :]))
                )
            ):
                return "exception"
    return reading


def _exposure_windows(found: list[Constraint], item: ItemText) -> None:
    """Read "at least / more than N" windows of therapy rules for what they measure.

    - A length of treatment becomes ``min_duration_days`` (the window is dropped; for
      radiotherapy and surgery, whose courses and operations the matcher does not time,
      the rule keeps a low confidence instead).
    - The length or date of something else (an age, amenorrhoea, a disease-free interval)
      is dropped, and the rule keeps a low confidence: what it asks of the therapy is not
      fully read.
    - A washout states the condition the trial wants, in whichever list it stands ("At
      least 7 days since prior tamoxifen" under exclusions; "More than 60 days since prior
      AND no concurrent tamoxifen", an exclusion for its "no"). Its rule is a requirement:
      as an exclusion it had barred every patient whose washout was complete, those never
      treated included.
    - The washout of an exception the rule does not separate from what it excludes
      ("Prior treatment with VEGF inhibitors (unless in adjuvant setting at least 12 months
      ago)") is dropped and the exclusion kept at low confidence: a patient never treated
      is clear, one treated is checked by hand.
    - When the rule names the metastatic setting and the exception early settings only
      ("No prior fluoropyrimidine in the metastatic setting. Adjuvant fluoropyrimidine is
      permitted if >6 months prior"), the rule is split (``_early_exception``): the
      metastatic part keeps its confidence, the early part becomes an exclusion "within"
      the interval, counted from the study's start or back from the metastatic diagnosis
      (``_interval_anchor``), or stays at low confidence when the interval is not placed.
    """
    early_parts: list[Constraint] = []
    for c in found:
        tw = c.time_window
        if (
            tw is None
            or c.family not in _WASHOUT_FAMILIES
            or tw.relation not in ("at_least", "more_than")
        ):
            continue
        reading = _window_reading(c, item)
        if reading == "washout":
            if c.polarity == "exclude":
                c.polarity = "require"
            continue
        c.time_window = None
        if reading == "duration" and c.family not in _UNTIMED_FAMILIES:
            c.params["min_duration_days"] = tw.days
        elif reading in ("exception", "other") and (early := _early_exception(c, item, tw)):
            # "No prior fluoropyrimidine in the metastatic setting. Adjuvant fluoropyrimidine
            # is permitted if >6 months prior": the metastatic part is a clear exclusion;
            # the early part keeps the interval when it can be placed, else is checked by
            # hand
            part = c.model_copy(deep=True)
            part.params["setting"] = early
            anchor = _interval_anchor(item, tw)
            if anchor is None:
                part.confidence = min(c.confidence, _DROPPED_WINDOW_CONFIDENCE)
            else:
                # "permitted if >6 months prior to treatment on study": excluded when given
                # in the last 6 months; "if recurrence was >12 months after the last dose":
                # when given in the 12 months before the metastatic diagnosis
                part.time_window = _build.time_window(
                    "within",
                    tw.value,
                    tw.unit,
                    tw.days,
                    RECURRENCE_ANCHOR if anchor == "recurrence" else tw.anchor,
                    tw.text,
                )
                _span_through_interval(part, item, tw)
            c.params["setting"] = [s for s in c.params["setting"] if s not in _EARLY]
            early_parts.append(part)
        elif reading in ("exception", "other") and _early_interval_rule(c, item, tw):
            # "Prior adjuvant trastuzumab allowed if > 6 months elapsed before disease
            # recurrence": early-setting therapy given in the 6 months before the
            # metastatic diagnosis is excluded
            c.polarity = "exclude"
            c.time_window = _build.time_window(
                "within", tw.value, tw.unit, tw.days, RECURRENCE_ANCHOR, tw.text
            )
            _span_through_interval(c, item, tw)
        else:
            c.confidence = min(c.confidence, _DROPPED_WINDOW_CONFIDENCE)
    found.extend(early_parts)


#: the conditions under which an early-setting therapy rule with an interval to recurrence
#: states that interval as its whole rule: an allowance on a condition ("allowed if",
#: "provided that", "as long as"), an exclusion with an exception ("unless disease free
#: interval >12 months"), or a requirement of those so treated ("In case of adjuvant
#: treatment, ...", "Participants previously treated for early-stage breast cancer must")
_INTERVAL_ALLOWANCE = re.compile(
    r"\b(?:allowed|permitted|eligible|acceptable)\b[^.;]{0,40}?\b(?:if|provided|providing|as long as|only if)\b"
)
_INTERVAL_UNLESS = re.compile(r"\b(?:unless|except if|except when)\b")
_INTERVAL_SUBJECT = re.compile(
    r"^\W*(?:in (?:the )?case of|if|for (?:patients|participants|subjects) (?:who|previously|treated)|"
    r"(?:patients|participants|subjects|those) (?:who (?:have )?(?:received|had)|previously treated|treated))\b"
)
#: "... will be considered to have met the ... requirement": another way to meet a rule
_MEETS_ANOTHER_RULE = re.compile(r"\b(?:considered|deemed) to (?:have )?(?:met|fulfill|satisf)")


def _early_interval_rule(c: Constraint, item: ItemText, tw: TimeWindow) -> bool:
    """Whether a prior-therapy rule of early settings only, whose window is an interval to
    the recurrence ("allowed if > 6 months elapsed before disease recurrence", "unless
    disease free interval >12 months after end of treatment", "must have completed all prior
    therapy ... at least 6 months before the first disease recurrence"), is that interval:
    an exclusion of the therapy given within it before the metastatic diagnosis."""
    settings = [str(s) for s in c.params.get("setting", [])]
    if c.family != "prior_therapy" or not settings or any(s not in _EARLY for s in settings):
        return False
    if _THERAPY_RULE_PARAMS & c.params.keys() - {"except_drugs", "except_classes"}:
        return False  # a count of lines or a progression is a rule of its own
    if c.params.get("dose_limit"):
        return False  # a cumulative dose limit read with it: the interval is not its whole rule
    if _interval_anchor(item, tw) != "recurrence" or _MEETS_ANOTHER_RULE.search(item.norm):
        return False
    norm = item.norm
    if c.polarity == "allow":
        return bool(_INTERVAL_ALLOWANCE.search(norm))
    if c.polarity == "exclude":
        return bool(_INTERVAL_UNLESS.search(norm))
    return bool(_INTERVAL_SUBJECT.search(norm))


#: settings before metastatic disease, which a subset exception may permit
_EARLY = frozenset({"adjuvant", "neoadjuvant", "early"})
#: a later setting named in the exception ("recurrence", an event, is not one)
_LATE_WORD = re.compile(r"\b(?:metasta\w*|advanced|recurrent|relapsed|palliative)\b")
#: an interval counted back from the metastatic diagnosis (a recurrence, a relapse, a
#: treatment-free interval)
_FROM_RECURRENCE = re.compile(
    r"\b(?:recurren\w*|relaps\w*|free interval|disease[- ]free|diagnosis of (?:metasta|advanced|recurren)\w*)"
)
#: an interval counted back from the study's start ("prior to treatment on study")
_FROM_STUDY_START = re.compile(
    r"^\s*(?:prior to|before)\s+(?:the\s+)?(?:treatment on study|study (?:entry|treatment|start|drug)|"
    r"randomi[sz]ation|registration|enrol?l?ment|first dose|day 1|entry)\b"
)


def _interval_bounds(item: ItemText, tw: TimeWindow) -> tuple[int, int] | None:
    """The local bounds of the sentence (or parenthesis) of window ``tw`` in ``item``."""
    at = item.text.find(tw.text) if tw.text else -1
    if at < 0:
        return None
    norm = item.norm
    start = max(norm.rfind(".", 0, at), norm.rfind(";", 0, at), norm.rfind("(", 0, at)) + 1
    stops = [k for k in (norm.find(".", at), norm.find(";", at), norm.find(")", at)) if k >= 0]
    return start, min(stops) if stops else len(norm)


def _span_through_interval(c: Constraint, item: ItemText, tw: TimeWindow) -> None:
    """Widen ``c`` to the sentence of the interval it now reads ("allowed if > 6 months
    elapsed before disease recurrence"): its words are read, not left over."""
    bounds = _interval_bounds(item, tw)
    if bounds is None:
        return
    a = min(c.span[0] - item.start, bounds[0])
    b = max(c.span[1] - item.start, bounds[1])
    while a < b and item.text[a].isspace():
        a += 1
    c.span = item.span(a, b)
    c.text = item.text[a:b]


def _interval_anchor(item: ItemText, tw: TimeWindow) -> str | None:
    """What the interval of an early-setting exception counts from: "recurrence" ("as long
    as recurrence was first documented >12 months after the last exposure", "a ... treatment
    free interval of at least 12 months", "more than 12 months prior to first recurrence"),
    "study" ("permitted if >6 months prior to treatment on study"), or None (not read)."""
    bounds = _interval_bounds(item, tw)
    if bounds is None:
        return None
    start, end = bounds
    norm = item.norm
    if _FROM_RECURRENCE.search(norm, start, end):
        return "recurrence"
    at = item.text.find(tw.text)
    if _FROM_STUDY_START.match(norm[at + len(tw.text) : end]):
        return "study"
    return None


def _early_exception(c: Constraint, item: ItemText, tw: TimeWindow) -> list[str] | None:
    """The early settings of a prior-therapy exclusion that its exception permits after an
    interval ("Adjuvant fluoropyrimidine is permitted if >6 months prior", "... as part of
    adjuvant therapy are eligible, as long as recurrence was first documented >12 months
    after the last exposure": a washout or a disease-free interval), when the rule
    also names a later setting and the exception's sentence names early settings only
    (not "previous hormonal therapy is allowed for adjuvant, locally recurrent or
    metastatic breast cancer, but must have been discontinued at least 3 weeks prior");
    else None."""
    settings = [str(s) for s in c.params.get("setting", [])]
    early = [s for s in settings if s in _EARLY]
    if c.family != "prior_therapy" or c.polarity != "exclude" or not early:
        return None
    if len(early) == len(settings):
        return None
    at = item.text.find(tw.text) if tw.text else -1
    if at < 0:
        return None
    norm = item.norm
    # the exception's own sentence, or its parenthesis ("(prior CDK4/6 inhibitors permitted
    # in the adjuvant setting provided there was a ... free interval of at least 12 months)")
    sentence = max(norm.rfind(".", 0, at), norm.rfind(";", 0, at), norm.rfind("(", 0, at)) + 1
    before = norm[sentence:at]
    cue = _WASHOUT_EXCEPTION_CUE.search(before)
    if cue is None or not _SETTING_WORD.search(before) or _LATE_WORD.search(before):
        return None
    return early


def resolve(found: list[Constraint], item: ItemText) -> list[Constraint]:
    """Resolution rules between families (each documented in docs/criteria.md)."""
    _exposure_windows(found, item)
    if len(found) <= 1:
        # no rule below removes or changes a lone constraint, but for the harm rule: "Grade
        # 3 irAEs with prior immunotherapy" is about a harm of the therapy, which is all
        # that was read. Kept at low confidence: a patient who never had the therapy is
        # clear of the exclusion; for one who had it, a "not met" is checked by hand
        for c in found:
            if _harm_of(item, c):
                c.confidence = min(c.confidence, _HARM_CONFIDENCE)
        return list(found)
    fams = {c.family for c in found}
    out = list(found)
    if "hypersensitivity" in fams:  # drugs named as allergens are not therapy history
        out = [
            c
            for c in out
            if c.family not in ("prior_therapy", "medication", "bone_agent", "trial_participation")
        ]
    if "trial_participation" in fams and "another" in item.norm:
        # "Concurrent enrolment in another clinical trial using an investigational
        # anti-cancer treatment, including hormonal therapy, bisphosphonate therapy ...":
        # the agents describe the other trial, they are no therapy rules
        for m in _OTHER_TRIAL_AGENTS.finditer(item.norm):
            a, b = item.span(m.start(), m.end())
            out = [
                c
                for c in out
                if not (c.family in _THERAPY_FAMILIES and a <= c.span[0] and c.span[1] <= b)
            ]
    if "lab" in fams:  # "if liver metastases" inside lab rules is a condition, not a site rule
        out = [c for c in out if c.family != "disease_sites"]
        out = [
            c
            for c in out
            if not (
                c.family == "medication" and set(c.params.get("classes", [])) <= {"growth_factor"}
            )
        ]
    if "measurable_disease" in fams and any(
        c.family == "measurable_disease" and c.params.get("bone_only") == "allowed" for c in out
    ):
        # "a measurable lesion or bone lesions": bone disease is one of two alternatives, so
        # its site reading may not block a patient with measurable disease elsewhere
        for c in out:
            if c.family == "disease_sites" and c.params.get("site") == "bone":
                c.polarity = "allow"
    if "life_expectancy" in fams:
        # "life expectancy of at least 10 years, excluding their diagnosis of breast cancer":
        # the cancer is what the estimate leaves out, not an exclusion of it
        out = [c for c in out if not (c.family == "diagnosis" and c.polarity == "exclude")]
    if "prior_therapy" in fams and fams & {"receptor", "diagnosis"}:
        # "No prior chemotherapy ... for inoperable locally advanced or metastatic TNBC":
        # the subtype is the setting of the therapy rule (read with its negation it
        # excluded TNBC patients from a TNBC trial)
        out = [
            c
            for c in out
            if not (
                c.family in ("receptor", "diagnosis")
                and c.polarity == "exclude"
                and item.kind == "inclusion"
                and _THERAPY_FOR_BEFORE.search(_text_before(item, c, 140))
            )
        ]
    if "other_malignancy" in fams and "receptor" in fams:
        # "other malignancy within 5 years, except ... synchronous HER2-positive breast
        # cancer": the trial's own cancer named as an exception, no receptor rule (read as
        # one it excluded HER2-positive patients from a HER2-positive trial)
        out = [
            c
            for c in out
            if not (c.family == "receptor" and _EXCEPTION_BEFORE.search(_text_before(item, c, 200)))
        ]
    if fams & {"bone_agent", "prior_therapy"}:
        # "bisphosphonates for bone metastases", "prior strontium-89 for bone metastases":
        # the indication of the drug, no site rule
        out = [
            c
            for c in out
            if not (
                c.family == "disease_sites"
                and c.params.get("site") == "bone"
                and _DRUG_INDICATION_BEFORE.search(_text_before(item, c, 40))
            )
        ]
    if "cns" in fams:
        cns_spans = [c for c in out if c.family == "cns"]
        out = [
            c
            for c in out
            if not (
                c.family in ("radiotherapy", "surgery")
                and any(_sentence_shared(item, c, k) for k in cns_spans)
            )
        ]
    fams = {c.family for c in out}
    generic_prior = [
        c
        for c in out
        if c.family == "prior_therapy"
        and not c.params.get("drugs")
        and not c.params.get("classes")
        and not c.params.get("terms")
        # a rule with exceptions ("prior cancer therapy (except for endocrine therapy)")
        # is the item's own rule, not context of a toxicity or bone-agent rule
        and not c.params.get("except_drugs")
        and not c.params.get("except_classes")
    ]
    # "decrease in LVEF ... or symptomatic CHF with previous trastuzumab treatment",
    # "peripheral neuropathy > grade 2 following induction chemotherapy": the therapy is
    # where the harm came from; excluding every patient who had it (most HER2+ patients had
    # trastuzumab) reads the conjunction as two rules
    out = [c for c in out if not _harm_of(item, c)]
    recovery = [
        c for c in out if c.family == "toxicity" and c.params.get("aspect") == "unresolved_toxicity"
    ]
    if recovery and _RECOVERY.search(item.norm):
        # "resolution of toxicities of prior chemotherapy or radiotherapy to grade 1": the
        # treatments caused the toxicity, they are no rules of their own, unless a washout,
        # a count of lines or an exception is stated
        out = [
            c
            for c in out
            if not (
                c.family in ("prior_therapy", "radiotherapy", "surgery", "trial_participation")
                and c.time_window is None
                and not _THERAPY_RULE_PARAMS & c.params.keys()
                and "washout" not in c.params.get("aspect", ())
                and any(_causes(item, t, c) for t in recovery)
            )
        ]
        generic_prior = [c for c in generic_prior if c in out]
    if fams & {"toxicity", "cns", "bone_agent"} and generic_prior:
        out = [
            c for c in out if c not in generic_prior
        ]  # "AEs of prior therapy", "treated brain mets"
    if (
        fams & {"cns", "other_malignancy", "disease_sites", "receptor", "measurable_disease"}
        and "diagnosis" in fams
    ):
        out = [
            c
            for c in out
            if not (
                c.family == "diagnosis"
                and (
                    fams & {"cns", "other_malignancy"}
                    or not (
                        c.params.get("stage")
                        or c.params.get("confirmation")
                        or c.params.get("histology")
                    )
                )
            )
        ]
    tumour_list = [
        c for c in out if c.family == "diagnosis" and len(c.params.get("tumour_types", [])) >= 3
    ]
    if tumour_list:  # basket-trial tumour lists describe cohorts, not other rules
        out = [c for c in out if c.family in ("diagnosis", "biomarker")]
    if "cns" in fams:
        out = [
            c
            for c in out
            if not (
                c.family == "comorbidity"
                and set(c.params.get("condition", []))
                <= {"pain_symptom", "uncontrolled_illness", "general_condition", "neurologic"}
            )
        ]
    if "lab" in fams:
        out = [c for c in out if c.family != "comorbidity"]
        out = [c for c in out if not (c.family == "medication" and _in_parentheses(item, c))]
        if any(c.params.get("analyte") in _COAGULATION for c in out if c.family == "lab"):
            # "INR <= 1.5 x ULN unless on therapeutic anticoagulation": the drug exempts
            # patients from the limit; it is no rule on the drug ("on a stable dose" is)
            out = [
                c
                for c in out
                if not (
                    c.family == "medication"
                    and set(c.params.get("classes", [])) <= {"anticoagulant"}
                    and _EXEMPTION_CUE.search(_text_before(item, c, 60))
                    and not _STABLE_DOSE.search(item.norm)
                )
            ]
    if "infection" in fams:
        out = [
            c
            for c in out
            if not (
                c.family == "medication"
                and set(c.params.get("classes", []))
                <= {"antibiotic", "antifungal", "antiretroviral"}
            )
        ]
    if any(
        c.family == "administrative" and "contraception" in c.params.get("aspect", []) for c in out
    ):
        out = [
            c
            for c in out
            if not (
                c.family == "medication"
                and set(c.params.get("classes", [])) <= {"hormone_replacement"}
                # the contraceptive of a contraception rule; "sex hormonal therapy (e.g.,
                # birth control pills, ...)" is a drug rule
                and "contracep" in item.norm[c.span[0] - item.start : c.span[1] - item.start + 20]
            )
        ]
    if "cardiac" in fams:
        out = [
            c
            for c in out
            if not (
                c.family == "comorbidity"
                and re.search(r"cardi|heart", c.text.lower())
                and set(c.params.get("condition", []))
                <= {"uncontrolled_illness", "general_condition"}
            )
        ]
    if "comorbidity" in fams:
        out = [
            c
            for c in out
            if not (
                c.family == "medication"
                and c.params.get("classes") == ["corticosteroid"]
                and re.search(
                    r"requir\w*\s+(?:\w+\s+){0,3}$",
                    _text_before(item, c, 40),
                )
            )
        ]
    if "medication" in fams:
        out = [
            c
            for c in out
            if not (c.family == "administrative" and c.params.get("aspect") == ["compliance"])
        ]
    if "pregnancy" in fams or any(
        c.family == "administrative" and "contraception" in c.params.get("aspect", []) for c in out
    ):  # "postmenopausal" inside a childbearing-potential definition is not a menopause rule
        out = [c for c in out if not (c.family == "menopause" and c.confidence < 0.7)]
    specific = [c for c in out if c.family in _SPECIFIC]
    out = [
        c for c in out if not (c.family == "comorbidity" and any(_overlaps(c, s) for s in specific))
    ]
    others = {c.family for c in out} - {"administrative"}
    if others:
        kept: list[Constraint] = []
        for c in out:
            if c.family == "administrative":
                # "in the opinion of the investigator" qualifies the clinical rule beside it
                aspects = [
                    a
                    for a in c.params.get("aspect", [])
                    if a not in ("procedures", "eligibility_meta", "investigator_judgement")
                ]
                if "comorbidity" in others:
                    aspects = [a for a in aspects if a != "compliance"]
                if not aspects:
                    continue
                c = c.model_copy(update={"params": {**c.params, "aspect": aspects}})
            kept.append(c)
        out = kept
    # mentions inside time anchors, example lists and purpose clauses add no family of
    # their own beside the item's head condition (criteria/incidental.py)
    return drop_incidental(out, item)


def _in_parentheses(item: ItemText, c: Constraint) -> bool:
    pos = c.span[0] - item.start
    return item.norm.rfind("(", 0, pos) > item.norm.rfind(")", 0, pos)


def _sentence_shared(item: ItemText, a: Constraint, b: Constraint) -> bool:
    pos = a.span[0] - item.start
    left, right = item.clause_bounds(pos)
    return left <= b.span[0] - item.start < right


#: section labels (NCI style "Hepatic:", "Age:") -> family, for items that only say
#: "Not specified" / "Any" under them
LABEL_FAMILIES: dict[str, str] = {
    "age": "age",
    "sex": "sex",
    "gender": "sex",
    "menopausal status": "menopause",
    "performance status": "performance_status",
    "life expectancy": "life_expectancy",
    "hematopoietic": "lab",
    "haematopoietic": "lab",
    "hematologic": "lab",
    "hematological": "lab",
    "hepatic": "lab",
    "renal": "lab",
    "liver": "lab",
    "kidney": "lab",
    "cardiovascular": "cardiac",
    "cardiac": "cardiac",
    "pulmonary": "comorbidity",
    "hormone receptor status": "receptor",
    "chemotherapy": "prior_therapy",
    "endocrine therapy": "prior_therapy",
    "hormonal therapy": "prior_therapy",
    "biologic therapy": "prior_therapy",
    "radiotherapy": "radiotherapy",
    "surgery": "surgery",
}
_NOT_SPECIFIED_WORDS = (
    r"(?:not specified|none|no restrictions?|any|no limit|unrestricted|no requirement|not required"
    r"|no specified|unspecified)"
)
_NOT_SPECIFIED = re.compile(rf"^\W*{_NOT_SPECIFIED_WORDS}\W*$")

#: a whole line that says there is no condition: "Not specified", "Any" under a PDQ label,
#: "Age: Not specified", "Hormone receptor status not specified". Read as no-restriction
#: constraints, such a line was typed as a rule it is not (the annotation conventions write
#: it `[]`); it is now a ``no_condition`` item, which takes no part in a verdict.
_STATES_NO_CONDITION = re.compile(
    rf"^\W*(?:[a-z][a-z /-]{{0,40}}?(?:\s*:\s*|\s+status\s+))?{_NOT_SPECIFIED_WORDS}\W*$"
)


#: a line of a washout list: "Cytotoxic treatment: 21 days", "Non-cytotoxic drugs: 21 days
#: or 5 half-lives (whichever is shorter)" ...
_LABEL_PERIOD = re.compile(
    r"^\W*[^:]{2,80}:\s*(?:at least\s+|≥\s*|>=\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>days?|weeks?|months?)\b"
)
#: ... under a head that gives the lengths as washouts: "Any other anticancer treatment
#: within the following time periods prior to the first dose of study intervention:"
_WASHOUT_HEAD = re.compile(
    r"\bwithin the following\b|\bwash-?out\b|\btime periods?\b|\bthe following (?:intervals|periods)\b"
)


def _window_from_parent(item: ItemText, constraints: list[Constraint]) -> list[Constraint]:
    """A washout line's length, read with its head: "within" that long before the study
    (read alone, "Cytotoxic treatment: 21 days" excluded any chemotherapy ever)."""
    m = _LABEL_PERIOD.match(item.norm)
    if m is None or not _WASHOUT_HEAD.search(item.context.lower()):
        return constraints
    length = _text_module.length_of(m)
    if length is None:
        return constraints
    value, unit, days = length
    window = _build.time_window(
        "within", value, unit, days, None, item.text[m.start("n") : m.end("u")]
    )
    for c in constraints:
        if c.family in _THERAPY_FAMILIES and c.time_window is None and c.polarity == "exclude":
            c.time_window = window
    return constraints


#: a head whose items define a word: "Any of the following qualifies brain metastases as
#: active:", "One of the following defines ...", "Each of the following is considered ..."
_DEFINITION_HEAD = re.compile(
    r"^\W*(?:any|one|each|all|either)\s+(?:one\s+)?of\s+the\s+following\s+(?:\w+\s+){0,2}?(?:qualif(?:y|ies)|defines?|(?:is|are)\s+(?:considered|defined))\b"
)
#: the same written inline: "Chemotherapy: Not specified" (read as a therapy rule it required
#: chemotherapy of every patient)
_INLINE_NOT_SPECIFIED = re.compile(
    rf"^\W*(?P<label>[a-z][a-z /-]{{1,40}}?)\s*:\s*(?P<words>{_NOT_SPECIFIED_WORDS})\W*$"
)


def _label_default(seg: Segment, item: ItemText) -> list[Constraint]:
    label = (seg.label or "").strip().lower()
    family = LABEL_FAMILIES.get(label)
    if family is None or not _NOT_SPECIFIED.match(item.norm):
        return []
    return _no_restriction(item, family)


def _no_restriction(item: ItemText, family: str) -> list[Constraint]:
    from osteotrials.criteria.families._base import make

    return [
        make(
            item,
            family,
            0,
            len(item.text),
            {"no_restriction": True},
            confidence=0.8,
            polarity="allow",
        )
    ]


_XREF = re.compile(r"^\W*see\s+(?:\w+\s+){0,3}(?:characteristics|criteria|above|below|section)\b")
_INCOMPLETE = re.compile(
    r"protocol[- ]defined|other (?:\w+\s+){0,3}criteria (?:may|will|might) apply|criteria (?:as )?(?:defined|specified|listed) in the (?:study )?protocol"
)
_FRAGMENT_END = re.compile(
    r"(?:\b(?:or|and|and/or|with|of|the|to|by|for|including)|[,(/-])\s*$", re.IGNORECASE
)


def unparsed_reason(seg: Segment) -> str:
    text = seg.text.strip()
    words = re.findall(r"[A-Za-z]+", text)
    if _INCOMPLETE.search(text.lower()):
        return "refers to criteria not listed in the record (the list is incomplete)"
    if _XREF.match(text.lower()):
        return "cross-reference to another section"
    if re.fullmatch(r"\W*(?:or|and|and/or)\W*", text.lower()):
        return "connector between neighbouring items (or/and)"
    if len(words) <= 2:
        return "fragment: too short to carry a criterion on its own"
    if _FRAGMENT_END.search(text) or text[:1].islower():
        return "fragment: continues or is continued by another line"
    if seg.cohort and len(words) <= 12:
        return "cohort or tumour-type description"
    return "no rule matched"


#: item memo: text, kind and context of an item already compiled (and whether the
#: triggers chose its components) -> its constraints as ``marshal`` bytes of
#: ``_build.freeze`` tuples (spans relative to the item). The constraints are a pure
#: function of the key (offsets aside), and the snapshot repeats ~9 % of its items
#: exactly ("Pregnant or breastfeeding", standard lab rules). Every hit builds fresh
#: objects at its own offsets, so nothing is shared between items. One string key and
#: one bytes value an entry: the garbage collector does not track them (a memo of
#: model objects was slower than none: its ~400,000 objects made full collections run).
#: Keys are remembered on first sight (value ``_SEEN_ONCE``) and the constraints frozen
#: on the second: an item seen once is not frozen at all.
_ITEM_MEMO: dict[str, bytes] = {}
#: the value of a key seen once (``marshal`` bytes are never empty)
_SEEN_ONCE = b""
#: entries kept before the memo starts afresh (bounds memory on a long ingest)
ITEM_MEMO_SIZE = 50_000


def clear_item_memo() -> None:
    """Forget every memoised item (benchmarks time passes from an empty memo)."""
    _ITEM_MEMO.clear()


def item_memo_size() -> int:
    return len(_ITEM_MEMO)


def _item_constraints(
    seg: Segment, item: ItemText, use_triggers: bool, use_memo: bool
) -> list[Constraint]:
    key = f"{seg.kind}\x00{int(use_triggers)}\x00{item.context}\x00{seg.text}"
    hit = _ITEM_MEMO.get(key) if use_memo else None
    if hit:
        return [_build.thaw(frozen, seg.start) for frozen in marshal.loads(hit)]
    found: list[Constraint] = []
    if use_triggers:
        # stems of the item's tokens, narrowed by the families' entry-pattern gates
        mask = candidate_mask(item.norm, item.context) & open_mask(item.norm)
        for component in _components_for(mask):
            found.extend(component(item))
    else:
        for _family, component in COMPONENTS:
            found.extend(component(item))
    constraints = resolve(found, item) if found else []
    if use_memo and hit is None:
        # first sight: only the key is kept (most items occur once; freezing them all
        # cost more than the hits saved)
        if len(_ITEM_MEMO) >= ITEM_MEMO_SIZE:
            _ITEM_MEMO.clear()
        _ITEM_MEMO[key] = _SEEN_ONCE
    elif use_memo:  # second sight: the constraints are kept for every later one
        frozen = [_build.freeze(c, seg.start) for c in constraints]
        if None not in frozen:  # else: not memoised, compiled each time
            if len(_ITEM_MEMO) >= ITEM_MEMO_SIZE:
                _ITEM_MEMO.clear()
            _ITEM_MEMO[key] = marshal.dumps(tuple(frozen))
    return constraints


def _compile_item(
    seg: Segment, context: str, use_triggers: bool, use_memo: bool = True
) -> tuple[list[Constraint], ItemRole, str | None]:
    item = ItemText(seg.text, seg.start, seg.kind, context)
    if ":" in item.norm and (inline := _INLINE_NOT_SPECIFIED.match(item.norm)):
        # "Chemotherapy: Not specified" (once read as a rule requiring chemotherapy),
        # "Age: Not specified" (once unparsed, so unknown for every patient). "None" only
        # after a known label: "Prior therapy: None" may mean none is allowed
        label = inline.group("label").strip()
        if label in LABEL_FAMILIES or inline.group("words") != "none":
            return [], "no_condition", f"states there is no condition on {label}"
    if seg.text.rstrip().endswith(":") and _DEFINITION_HEAD.match(item.norm):
        # "Any of the following qualifies brain metastases as active:": the lines below
        # define a word of another rule (read as a rule, active brain metastases were
        # required of every patient)
        return [], "header", "introduces the items below (a definition)"
    constraints = _item_constraints(seg, item, use_triggers, use_memo)
    if constraints and ":" in item.norm:
        constraints = _window_from_parent(item, constraints)
    role: ItemRole = seg.role
    reason: str | None = None
    if not constraints:
        constraints = _label_default(seg, item)
    if (
        constraints
        and all(c.params.get("no_restriction") for c in constraints)
        and _STATES_NO_CONDITION.match(item.norm)
    ):
        family = constraints[0].family
        return [], "no_condition", f"states there is no condition on {family.replace('_', ' ')}"
    if not constraints:
        if seg.text.rstrip().endswith(":"):
            role = "header"
            reason = "introduces the items below"
        else:
            reason = unparsed_reason(seg)
    return constraints, role, reason


#: a flat list's head naming the other cancers a trial allows: "Patients who had the
#: following cancers are eligible if ...:", "... malignancies at other sites, except:"
_OTHER_CANCER_HEAD = re.compile(r"malignan|cancers?\b|carcinomas?\b|neoplasms?\b|tumou?rs?\b")
_EXCEPTION_CUE = re.compile(r"except|exception|other than|excluding|eligible|allowed|permitted")
#: ... and says they are other cancers, not the ones a basket trial is for ("The following
#: tumour types are eligible:")
_OTHER_CANCER_CUE = re.compile(
    r"\b(?:other|another|second|prior|previous|history|had|non-breast|additional|concomitant)\b"
)


def _other_cancer_exceptions(items: list[CriterionItem]) -> None:
    """The items of a flat list under such a head ("Carcinoma in situ of the cervix",
    "Melanoma in situ") are the other cancers allowed, not diagnoses the trial requires
    or excludes (in an inclusion list, read as required cancers they failed every
    patient). Nested lists already reach ``other_malignancy`` through their parent."""
    for i, head in enumerate(items):
        text = head.text.rstrip().lower()
        if not (
            text.endswith(":")
            and _OTHER_CANCER_HEAD.search(text)
            and _EXCEPTION_CUE.search(text)
            and _OTHER_CANCER_CUE.search(text)
        ):
            continue
        for item in items[i + 1 : i + 9]:
            if item.parent is not None or item.role != "criterion" or item.kind != head.kind:
                break
            families = {c.family for c in item.constraints}
            if families == {"other_malignancy"}:
                continue
            if families != {"diagnosis"} or "breast" in item.text.lower():
                break
            item.constraints = [
                _build.constraint(
                    "other_malignancy",
                    "allow",
                    {"exceptions": [item.text]},
                    _build.logic(),
                    None,
                    (item.span[0], item.span[1]),
                    item.text,
                    other_malignancy.LISTED_EXCEPTION_CONFIDENCE,
                )
            ]


#: a head that introduces RECIST's list of non-measurable lesions ("The following are
#: considered non-measurable disease:", "Lesions that are considered non-measurable include
#: the following:")
_NON_MEASURABLE_HEAD = re.compile(
    r"(?:considered|regarded as|defined as)\s+(?:to be\s+)?non-?\s?measurable|"
    r"non-?\s?measurable (?:disease|lesions?)\b[^:]{0,40}\b(?:includes?|are|is|consists? of)\b|"
    r"not (?:be )?considered measurable|truly non-?\s?measurable"
)
#: ... whose items are short names of lesion kinds, not rules
_RULE_WORDS = re.compile(r"\b(?:must|should|patients?|participants?|subjects?|eligible|required)\b")
_NON_MEASURABLE_REASON = (
    "names a kind of lesion RECIST counts as non-measurable; no rule of its own"
)


def _non_measurable_definitions(items: list[CriterionItem]) -> None:
    """The items under such a head ("Bone lesions", "Leptomeningeal disease", "Ascites",
    "Pleural or pericardial effusions", "Inflammatory breast disease") define words of the
    measurable-disease rule. Read as rules they required leptomeningeal disease, ascites or
    inflammatory breast cancer of every patient. Children of the head, or the flat items
    after it (old PDQ text loses the indentation), up to the first that reads as a rule."""
    for i, head in enumerate(items):
        text = head.text.rstrip()
        if not (text.endswith(":") and _NON_MEASURABLE_HEAD.search(text.lower())):
            continue
        for item in items[i + 1 : i + 13]:
            # its children, or (a head at the top level) the flat items after it
            if item.parent != head.index and not (
                head.parent is None and item.parent is None and item.kind == head.kind
            ):
                break
            if (
                item.role not in ("criterion", "no_condition")
                or len(item.text) > 160
                or item.text.rstrip().endswith(":")
                # a parenthesis may point back to the rule ("Bone lesions (women with bone
                # lesions will be eligible as described above)")
                or _RULE_WORDS.search(re.sub(r"\([^()]*\)", " ", item.text.lower()))
            ):
                break
            item.constraints = []
            item.role = "no_condition"
            item.unparsed_reason = _NON_MEASURABLE_REASON


def compile_segments(
    text: str | None, *, use_triggers: bool = True, use_memo: bool = False
) -> list[CriterionItem]:
    """Compile every segment of ``text``, each item afresh unless ``use_memo`` (same
    results, see ``_ITEM_MEMO``; ``compile_criteria`` uses the memo)."""
    segs = segment(text)
    items: list[CriterionItem] = []
    for index, seg in enumerate(segs):
        constraints: list[Constraint] = []
        role = seg.role
        reason: str | None = None
        if role != "header":
            constraints, role, reason = _compile_item(
                seg, seg.context(segs), use_triggers, use_memo
            )
        else:
            reason = "section or label header"
        items.append(
            _build.criterion_item(
                index,
                seg.text,
                seg.kind,
                role,
                [*seg.section, *([seg.label] if seg.label and role != "header" else [])],
                seg.cohort,
                seg.parent,
                seg.depth,
                (seg.start, seg.end),
                constraints,
                reason if role == "header" or not constraints else None,
            )
        )
    _other_cancer_exceptions(items)
    _non_measurable_definitions(items)
    return items


#: the engine's modules whose module-level patterns run behind literal gates
#: (``vocab._regex.gate_module``: a pattern runs only when one of the literals every
#: match contains occurs in the text; same results, most searches skipped)
GATED_MODULES: tuple[ModuleType, ...] = (
    _text_module,
    _segment_module,
    _base,
    _therapy,
    *(sys.modules[c.__module__] for _f, c in COMPONENTS),
    sys.modules[__name__],
)
for _module in dict.fromkeys(GATED_MODULES):
    gate_module(_module, inline=True)
