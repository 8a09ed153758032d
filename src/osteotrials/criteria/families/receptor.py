# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Receptor status: ER/PR (with %, ER-low), hormone-receptor status, HER2 by IHC/ISH
(positive / low / ultralow / zero / negative / equivocal), triple-negative."""

from __future__ import annotations

import itertools
import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import NUM, OP_RE, ItemText, to_number, to_op
from osteotrials.model.criteria import Constraint

FAMILY = "receptor"
_POS = r"(?:\s*-\s*|\s+|\s*/\s*)?(?:positiv\w*|\+(?!\d)|overexpress\w*|over-expressi\w*|amplif\w*|enriched|expressing|rich)"
_NEG = r"(?:\s*-\s*|\s+|\s*/\s*)?(?:negativ\w*|-(?![\w])|−|non-?amplified|not (?:over)?expressed|non-?overexpressing|poor|deficient)"
_HER2 = r"(?:her[- ]?2(?:\s*/\s*neu)?(?:\s*\(her2\))?|human epidermal growth factor receptor[- ]2(?:\s*\(her2\))?|erbb[- ]?2|her-2/neu|neu)"
_ER = r"(?:er|estrogen[- ]receptors?|oestrogen[- ]receptors?|er\s*\(estrogen receptor\)|estrogen receptor\s*\(er\))"
_PR = r"(?:pr|pgr|progesterone[- ]receptors?|progesterone receptor\s*\(pr\))"
_HR = r"(?:hr|hormone[- ]receptors?|hormone(?=[- ](?:positiv|negativ))|hormone[- ]receptor\s*\(hr\)|hormone[- ]sensitive|endocrine[- ](?:sensitive|responsive)|er\s*(?:and|or|and/or|/)\s*(?:pr|pgr)\b|er\s*\+?\s*(?:and|or|and/or|/)\s*(?:pr|pgr)\s*\+?|estrogen (?:and|or|and/or) (?:/or )?progesterone receptors?|estrogen[- ] and/or progesterone[- ]receptors?|o?estrogen[- ]receptors?(?:\s*\(er\))?\s+(?:and|or|and/or)\s+progesterone[- ]receptors?(?:\s*\((?:pr|pgr)\))?|er\s+(?:and|or|and/or)\s+progesterone[- ]receptors?(?:\s*\((?:pr|pgr)\))?|o?estrogen[- ]receptors?(?:\s*\(er\))?\s*-\s+(?:and/or|and|or)\s+progesterone[- ]receptors?(?:\s*\((?:pr|pgr)\))?(?=\s*-\s*positiv)|er\s*-\s+(?:and/or|and|or)\s+(?:pr|pgr)\b(?=\s*-\s*positiv))"
_TNBC = re.compile(
    r"\btriple[- ]negative|\btnbc\b|\ber[-/ ]*,?\s*pr[-/ ]*,?\s*(?:and\s+)?her2[- ]?negative|\ber\s*-\s*/\s*pr\s*-\s*/\s*her2\s*-"
)
_THERAPY_OBJECT = re.compile(
    # ("... or as adjuvant therapy for early stage, HR positive breast cancer is not
    # considered cancer therapy": a list of settings with commas)
    r"\b(?:prior|previous|no|as)\s+(?:\w+\s+){0,6}?(?:therap\w*|treatments?|chemotherap\w*|regimens?)\s+(?:\w+\s+){0,2}?for\s+(?:(?:any|the|a|an|their|her|his)\s+)?(?:[\w/+]+,?[\s-]+){0,6}$"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []
for _name, _rx in (("her2", _HER2), ("hr", _HR), ("er", _ER), ("pr", _PR)):
    _PATTERNS.append(
        (
            _name,
            re.compile(
                rf"\b{_rx}(?:\s*[(\[][^()\[\]]{{0,70}}[)\]])?(?P<s>{_POS}|{_NEG}|[\s-]*(?:status\s*)?(?:low|ultra-?low|zero|0|1\+|2\+|3\+|equivocal|unknown|known))"
            ),
        )
    )
_IHC = re.compile(
    r"\b(?:ihc|immunohistochemistry)\s*(?:\(ihc\)\s*)?(?:score\s*(?:of\s*)?)?(?P<v>0\s*(?:-|to|or)\s*1\+|0|1\+|2\+|3\+)(?:\s*(?:or|and|/)\s*(?P<v2>1\+|2\+|3\+))?"
)
_ISH = re.compile(
    r"\b(?:fish|ish|sish|cish|in situ hybridi[sz]ation)\b[^.;]{0,40}?(?P<s>positiv\w*|negativ\w*|amplif\w*|non-?amplif\w*|ratio\s*(?:of\s*)?(?:≥|>=|>)\s*2)"
)


#: the in-situ hybridisation result that settles an IHC 2+ ("If IHC HER2 2+, a negative
#: FISH test is required", "HER2 2+ and FISH positive")
def _ish_result(result: str) -> re.Pattern[str]:
    """The result written before ("negative FISH") or after ("FISH test is negative")."""
    return re.compile(
        rf"(?:{result})\w*\s+(?:\w+\s+)?(?:fish|ish|sish|cish)\b"
        rf"|\b(?:fish|ish|sish|cish)\b(?:\s+(?:test|result))?\s*(?:is\s+|must be\s+)?(?:{result})"
    )


_ISH_NEGATIVE = _ish_result(r"negativ|non-?amplif")
_ISH_POSITIVE = _ish_result(r"positiv|amplif")
_EITHER_STATUS = re.compile(r"\s*(?:or|and/or|/)\s*(?:negativ|positiv)\w*\b(?!\s+(?:for|by)\b)")
_REGARDLESS_LIST = re.compile(
    r"\bregardless of\s+(?:[\w-]+\s+){1,4}(?:or|and|and/or|nor)\s+(?:the\s+|their\s+)?$"
)
_PERCENT = re.compile(
    rf"\b(?P<r>er|pr|estrogen receptor|progesterone receptor)\b[^.;]{{0,30}}?(?P<op>{OP_RE})\s*(?P<n>{NUM})\s*%"
)
_PRE_STATUS = re.compile(
    rf"(?P<s>positive|negative)\s+(?:for\s+)?(?P<r>{_HER2}|{_ER}|{_PR}|{_HR})(?:\s+receptor)?\s+(?:status|expression)"
)
_OVER = re.compile(rf"(?:overexpress\w*|over-express\w*|amplification) (?:of )?(?:the )?{_HER2}")
#: receptors named one by one before "have been determined"
_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("er", re.compile(r"\bo?estrogen receptors?\b|\ber\b")),
    ("pr", re.compile(r"\bprogesterone receptors?\b|\bpg?r\b")),
    ("her2", re.compile(r"\bher-?2\b")),
    ("hr", re.compile(r"\bhormone[- ]receptors?\b")),
)
_ANY = re.compile(
    r"(?:hormone receptor|her2|er|pr|pgr|receptor) status:? not specified|(?:expression|status) (?:has|have) been determined|regardless of (?:hormone[- ]receptor|her2|er|receptor)|any (?:hormone[- ]receptor|her2|er) status|positive or negative|known (?:her2|hormone[- ]receptor|er) status|(?:her2|er|hormone receptor) status (?:known|determined)"
)


def _status(word: str) -> str:
    raw = word.strip().lower()
    if raw in ("-", "−", "/-", "- ") or re.fullmatch(r"[\s/-]*[-−]", word):
        return "negative"
    # "Hormone receptor status known": the word after "status" is the status
    w = re.sub(r"^status\s*", "", word.strip(" -/").lower())
    if re.match(r"ultra", w):
        return "ultralow"
    if w.startswith("low"):
        return "low"
    if w in ("zero", "0"):
        return "zero"
    if w == "3+":
        return "positive"
    if w in ("1+",):
        return "low"
    if w == "2+" or w.startswith("equivocal"):
        return "equivocal"
    if w in ("unknown", "known"):
        return w
    if re.match(r"negativ|non-?amplif|non-?(?:over-?)?express|not|-|−|poor|deficient", w):
        return "negative"
    return "positive"


_SENTENCE_START_BEFORE = re.compile(r"(?:^|[.;:]\s+)$")
_SUBJECT_OF_RULE_AFTER = re.compile(
    r"\s*(?:(?:patients|participants|subjects|disease|tumou?rs|breast cancer)\s+)?(?:must|should|need to|are required to)\b"
)
_SUBGROUP_BEFORE = re.compile(
    r"(?:\bif|\bwhen|\bwhether|\bin case of|\bfor (?:those|patients|participants|subjects|women) "
    r"(?:with|who are)|\bin)\s+(?:(?:the|a|an|their|her|patients?|participants?|subjects?|"
    r"tumou?rs?|disease)\s+)?(?:(?:is|are|was|were|with|who are)\s+)?"
    # "if HER2 negative (triple negative)": a restatement in parentheses
    r"(?:(?:her2|her-2|er|pr|hr|hormone receptor)[\s-]*(?:positive|negative|\+|-)\s*\(\s*)?$"
)
_THERAPY_AFTER_HYPHEN = re.compile(
    r"\s*(?:tyrosine|kinase|tkis?\b|directed|targeted|targeting|therap|agents?\b|inhibitor|antibod|blockade|based|vaccine|adc\b)"
)
_CONVERTED_TO = re.compile(
    r"\b(?:converted|changed|switched|turned|became|conversion)\s+(?:in)?to\s+(?:(?:a|an|the)\s+)?$"
)


def _basket_list(norm: str) -> bool:
    """Lists of several tumour types (basket trials): receptor words there describe cohorts."""
    others = re.findall(
        r"lung|nsclc|gastric|colorectal|crc\b|pancrea|ovarian|melanoma|prostate|bladder|urothelial|head and neck|hnscc|esophag|hepatocellular|hcc\b|cervical|endometrial|lymphoma|sarcoma|biliary|renal cell|glioblastoma",
        norm,
    )
    return len(set(others)) >= 2


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if _basket_list(norm):
        return []
    out: list[Constraint] = []
    taken: list[tuple[int, int]] = []

    def add(a: int, b: int, params: dict[str, object], conf: float) -> None:
        if any(a < e and s < b for s, e in taken):
            return
        # "No prior chemotherapy ... for inoperable stage IV or metastatic TNBC": the
        # disease an excluded therapy was for is not excluded itself (a required therapy
        # "for HER2-positive disease" does say the patient's disease, so it stays)
        if (obj := _THERAPY_OBJECT.search(re.split(r"[.;:]\s", norm[max(0, a - 90) : a])[-1])) and (
            item.kind == "exclusion" or obj.group(0).startswith("no ")
        ):
            return
        # "originally diagnosed with HER2-positive breast cancer that converted to
        # HER2-negative MBC are not eligible": the status a tumour changed to is part of
        # the history the rule is about, not a status of its own (HER2-negative patients
        # had failed this HER2-negative trial)
        if _CONVERTED_TO.search(norm[max(0, a - 40) : a]):
            return
        # "failed ... and, if ER/PgR +ve, have failed on adjuvant hormonal therapy", "Age 50 or
        # older if HER2 negative", "(+trastuzumab in HER2-positive patients)": the status
        # names the subgroup a rule is for, not a rule on every patient (a "not met" from it
        # is checked by hand)
        if _SUBGROUP_BEFORE.search(norm[max(0, a - 45) : a]) or (
            # "HER2+ must have had prior treatment with trastuzumab": the status as the
            # subject of a sentence names whom its rule is for
            _SENTENCE_START_BEFORE.search(norm[max(0, a - 3) : a])
            and _SUBJECT_OF_RULE_AFTER.match(norm, b)
        ):
            conf = min(conf, 0.5)
        taken.append((a, b))
        out.append(make(item, FAMILY, a, b, params, confidence=conf))

    if m := _TNBC.search(norm):
        add(m.start(), m.end(), {"receptor": "tnbc", "status": "positive"}, 0.9)
    for m in _PERCENT.finditer(norm):
        r = "er" if m.group("r").startswith(("er", "estrogen")) else "pr"
        op = to_op(m.group("op"))
        n = to_number(m.group("n"))
        status = "positive" if op in (">=", ">") else "negative"
        if r == "er" and n is not None and op in (">=", ">") and n > 1:
            status = "positive"
        params: dict[str, object] = {
            "receptor": r,
            "status": status,
            "op": op,
            "value": n,
            "unit": "%",
        }
        if r == "er" and n is not None and 1 < n <= 10 and op in ("<", "<="):
            params["er_low"] = "excluded" if status == "negative" else None
        add(m.start(), m.end(), params, 0.9)
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(norm):
            word = m.group("s")
            if (
                name in ("er", "pr")
                and re.match(r"\s*-\s*$", word)
                and not re.search(r"\ber\s*-\s*(?:/|,|and|or|\s)", norm[m.start() : m.end() + 3])
            ):
                pass
            if (
                name == "pr"
                and m.group(0).startswith("pr")
                and not re.search(r"\b(?:er|estrogen|hormone|receptor)", norm)
            ):
                continue  # "PR" = partial response
            if (
                name == "er"
                and m.group(0).startswith("er")
                and not re.search(
                    r"\b(?:pr|pgr|progesterone|her2|receptor|hormone|estrogen|breast)", norm
                )
                and not re.match(r"\s+(?:positiv|negativ)|\s*\+(?!\d)", word)
            ):
                continue
            if (
                name == "hr"
                and re.match(r"\s*-\s*$", word)
                and re.search(r"hr\s*-\s*\w", norm[m.start() : m.end() + 2])
            ):
                continue
            status = _status(word)
            # "Prior treatment with HER2- tyrosine kinase inhibitor": a hyphen before a
            # therapy word names a drug class, not a negative status (read as "HER2
            # negative" in an exclusion, it excluded every HER2-negative patient)
            if (
                status == "negative"
                and word.strip() in ("-", "−")
                and _THERAPY_AFTER_HYPHEN.match(norm, m.end())
            ):
                continue
            if (
                status in ("positive", "negative")
                and (
                    _EITHER_STATUS.match(norm[m.end() :])
                    # "regardless of hormone-receptor status or HER2-overexpression"
                    or _REGARDLESS_LIST.search(norm[max(0, m.start() - 80) : m.start()])
                )
            ):
                status = "any"  # "HER2/NEU positive or negative"
            if name == "hr" and status == "negative" and re.search(r"\ber\s*\+", m.group(0)):
                continue  # "ER+/PgR-": ER positive, so not hormone-receptor negative
            if name == "her2" and status == "equivocal" and "2+" in word:
                # IHC 2+ whose ISH result the item states: that result is the status
                if _ISH_NEGATIVE.search(norm[m.end() : m.end() + 60]):
                    status = "negative"
                elif _ISH_POSITIVE.search(norm[m.end() : m.end() + 60]):
                    status = "positive"
            params = {"receptor": name, "status": status}
            if name == "her2" and (ihc := _IHC.search(norm)):
                params["method"] = "ihc"
            add(m.start(), m.end(), params, 0.9)
    for pm in _PRE_STATUS.finditer(norm):
        r = pm.group("r")
        name = (
            "her2"
            if re.match(r"her|human|erbb|neu", r)
            else "pr"
            if re.match(r"pr|pgr|progesterone", r)
            else "hr"
            if re.match(r"hr|hormone", r)
            else "er"
        )
        add(pm.start(), pm.end(), {"receptor": name, "status": _status(pm.group("s"))}, 0.85)
    if (ov := _OVER.search(norm)) and not any(c.params.get("receptor") == "her2" for c in out):
        add(ov.start(), ov.end(), {"receptor": "her2", "status": "positive"}, 0.85)
    if not any(c.params.get("receptor") == "her2" for c in out):
        ihc = _IHC.search(norm)
        ish = _ISH.search(norm)
        if ihc and re.search(r"her[- ]?2|erbb2|ihc", norm):
            v = ihc.group("v").replace(" ", "")
            status = {"0": "zero", "1+": "low", "2+": "equivocal", "3+": "positive"}.get(
                v, "low" if "1+" in v else "negative"
            )
            if ihc.group("v2") == "3+" or (
                ish
                and re.search(r"positiv|amplif|≥|>=|>", ish.group("s"))
                and "non" not in ish.group("s")
            ):
                status = "positive"
            elif re.match(r"0(?:-|to|or)1\+", v) or (
                # "IHC 0, IHC 1+, or ...": both scores listed, the HER2-negative range
                status in ("zero", "low")
                and (
                    re.search(r"\bihc\)?\s*0(?![\d.+])", norm)
                    or re.search(r"\b1\s?\+\s*(?:or|,|and|/)\s*(?:ihc\s*)?0(?![\d.+])", norm)
                )
                and re.search(r"\b1\s?\+", norm)
                and not re.search(r"\b3\s?\+", norm)
            ):
                status = "negative"
            add(
                ihc.start(),
                ihc.end(),
                {"receptor": "her2", "status": status, "method": "ihc"},
                0.85,
            )
        elif ish and re.search(r"her[- ]?2|erbb2", norm):
            s = ish.group("s")
            status = "negative" if re.search(r"negativ|non", s) else "positive"
            add(
                ish.start(),
                ish.end(),
                {"receptor": "her2", "status": status, "method": "ish"},
                0.85,
            )
    if m := _ANY.search(norm):
        receptor = "her2" if re.search(r"her2", m.group(0)) else "hr"
        status = "known" if "known" in m.group(0) or "determined" in m.group(0) else "any"
        if "not specified" in m.group(0):
            add(m.start(), m.end(), {"receptor": receptor, "no_restriction": True}, 0.75)
            return out
        named = [r for r, rx in _NAMED if rx.search(norm[: m.end()])]
        if status == "known" and "determined" in m.group(0) and named:
            # "Estrogen receptor (ER), PgR and HER2 expression have been determined": each
            # receptor named must be known
            for r in named:
                out.append(
                    make(
                        item, FAMILY, 0, m.end(), {"receptor": r, "status": status}, confidence=0.75
                    )
                )
        else:
            add(m.start(), m.end(), {"receptor": receptor, "status": status}, 0.75)
    return _alternatives(
        item,
        _low_or_zero(
            item,
            _both_negative(
                item, _either_status(item, _either_hormone_receptor(item, _definitions(item, out)))
            ),
        ),
    )


#: "HER2-negative is defined as 0 or 1+ staining", "TNBC will be defined as breast cancer
#: with <1% ER+ ...": what follows defines the status just named
_DEFINED_AFTER = re.compile(
    r"\s*(?:\)\s*)?,?\s*(?:(?:is|are|will be|was)\s+)?(?:defined|considered|determined)\s+(?:as|by|if)\b"
)
_UNKNOWN_AT = re.compile(r"\bunknown\b")


def _definitions(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    """Statuses that define another rather than add a rule.

    - "HER2-negative is defined as ... HER2-positive is defined as ..." after "either
      HER2-negative or HER2-positive": the defined statuses are no second and third rule
      (read as rules they required both, which no patient is).
    - "triple negative (estrogen receptor-negative, progesterone receptor-negative and
      HER2-negative)", "triple-negative, defined as ER-, PR-, and HER2-": the parts restate
      triple-negative (in an exclusion, each negative part excluded every patient with that
      one negative receptor). A definition with cut-offs of its own ("defined as ER < 5%,
      PR < 5%") is kept as written.
    """
    norm, start = item.norm, item.start
    drop: set[int] = set()
    for c in out:
        end = c.span[1] - start
        defines = bool(_DEFINED_AFTER.match(norm, end))
        if not defines and not norm.startswith(" (", end):
            continue
        if c.params.get("receptor") == "tnbc":
            stop = len(norm)
            for mark in (". ", "; "):
                k = norm.find(mark, end)
                if k >= 0:
                    stop = min(stop, k)
            if not defines:  # the parenthesis right after the name
                close = norm.find(")", end)
                stop = min(stop, close) if close >= 0 else stop
            parts = [o for o in out if o is not c and end <= o.span[0] - start < stop]
            # a definition with its own cut-offs ("defined as ER < 5%, PR < 5%") says more
            # than "triple negative" does: it is kept as written
            if not any("value" in o.params for o in parts):
                drop |= {id(o) for o in parts}
        elif defines and any(
            o is not c
            and o.params.get("receptor") == c.params.get("receptor")
            and o.span[0] < c.span[0]
            for o in out
        ):
            # the status was named as a rule before; here it is only defined
            drop.add(id(c))
    out = [c for c in out if id(c) not in drop]
    for c in out:
        # "Unknown hormone receptor status": excluded when unknown, i.e. it must be known
        at = c.span[0] - start
        if (
            c.params.get("status") == "known"
            and c.polarity != "allow"
            and _UNKNOWN_AT.search(norm[max(0, at - 12) : at + 10])
        ):
            c.polarity = "require" if c.polarity == "exclude" else "exclude"
    return out


#: the logic group of receptor alternatives (other families number theirs from 1)
ALTERNATIVES_GROUP = 11
#: a receptor profile read only in part: one of several alternatives that are profiles of
#: several receptors ("ER positive, HER2 negative (Group 1) or triple-negative (Group 2)")
_PARTIAL_ALTERNATIVE_CONFIDENCE = 0.5
_OR = re.compile(r"\bor\b")
#: "and", "or" between two receptor rules; not "and/or", "and or", nor the "or" of
#: "histological or cytological confirmation"
_CONNECTIVE = re.compile(
    r"(?<!and/)(?<!and )\b(?P<word>and|or)\b(?!/)(?!\s+(?:cyto|histo|patho)log)"
)
_METHOD_BEFORE = re.compile(r"(?:cyto|histo|patho)log\w*\s+$")
_DEFINITION_BEFORE = re.compile(
    r"\(\s*(?:a|the)\s+(?:tumou?r|cancer|sample)\s+(?:is|will be)\s+(?:considered\s+)?[^()]*$"
)


def _alternatives(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    """ "HER2 positive ... or triple receptor negative", "TNBC or HR+/HER2-negative": the
    subtypes a trial takes, one of which is needed. Read as rules that all must hold, they
    failed every patient. Alternatives of one receptor status each are an ``or`` group;
    when an alternative is a profile of several receptors (which a flat group cannot say),
    every receptor rule of the item is kept at low confidence, so that a "not met" is
    checked by hand. An "or" inside a parenthesis or past a sentence end is no boundary.
    Exclusions keep "and": excluding either subtype means the patient must be neither."""
    # "(a tumor is ER and/or progesterone receptor positive if at least 1 percent ...)":
    # a definition of the other status, not a second rule
    out = [c for c in out if not _DEFINITION_BEFORE.search(item.norm[: c.span[0] - item.start])]
    required = sorted(
        (c for c in out if c.polarity == "require" and "no_restriction" not in c.params),
        key=lambda c: c.span[0],
    )
    if len(required) < 2 or not _OR.search(item.norm):
        return out
    alternatives: list[list[Constraint]] = [[required[0]]]
    for x, y in itertools.pairwise(required):
        between = item.norm[x.span[1] - item.start : y.span[0] - item.start]
        boundary = False
        if not re.search(r"[.;]\s", between):
            # the last connective outside parentheses decides: "ER/PgR positive or negative
            # and HER2 negative" joins its last two rules with "and"
            last = None
            for m in _CONNECTIVE.finditer(between):
                before = between[: m.start()]
                if before.count("(") <= before.count(")") and not _METHOD_BEFORE.search(before):
                    last = m
            boundary = last is not None and last.group("word") == "or"
        if boundary:
            alternatives.append([y])
        else:
            alternatives[-1].append(y)
    if len(alternatives) < 2:
        return out
    if all(len(a) == 1 for a in alternatives):
        for c in required:
            c.logic.connective = "or"
            c.logic.group = ALTERNATIVES_GROUP
    else:
        for c in required:
            c.confidence = min(c.confidence, _PARTIAL_ALTERNATIVE_CONFIDENCE)
    return out


#: "HER2-low ... or HER2 IHC 0 status": every HER2-negative tumour qualifies
_OR_ZERO = re.compile(
    r"\bor\s+(?:\w+\s+){0,2}?(?:her[- ]?2[\s-]*(?:ihc\s*)?(?:0|zero)|ihc\s*0)(?![\d+])"
)


def _low_or_zero(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    if not _OR_ZERO.search(item.norm):
        return out
    return [
        c.model_copy(update={"params": {**c.params, "status": "negative"}})
        if c.params.get("receptor") == "her2" and c.params.get("status") == "low"
        else c
        for c in out
    ]


def _spanning(item: ItemText, x: Constraint, y: Constraint, params: dict[str, str]) -> Constraint:
    """One constraint with ``params`` over the text from ``x`` to ``y`` (two receptor
    constraints read as one), as sure as the less sure of them."""
    return make(
        item,
        FAMILY,
        x.span[0] - item.start,
        y.span[1] - item.start,
        params,
        confidence=min(x.confidence, y.confidence),
    )


def _both_negative(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    """ "ER negative and PR negative": hormone-receptor negative, as "ER/PgR negativity".

    Only negatives merge: "ER positive and PR positive" is stricter than HR positive."""
    er = [c for c in out if c.params.get("receptor") == "er"]
    pr = [c for c in out if c.params.get("receptor") == "pr"]
    if len(er) != 1 or len(pr) != 1:
        return out
    x, y = sorted((er[0], pr[0]), key=lambda c: c.span[0])
    if not (
        x.params.get("status") == y.params.get("status") == "negative"
        and x.polarity == y.polarity
        and set(x.params) == set(y.params) == {"receptor", "status"}
        and re.fullmatch(
            r"\W*(?:and|,)\W*", item.norm[x.span[1] - item.start : y.span[0] - item.start]
        )
    ):
        return out
    if any(c.params == {"receptor": "hr", "status": "negative"} for c in out):
        # "hormone-receptor poor, ER- and PR-negative": already stated once
        return [c for c in out if c is not x and c is not y]
    both = _spanning(item, x, y, {"receptor": "hr", "status": "negative"})
    return [c for c in out if c is not x and c is not y] + [both]


def _either_status(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    """ "Hormone receptor positive or hormone receptor negative", "Both HER2-positive and
    HER2-negative disease": either status."""
    for x, y in itertools.combinations(sorted(out, key=lambda c: c.span[0]), 2):
        if not (
            x.params.get("receptor") == y.params.get("receptor")
            and {x.params.get("status"), y.params.get("status")} == {"positive", "negative"}
            and x.polarity == y.polarity != "exclude"
        ):
            continue
        x0, x1, y0 = (x.span[0] - item.start, x.span[1] - item.start, y.span[0] - item.start)
        # "Both HER2-positive and HER2-negative disease": read as two requirements, every
        # patient failed one
        if _EITHER_BETWEEN.fullmatch(item.norm, x1, y0) or (
            _AND_BETWEEN.fullmatch(item.norm, x1, y0)
            and _BOTH_BEFORE.search(item.norm, max(0, x0 - 12), x0)
        ):
            either = _spanning(item, x, y, {"receptor": x.params["receptor"], "status": "any"})
            return [c for c in out if c is not x and c is not y] + [either]
    return out


_EITHER_BETWEEN = re.compile(r"\W*(?:or|and/or)\W*")
_AND_BETWEEN = re.compile(r"\W*and\W*")
_BOTH_BEFORE = re.compile(r"\bboth\W*$")


def _either_hormone_receptor(item: ItemText, out: list[Constraint]) -> list[Constraint]:
    """ "ER positive and/or PgR positive": one hormone-receptor-positive constraint."""
    er = [c for c in out if c.params == {"receptor": "er", "status": "positive"}]
    pr = [c for c in out if c.params == {"receptor": "pr", "status": "positive"}]
    # "oestrogen receptor positive (ER+) and/or progesterone receptor positive (PgR+)": a
    # name and its abbreviation give the same constraint twice
    if not er or not pr or len({c.polarity for c in er + pr}) != 1:
        return out
    ordered = sorted(er + pr, key=lambda c: c.span[0])
    # one switch from ER to PR (or back): "ER+ (oestrogen receptor) and/or PgR+"
    switches = [
        (a, b)
        for a, b in itertools.pairwise(ordered)
        if a.params["receptor"] != b.params["receptor"]
    ]
    if len(switches) != 1:
        return out
    between = item.norm[switches[0][0].span[1] - item.start : switches[0][1].span[0] - item.start]
    if not re.fullmatch(r"\W*(?:and/or|or)\W*", between):
        return out
    x, y = ordered[0], ordered[-1]
    hr = _spanning(item, x, y, {"receptor": "hr", "status": "positive"})
    return [c for c in out if c not in er and c not in pr] + [hr]
