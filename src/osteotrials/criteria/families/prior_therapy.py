# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Prior (and current/planned) anticancer therapy: drugs and classes, setting,
number of lines, progression/resistance, required/excluded/allowed, washouts.
Bone-modifying agents are left to ``bone_agent``; allergies to ``hypersensitivity``;
concurrent non-cancer medication to ``medication``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from osteotrials.criteria import _build
from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make, not_amenable_to
from osteotrials.criteria.text import NOT_ELIGIBLE, NUM_ANY, ItemText, to_number
from osteotrials.model.criteria import Constraint, Polarity, TimeWindow
from osteotrials.vocab import drugs

FAMILY = "prior_therapy"
_CUE = re.compile(
    r"\b(?:prior|previous(?:ly)?|received|receiving|treated|treatment|therapy|exposure|exposed|history of|progress\w*|refractory|resistan\w*|failed|failure|naive|na[iï]ve|lines?|regimens?|setting|adjuvant|neo-?adjuvant|since|washout|last dose|discontinued|completed|candidates? for|planned|scheduled|eligible for|suitable for|must receive|will receive|relapse\w*|recurr\w*|pretreated|pre-treated|untreated|after|following|on or after|containing|based|including)\b"
)
_SETTING = [
    ("metastatic", r"metastatic|advanced|recurrent|incurable|palliative|stage iv"),
    ("adjuvant", r"\badjuvant|early[- ]stage|curative"),
    ("neoadjuvant", r"neo-?adjuvant|pre-?operative"),
]
_LINES = re.compile(
    rf"(?:(?P<pre>less than or equal to|greater than or equal to|more than or equal to|no more than|not more than|up to|at most|a maximum of|maximum of|a maximum|maximum|≤|<=|=<|<|less than|fewer than|at least|a minimum of|minimum of|a minimum|minimum|≥|>=|more than|greater than|>|exactly|only)\s*(?:\(\s*[<>=≤≥/]{{0,3}}\s*\)\s*)?)?\s*(?<![a-z/\d.])(?P<n>{NUM_ANY})(?![a-z])\s*(?:(?:-|to|or)\s*(?P<n2>{NUM_ANY})\s*)?(?:\(\d+\)\s*)?(?:or (?:more|fewer|less)\s+)?(?:prior\s+|previous\s+|(?:lines?|courses?) of\s+|of (?:these|those)\s+|different\s+|salvage\s+|systemic\s+|cytotoxic\s+|chemotherapeutic\s+|chemotherapy\s+|endocrine\s+|hormonal\s+|hormone\s+|therapy\s+|standard\s+|treatment\s+|anti-?cancer\s+|anti-?neoplastic\s+|(?:neo-?)?adjuvant\s+|metastatic\s+|palliative\s+|[\w-]+[\s-](?:containing|based|directed|targeted)\s+)*(?:lines?|regimens?|therapies|treatments|courses|chemotherap(?:y|ies)(?![\s-]+(?:lines?|regimens?|cycles?|courses?|doses?|agents?|drugs?|induced|related)\b))\b"
)
_MIN_MAX = re.compile(
    rf"(?:(?:a\s+)?minimum of|at least|between)\s+(?P<lo>{NUM_ANY})\s+(?:and|to|but)\s+(?:(?:a\s+)?maximum of|at most|no more than|not more than)?\s*(?P<hi>{NUM_ANY})\s+(?:\w+\s+){{0,3}}(?:lines?|regimens?)\b"
)
_LINE_WORD = re.compile(r"line|regimen|therapies|treatments|course|chemotherap")
_PROGRESSION = re.compile(
    r"progress\w* (?:on|after|during|following|while)|refractory|resistan\w*|failed|(?<!heart )(?<!cardiac )(?<!renal )(?<!kidney )(?<!liver )(?<!hepatic )(?<!organ )(?<!respiratory )(?<!ovarian )failure|relapse\w* (?:on|after|during|within)|recurren\w* (?:on|after|during|within)"
)
_ANY_ANTICANCER = re.compile(
    r"anti-?cancer|anti-?neoplastic|antitumou?r|anti-?tumou?r|systemic|cancer[- ]directed|cancer (?:therapy|treatment)|oncologic|\bany\b"
)


#: "concomitant treatment with other investigational products": trial participation
_WITH_INVESTIGATIONAL = re.compile(
    r"\s+with\s+(?:an?\s+|any\s+)?(?:other\s+)?(?:investigational|experimental)"
)
#: "chronic systemic therapy with immunosuppressive agents": concurrent medication
_WITH_MEDICATION = re.compile(
    r"(?:,[^,.;]{0,30},)?\s+with\s+(?:an?\s+|any\s+)?(?:\w+\s+){0,3}?(?:immunosuppress\w*|(?:cortico)?steroids?|anticoagula\w*|glucocorticoids?|(?:\w+\s+)?hormon\w* replacement)"
)
#: the therapy as a time anchor ("prior to receiving chemotherapy", "before initiation of
#: investigational agents"), as the drug whose kinetics other medication may change, or as
#: the drug of an earlier trial ("a prior E7389 clinical trial whether or not E7389 was received")
_NOT_A_RULE_BEFORE = re.compile(
    r"(?:(?:prior to|before|until|up to)\s+(?:the\s+)?(?:receiving|starting|(?:the\s+)?start(?:ing)?\s+of|initiati(?:ng|on\s+of)|(?:the\s+)?first\s+dose\s+of|beginning)|(?:pharmacokinetics|metabolism|absorption|clearance)\s+of|(?:pharmacokinetic|drug)\s+interactions?\s+with|whether or not)\s+(?:the\s+|any\s+)?(?:\w+\s+){0,2}?$"
)
_OF_INFECTION = re.compile(
    r"[^.;]{0,60}?\b(?:of|for|against)\s+(?:(?:the|an?|any|active|chronic)\s+)?(?:hcv|hbv|hiv|hepatitis(?:\s+[abc])?|tuberculosis|(?:[\w-]+\s+)?infections?)\b"
)
#: "antibiotics within 72 hours before chemotherapy": the therapy is the time anchor
_DAYS_BEFORE = re.compile(
    r"\b(?:hours?|days?|weeks?)\s+(?:before|prior to)\s+(?:the\s+)?(?:start\s+of\s+|first\s+dose\s+of\s+|each\s+)?$"
)
_ILLNESS_REQUIRING = re.compile(
    r"\b(?:disease|illness|condition|disorder|infection|syndrome)s?\s+(?:that\s+|which\s+)?(?:has\s+|have\s+)?(?:required|requiring|requires|require)\s+(?:\w+\s+){0,2}$"
)
_SEX_HORMONE_BEFORE = re.compile(r"\bsex\s+$")
_CONTRACEPTIVE_EXAMPLES = re.compile(
    r"\s*,?\s*\(?\s*(?:e\.?\s?g\.?|such as|including|for example)\s*,?\s*(?:\w+\s+){0,2}?(?:birth control|contracepti\w*|hormon\w* replacement|\bhrt\b)"
)
_NOT_PRIOR = re.compile(r"hypersensitiv|allerg|intoleran|anaphyla|preclude")


_INCLUDED = re.compile(r"\((?:including|incl\.|e\.g\.|such as)[^()]*$")
_CESSATION = re.compile(r"(?:cessation|discontinuation|stopping) of (?:all\s+)?(?:exogenous\s+)?$")


def _ovarian_suppression_only(m: _therapy.TherapyMention) -> bool:
    if m.generic or m.terms or not (m.classes or m.drugs):
        return False
    if not m.classes <= {"ovarian_suppression", "endocrine"}:
        return False
    for name in m.drugs:
        d = drugs.lookup(name, fuzzy=False)
        if d is None or "ovarian_suppression" not in d.classes:
            return False
    return True


def _setting(norm: str) -> list[str]:
    return [name for name, pat in _SETTING if re.search(pat, norm)]


_CONTRAST = re.compile(r"\b(?:but|however)\b")
_SENTENCE_END = re.compile(r"\.\s")


@dataclass(frozen=True, slots=True)
class _Count:
    """The line-count bounds of an item, where their phrase starts and ends (-1: no
    bounds), and where its counting notes ("is considered one regimen") start."""

    bounds: dict[str, object]
    start: int = -1
    end: int = -1
    notes: tuple[int, ...] = ()


def _lines(item: ItemText) -> _Count:
    norm = item.norm
    if not _LINE_WORD.search(norm):
        return _Count({})
    matches: list[re.Match[str]] = []
    notes: list[int] = []
    for m in _LINES.finditer(norm):
        if _COUNTING_NOTE_BEFORE.search(norm[max(0, m.start() - 30) : m.start("n")]):
            notes.append(m.start())
        elif _counts_lines(norm, m):
            matches.append(m)
    if not matches:
        return _Count({}, notes=tuple(notes))
    out = _line_bounds(item, matches[0])
    # "At least one prior regimen ...; however no more than 6 chemotherapeutic regimens",
    # "at least one line, but not more than three lines": a later upper bound in the same
    # sentence, after "but"/"however", completes a lower one (a bound in another sentence
    # often counts another therapy: "Up to two prior cytotoxic chemotherapies are allowed")
    if set(out) - {"line_scope"} == {"min_lines"}:
        for later in matches[1:]:
            between = norm[matches[0].end() : later.start()]
            if not _CONTRAST.search(between) or _SENTENCE_END.search(between):
                continue
            upper = _line_bounds(item, later)
            low, high = out["min_lines"], upper.get("max_lines")
            if (
                set(upper) - {"line_scope"} == {"max_lines"}
                and isinstance(low, (int, float))
                and isinstance(high, (int, float))
                and high >= low
            ):
                out["max_lines"] = high
                break
    if not out:
        return _Count(out, notes=tuple(notes))
    both = _MIN_MAX.search(norm)
    start = both.start() if both and both.start() <= matches[0].start() else matches[0].start()
    if norm[start : start + 1] == " ":
        start += 1
    return _Count(out, start, matches[0].end(), tuple(notes))


#: "is considered one regimen", "counting as one regimen", "counts as one (1) regimen": a
#: note on how lines are counted, no bound on them
_COUNTING_NOTE_BEFORE = re.compile(r"\b(?:considered|counted|counts?|counting)\s+(?:as\s+)?$")
#: "for 4 courses (8 weeks)", "a minimum of 6 courses with anthracyclines", "six to eight
#: courses of first line induction chemotherapy": cycles of one regimen, not lines; courses
#: count lines only as "courses of (prior) chemotherapy/therapy/treatment"
_COURSES_OF_LINES = re.compile(
    r"\s+of\s+(?:prior\s+|previous\s+)?(?:systemic\s+|cytotoxic\s+)?(?:chemo|therap|treatment)"
)


def _counting_note(item: ItemText, notes: tuple[int, ...], a: int) -> bool:
    """The sentence of the mention at ``a`` says how lines are counted ("If (neo)adjuvant
    chemotherapy HAS been given it counts as one (1) regimen", "... is considered one
    regimen"): a note, no rule (a note in a parenthesis or another sentence leaves the
    rule: "(with the exception of single agent capecitabine, which will count as a single
    line of therapy)")."""
    return any(
        _therapy.paren_depth(item.norm, at) == 0 and item.clause_bounds(at) == item.clause_bounds(a)
        for at in notes
    )


def _counts_lines(norm: str, m: re.Match[str]) -> bool:
    if m.group(0).endswith("courses"):
        return bool(_COURSES_OF_LINES.match(norm, m.end()))
    return True


#: "One, 2, or 3 prior lines", "either one, two or three prior regimens": the first number
#: of a list is the lower bound
_LIST_BEFORE = re.compile(
    rf"(?<![a-z/\d.])(?P<first>{NUM_ANY})\s*,\s*(?:{NUM_ANY}\s*,\s*)*(?:or\s+|and/or\s+)?$"
)


def _line_bounds(item: ItemText, m: re.Match[str]) -> dict[str, object]:
    # "a minimum of 2 and a maximum of 5 prior regimens", "between 1 and 3 prior lines"
    if both := _MIN_MAX.search(item.norm):
        lo, hi = to_number(both.group("lo")), to_number(both.group("hi"))
        if lo is not None and hi is not None and lo <= hi <= 15:
            bounds: dict[str, object] = {"min_lines": lo, "max_lines": hi}
            if re.search(
                r"metastatic|advanced|recurrent", item.norm[both.start() : both.end() + 60]
            ):
                bounds["line_scope"] = "metastatic"
            return bounds
    n = to_number(m.group("n"))
    n2 = to_number(m.group("n2")) if m.group("n2") else None
    if n is None or n > 15:
        return {}
    pre = (m.group("pre") or "").strip()
    if re.search(r"\b(?:grade|stage|cycles?|days?)\s*$", item.norm[: m.start("n")]):
        return {}  # "grade 2 chemotherapy-induced neuropathy": no count of lines
    # "2 or more prior regimens", "1 line or less" ("and/or more ..." is no "or more")
    tail = re.sub(r"and/or", " ", item.norm[m.start() : m.end() + 15])
    out: dict[str, object] = {}
    listed = _LIST_BEFORE.search(item.norm[max(0, m.start("n") - 40) : m.start("n")])
    first = to_number(listed.group("first")) if listed else None
    if n2 is not None:
        # "0, 1 or 2 chemotherapies": none is allowed too; "either one, two or three"
        low = first if first is not None and first <= n else n
        out = {"min_lines": low, "max_lines": n2}
    elif not pre and first is not None and first <= n:
        out = {"min_lines": first, "max_lines": n}  # "One, 2, or 3 prior lines"
    elif (
        pre
        in (
            "no more than",
            "not more than",
            "up to",
            "at most",
            "a maximum of",
            "maximum of",
            "a maximum",
            "maximum",
            "≤",
            "<=",
            "=<",
            "less than or equal to",
        )
        or "or fewer" in tail
        or "or less" in tail
    ):
        out = {"max_lines": n}
    elif pre in ("<", "less than", "fewer than"):
        out = {"max_lines": n - 1}
    elif (
        pre
        in (
            "at least",
            "a minimum of",
            "minimum of",
            "a minimum",
            "minimum",
            "≥",
            ">=",
            "greater than or equal to",
            "more than or equal to",
        )
        or "or more" in tail
    ):
        out = {"min_lines": n}
    elif pre in ("more than", "greater than", ">"):
        out = {"min_lines": n + 1}
    elif pre in ("exactly", "only"):
        out = {"min_lines": n, "max_lines": n}
    elif re.search(r"\bmay (?:have )?(?:received|had)\s*$", item.norm[: m.start()]):
        out = {"max_lines": n}  # "May have received one prior adjuvant chemotherapy regimen"
    else:
        out = (
            {"min_lines": n, "max_lines": n}
            if re.search(
                r"\b(?:one|1)\s+(?:prior\s+)?(?:line|regimen)", item.norm[m.start() : m.end()]
            )
            and re.search(r"\bat least|\bminimum|\bmust have (?:had|received)", item.norm) is None
            else {"min_lines": n}
        )
    scope = re.search(r"metastatic|advanced|recurrent", item.norm[m.start() : m.end() + 60])
    if scope:
        out["line_scope"] = "metastatic"
    return out


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if _NOT_PRIOR.search(norm):
        return []
    ms = [
        m
        for m in _therapy.mentions(item)
        if not m.bone
        and "radiopharmaceutical_only" not in m.classes
        and not _therapy.contraindicated(norm, m.start, m.end)
    ]
    ms = [
        m
        for m in ms
        if not (
            m.generic
            and re.search(
                r"investigational|experimental",
                norm[m.start : m.end + 30]
                if _WITH_INVESTIGATIONAL.match(norm[m.end :])
                else norm[m.start : m.end],
            )
            and not re.search(r"anti-?cancer|chemo|therap", norm.replace(norm[m.start : m.end], ""))
        )
    ]
    ms = [m for m in ms if not (m.generic and _WITH_MEDICATION.match(norm[m.end :]))]
    # "sex hormonal therapy (e.g., birth control pills, ovarian hormonal replacement
    # therapy)": contraception or hormone replacement, a concurrent medication
    ms = [
        m
        for m in ms
        if not (
            not m.drugs
            and (
                _SEX_HORMONE_BEFORE.search(norm[max(0, m.start - 12) : m.start])
                or _CONTRACEPTIVE_EXAMPLES.match(norm[m.end : m.end + 60])
            )
        )
    ]
    # "immunosuppressive doses of systemic medications": medication, not anticancer therapy
    ms = [
        m
        for m in ms
        if not (
            m.generic
            and re.search(r"medications?$", norm[m.start : m.end])
            and not re.search(r"anti-?cancer|anti-?neoplastic|chemo|cancer|tumou?r", norm)
        )
    ]
    # "Prior treatment, concurrent treatment, and natural resolution of HCV infection":
    # treatment of an infection, not anticancer therapy
    ms = [m for m in ms if not (m.generic and _OF_INFECTION.match(norm[m.end : m.end + 90]))]
    # "Active autoimmune disease that required systemic treatment": the illness's treatment
    ms = [
        m
        for m in ms
        if not (m.generic and _ILLNESS_REQUIRING.search(norm[max(0, m.start - 60) : m.start]))
    ]
    # "not amenable to curative treatment with surgery": how advanced the disease is
    ms = [m for m in ms if not (m.generic and not_amenable_to(norm, m.start, m.end))]
    # "chemotherapy-induced nausea": the therapy names a cause, not a rule; "renal
    # dysfunction for which exposure to cisplatin would require dose modifications": a
    # hypothetical, not a rule on the patient's treatment
    ms = [
        m
        for m in ms
        if not re.match(
            r"[- ](?:induced|related|associated)\b|(?:\s+doses?)?\s+(?:would|could|might)\s+(?:either\s+)?(?:require|need|necessitate)\b",
            norm[m.end :],
        )
    ]
    not_rules = [
        m
        for m in ms
        if _NOT_A_RULE_BEFORE.search(norm[max(0, m.start - 60) : m.start])
        or _DAYS_BEFORE.search(norm[max(0, m.start - 40) : m.start])
    ]
    # the same drug named elsewhere in the item is that anchor or trial drug too
    ms = [
        m
        for m in ms
        if not any(
            m is n
            or (
                (n.drugs or n.terms)
                and (m.drugs, m.terms, m.classes) == (n.drugs, n.terms, n.classes)
            )
            for n in not_rules
        )
    ]
    if not ms:
        return []
    # "Postmenopausal status (including women on an LHRH agonist for ovarian suppression)":
    # ovarian suppression named as included in a menopausal status is part of that rule;
    # "amenorrhoeic ... following cessation of exogenous hormonal treatments" defines it
    if re.search(r"(?:post|pre|peri)-?\s?menopaus", norm):
        ms = [
            m
            for m in ms
            if not (
                (
                    _ovarian_suppression_only(m)
                    and _INCLUDED.search(norm[max(0, m.start - 150) : m.start])
                )
                or _CESSATION.search(norm[max(0, m.start - 40) : m.start])
            )
        ]
        if not ms:
            return []
    # "cannot give informed consent to the experimental therapy": the study treatment
    if (
        all(m.generic for m in ms)
        and re.search(r"\bconsent\b", norm)
        and not re.search(r"\b(?:prior|previous(?:ly)?|received|since|history)\b", norm)
    ):
        return []
    if (
        not _CUE.search(norm)
        and not _CUE.search(item.context.lower())
        and not re.search(r"^\W*(?:no\s+)?(?:concurrent\s+)?$", norm[: ms[0].start])
    ):
        return []
    # medication-only items: "concurrent use of strong CYP3A inhibitors"
    if re.search(r"\bcyp\s*3a|p-?gp\b|\binducers?\b", norm) and not re.search(
        r"prior|previous|anti-?cancer|chemotherapy", norm
    ):
        return []
    out: list[Constraint] = []
    a = ms[0].start
    b = ms[-1].end
    # "anti-cancer therapy other than endocrine therapy", "(except for endocrine therapy,
    # denosumab, or bisphosphonates)": agents named as exceptions are not what the rule is
    # about; read as the rule's agents they would turn it upside down
    every_excepted = _therapy.excepted(item)
    excepted = [m for m in ms if m in every_excepted]
    kept = [m for m in ms if m not in excepted]
    if not any(m.drugs or m.classes or _ANY_ANTICANCER.search(norm[m.start : m.end]) for m in kept):
        # "adjuvant chemotherapy regimens do not count as a prior line of therapy" with no
        # rule of its own in the item: a note on counting, whose agents are what it is about
        before_cue = _therapy.excepted(item, stated_after=False)
        excepted = [m for m in ms if m in before_cue]
        kept = [m for m in ms if m not in excepted]
    # "any anticancer therapy except denosumab": the bone agent is an exception of this
    # rule too (it is read as allowed by the bone_agent family)
    excepted += [m for m in every_excepted if m.bone]
    drug_names = sorted({d for m in kept for d in m.drugs})
    classes = sorted({c for m in kept for c in m.classes})
    payloads = sorted({p for m in kept for p in m.payloads})
    params: dict[str, object] = {
        "drugs": drug_names,
        "classes": classes,
        "payload_classes": payloads,
        "setting": _setting(norm),
    }
    if excepted:
        params["except_drugs"] = sorted({d for m in excepted for d in m.drugs} - set(drug_names))
        params["except_classes"] = sorted({c for m in excepted for c in m.classes} - set(classes))
    terms = sorted({t for m in ms for t in m.terms})
    if terms:
        params["terms"] = terms
    generic = [m for m in kept if m.generic and _ANY_ANTICANCER.search(norm[m.start : m.end])]
    if generic and (
        not (drug_names or classes)
        # "Anti-cancer therapy within 14 days (28 days for antibody based treatment)": the
        # agents named only in parentheses after a generic head qualify it; they must not
        # narrow the rule to themselves (the 14-day washout would go unchecked)
        or (
            _therapy.paren_depth(norm, generic[0].start) == 0
            and all(_therapy.paren_depth(norm, m.start) > 0 for m in kept if m.drugs or m.classes)
        )
    ):
        params["any_anticancer"] = True
    count = _lines(item)
    lines = count.bounds
    polarity: Polarity | None = None
    if count.start >= 0:
        lines, polarity, conf_cap = _count_reading(item, lines, a, b, count.start, count.end)
    params.update(lines)
    if p := _PROGRESSION.search(norm):
        params["progression"] = norm[p.start() : p.end()]
    planned = _planned(norm, a, b) and not params.get("progression")
    if planned:
        params["planned"] = True
    dose_limit = (
        bool(_DOSE_LIMIT.search(norm))
        and not _DOSE_MINIMUM.search(norm)
        # an inclusion rule names a cap ("no more than", "< 300 mg/m2", "must not exceed");
        # "Has already received lifetime cumulative doxorubicin > 400 mg/m2" is a minimum
        and (item.kind == "exclusion" or bool(_DOSE_CAP.search(norm)))
    )
    if dose_limit:
        params["dose_limit"] = True
    # exceptions read against a generic head ("anticancer therapy other than endocrine
    # therapy") are a clear rule; exceptions with no head of their own ("participation in a
    # drug study other than a bevacizumab study") are not, so a "not met" stays doubtful
    conf = 0.85 if drug_names or classes or (excepted and generic) else 0.7
    if planned:
        conf = 0.6
    if count.start >= 0:
        conf = min(conf, conf_cap)
    elif _counting_note(item, count.notes, a):
        conf = min(conf, 0.5)
    if _concurrent(norm, a):
        conf = min(conf, _CONCURRENT_CONFIDENCE)
    if _UNREAD_ALTERNATIVE.search(norm):
        # "Have received HER-2 directed treatment; or are not a candidate for HER-2-directed
        # treatment if ...": the other way in is not read, so a failure is checked by hand
        conf = min(conf, _UNREAD_ALTERNATIVE_CONFIDENCE)
    left, _r = item.clause_bounds(a)
    _l, right = item.clause_bounds(max(a, b - 1))
    constraint = make(
        item,
        FAMILY,
        a,
        b,
        params,
        confidence=conf,
        polarity=polarity,
        time_window=item.time_window(left, right),
    )
    if constraint.polarity == "require" and _naive(norm, a, b):
        constraint.polarity = "exclude"  # "Be chemotherapy naive": no prior chemotherapy
    tw = constraint.time_window
    if (
        tw is not None
        and tw.relation in ("at_least", "more_than")
        and _PROGRESSION_ALTERNATIVE.search(norm)
    ):
        # "Four weeks since the last cytotoxic chemotherapy or clear evidence of progression
        # on hormonal therapy": the progression is the other way in, not read as one; the
        # washout bound both (a patient progressing on letrozole failed it)
        constraint.confidence = min(constraint.confidence, _UNREAD_ALTERNATIVE_CONFIDENCE)
    if dose_limit:
        # "the cumulative dose of anthracyclines should not exceed 360 mg/m2", "History of
        # exposure to cumulative doses of anthracyclines": whoever had the drug may be over
        # the limit, whoever did not is not; never a requirement to have had it
        constraint.polarity = "exclude"
    if (
        len(kept) > 1
        and constraint.time_window is not None
        and not (lines or params.get("progression") or planned or dose_limit)
    ):
        out.extend(_by_window(item, constraint, kept, generic, left, right))
    else:
        out.append(constraint)
    return out


#: a window that names the agents after it: "less than 3 weeks since last dose of
#: tamoxifen", "(6 weeks for nitrosoureas or mitomycin C)", "28 days from the last dose of"
_WINDOW_FORWARD = re.compile(r"\s*(?:since|from|for|in case of)\b")
_RECENCY = frozenset({"within", "less_than"})


def _by_window(
    item: ItemText,
    constraint: Constraint,
    kept: list[_therapy.TherapyMention],
    generic: list[_therapy.TherapyMention],
    left: int,
    right: int,
) -> list[Constraint]:
    """One rule per time window when the rule's agents each have their own: "Chemotherapy,
    radiotherapy, or immunotherapy within 4 weeks; or hormone therapy within 2 weeks",
    "Less than 3 weeks since last dose of tamoxifen or fulvestrant, or less than 1 week since
    the last dose of other hormonal therapy", "within 3 weeks (6 weeks for nitrosoureas or
    mitomycin C)". Read as one rule, every agent had the first window: 4 weeks for a patient
    who stopped hormone therapy 3 weeks ago.

    A window binds the agents before it back to the previous window, or, followed by
    "since", "from" or "for", the agents after it up to the next window (or to the end of
    its parenthesis; not "after": "within 5 months after the final dose of atezolizumab"
    is a time to come). Agents no window binds keep the rule's own window. Only windows
    of the rule's own kind count (recency or washout): "... or those who have not recovered
    from adverse events due to agents administered more than 4 weeks earlier" is another
    rule's. When a part would name no agent ("investigational therapy within 4 weeks"),
    the rule stays whole."""
    default = constraint.time_window
    assert default is not None  # the caller checks
    recency = default.relation in _RECENCY
    windows = [
        w
        for w in item.time_windows(left, right, default.relation)
        if (w[2].relation in _RECENCY) == recency
    ]
    if len({(w.relation, w.days) for _s, _e, w in windows}) < 2:
        return [constraint]
    norm = item.norm
    events: list[tuple[int, int, int]] = [(m.start, 0, i) for i, m in enumerate(kept)]
    events += [(start, 1, i) for i, (start, _e, _w) in enumerate(windows)]
    own: dict[int, int] = {}  # mention -> window index
    pending: list[int] = []
    forwarded: list[int] = []  # mentions the current forward window took
    forward: int | None = None
    reach = right
    for pos, kind, i in sorted(events):
        if forward is not None and pos >= reach:
            forward, forwarded = None, []
        if kind == 0:
            if forward is not None:
                own[i] = forward
                forwarded.append(i)
            else:
                pending.append(i)
            continue
        start, end, _w = windows[i]
        if _WINDOW_FORWARD.match(norm, end):
            forward, forwarded = i, []
            # inside a parenthesis it reaches to the parenthesis's end only
            close = norm.find(")", end) if _therapy.paren_depth(norm, start) else -1
            reach = close if close >= 0 else right
            continue
        # a window after its agents takes those since the last window, and those of a
        # forward window's list after the last comma ("4 weeks for nitrosoureas,
        # mitomycin C ..., hormone therapy within one week")
        cut = max(norm.rfind(",", 0, start), norm.rfind(";", 0, start))
        for j in pending + [j for j in forwarded if kept[j].start > cut]:
            own[j] = i
        pending, forward, forwarded = [], None, []
    # a window binds only agents of its own clause: "... for at least three (3) weeks ...;
    # no nitrosourea ... within the last six weeks. ... for at least 8 weeks" are other rules
    for j, i in list(own.items()):
        if item.clause_bounds(kept[j].start) != item.clause_bounds(windows[i][0]):
            del own[j]
    groups: dict[tuple[str, float], list[_therapy.TherapyMention]] = {}
    chosen: dict[tuple[str, float], TimeWindow] = {}
    for i, m in enumerate(kept):
        w = windows[own[i]][2] if i in own else default
        key: tuple[str, float] = (w.relation, w.days)
        chosen.setdefault(key, w)
        groups.setdefault(key, []).append(m)
    if len(groups) < 2:
        return [constraint]
    umbrellas = drugs.class_groups()
    seen: set[str] = set()
    for ms in groups.values():
        classes = {c for m in ms for c in m.classes}
        # an umbrella beside its member names the member ("nitrosoureas" are chemotherapy)
        specific = {c for c in classes if not umbrellas.get(c, frozenset()) & classes}
        names = {d for m in ms for d in m.drugs} | specific
        if names & seen:
            # the same agents with two windows ("> 2 weeks from chemotherapy" for weekly
            # regimens, "> 3 weeks" for 3-weekly ones): a condition the rule does not
            # separate
            return [constraint]
        seen |= names
    first_clause = item.clause_bounds(kept[0].start)
    out: list[Constraint] = []
    for group, members in groups.items():
        params = dict(constraint.params)
        params["drugs"] = sorted({d for m in members for d in m.drugs})
        params["classes"] = sorted({c for m in members for c in m.classes})
        params["payload_classes"] = sorted({p for m in members for p in m.payloads})
        named = params["drugs"] or params["classes"] or params["payload_classes"]
        # a part of generic anticancer therapy alone ("any other anticancer therapy within
        # 2 weeks") is that rule; beside named agents it is the original's reading
        anticancer = any(m in generic for m in members) and (
            bool(params.get("any_anticancer")) or not named
        )
        params["any_anticancer"] = anticancer or None
        if not (named or anticancer):
            return [constraint]
        a = min(m.start for m in members)
        b = max(m.end for m in members)
        window = _build.copy_time_window(chosen[group])
        if item.clause_bounds(a) != first_clause:
            # another sentence may say another thing: "Patients may continue to receive
            # anti-estrogen therapy that has been initiated at least eight weeks prior"
            out.append(
                make(
                    item, FAMILY, a, b, params, confidence=constraint.confidence, time_window=window
                )
            )
            continue
        clean = {k: v for k, v in params.items() if v is not None and v != [] and v != ""}
        out.append(
            _build.constraint(
                constraint.family,
                constraint.polarity,
                clean,
                constraint.logic.model_copy(deep=True),
                window,
                item.span(a, b),
                item.text[a:b],
                constraint.confidence,
            )
        )
    return out


#: "One or two of these regimens may have been administered as adjuvant therapy", "is not
#: to be counted as one of the 2 to 5 prior chemotherapy regimens allowed": a note on the
#: lines another item counts
_OTHER_ITEMS_LINES = re.compile(r"\bof (?:these|those|which)\b|\bcounted as one of\b")
#: "Arm 1: ... no prior cytotoxic chemotherapy ...; Arm 2: ... one or two prior cytotoxic
#: therapies": counts that differ between the cohorts one item lists
_SEVERAL_COHORTS = re.compile(
    r"\b(?:arm|cohort|group|part)\s+[\w-]{1,4}\s*:.*\b(?:arm|cohort|group|part)\s+[\w-]{1,4}\s*:"
)
_NEGATED_COUNT = re.compile(r"\bno(?:t)? more than\b")
#: a negation whose verb takes the count: "may not have received more than 2", "cannot
#: have >5 lines", "must not have had more than"
_GOVERNING_NEGATION = re.compile(
    r"\b(?:not|no|cannot|never)\s+(?:(?:have|has|had|be|been|received?|receiving|undergone|"
    r"gotten|taken)\s+){0,3}$"
)


def _count_reading(
    item: ItemText, lines: dict[str, object], a: int, b: int, at: int, end: int
) -> tuple[dict[str, object], Polarity | None, float]:
    """The line bounds of the item, the polarity they take (None: the mentions' polarity)
    and a cap on the confidence, read where the count stands:

    * a count in a parenthesis the mentions are outside of qualifies them ("(prior treatment
      ... with 1 regimen that included alkylating agents ... was allowed)"): no bound;
    * a count in another sentence than the first mention decides by its own sentence
      ("History of trastuzumab resistance ... Patient may not have received more than 2
      prior trastuzumab-based regimens" bars a third one), unless that sentence only allows
      it ("Note: 1 line of therapy containing ... TKIs ... is allowed": no bound);
    * "not more than" is the count's own negation ("at least 2 but not more than 4 prior
      regimens", "progressed after 1 but not more than 3 prior chemotherapy regimens"
      require 2-4 and 1-3 lines);
    * a cap an inclusion item allows ("Patients may have had up to 3 prior chemotherapy
      regimens", "No more than 2 ... allowed") is its rule: more lines are not allowed. It is
      read as a requirement whose "not met" is checked by hand, without the lower bound such
      a phrase may carry ("only one prior chemotherapy is allowed").
    """
    norm = item.norm
    cap = 0.5 if _SEVERAL_COHORTS.search(norm) else 1.0
    if _therapy.paren_depth(norm, at) > 0 and _therapy.paren_depth(norm, a) == 0:
        return {}, None, cap
    count = item.polarity(at, end)
    if count != "allow" and "(" in norm:
        count = item.parenthesis_verdict(at) or count
    polarity: Polarity | None = None
    if item.clause_bounds(at) != item.clause_bounds(a):
        if count == "allow" and not _cap_allowed(item, lines):
            return {}, None, cap
        if (
            count == "exclude"
            and item.kind == "inclusion"
            and not _GOVERNING_NEGATION.search(norm, max(0, at - 40), at)
            and not NOT_ELIGIBLE.search(norm, end, item.clause_bounds(at)[1])
        ):
            # "Patients with no bone metastasis and 1 prior treatments": the negation is
            # another condition's
            return {}, None, cap
        polarity = count
    elif count == "require" and _NEGATED_COUNT.search(norm, at, end):
        polarity = count
    final = polarity or item.polarity(a, b)
    if final == "allow" and _cap_allowed(item, lines):
        lines = {k: v for k, v in lines.items() if k != "min_lines"}
        return lines, "require", min(cap, 0.7)
    return lines, polarity, cap


def _cap_allowed(item: ItemText, lines: dict[str, object]) -> bool:
    return (
        item.kind == "inclusion"
        and lines.get("max_lines") is not None
        and not _OTHER_ITEMS_LINES.search(item.norm)
    )


#: a limit on the cumulative dose of a drug received ("cumulative dose of doxorubicin of
#: greater than 360 mg/m^2"), unless it is a minimum the patient must have had
_DOSE_LIMIT = re.compile(
    r"\bcumulative\b|\btotal dose\b|\bmaximum (?:total |cumulative |allowed )?doses?\b"
)
_DOSE_CAP = re.compile(r"\b(?:not|no|exceed\w*|maximum|less than|below|under|up to)\b|<")
_DOSE_MINIMUM = re.compile(r"\bminimum (?:total |cumulative )?doses?\b|\bat least \d")


#: a treatment the patient is to receive, not one received: "candidates for chemotherapy",
#: "scheduled to receive adjuvant chemotherapy", "for whom endocrine therapy is recommended"
_PLANNED_BEFORE = re.compile(
    r"\b(?:candidates?|eligible|suitable|appropriate|scheduled|planned|planning|plans?|recommended|"
    r"indicated|considered|amenable|fit|referred)\s+(?:for|to(?: receive| undergo| begin| start)?)\s+"
    r"(?:(?:an?|the|standard|adjuvant|neoadjuvant|neo-adjuvant|first-line|further|single-agent|"
    r"treatment with|therapy with)\s+)*$"
    r"|\b(?:will|to|must) (?:receive|undergo|begin|start|be treated with)\s+(?:(?:an?|the|standard|"
    r"adjuvant|neoadjuvant|neo-adjuvant)\s+)*$"
)
_PLANNED_AFTER = re.compile(
    r"^\s+(?:is|are|was|would be)\s+(?:not\s+)?(?:recommended|indicated|planned|scheduled|"
    r"(?:clinically )?indicated)\b"
)
_RECEIVED = re.compile(
    r"\b(?:prior|previous(?:ly)?|received|had|history of|progress\w*|refractory|failed|"
    r"pretreated|pre-treated|since|completed|discontinued|last dose)\b"
)


#: "Concurrent anti-cancer therapy (chemotherapy, ...) while taking study medication", "No
#: other concurrent chemotherapy": therapy given during the study, which a patient on a line
#: stops before starting. Read as a rule on therapy received, every treated patient failed;
#: the rule is kept at low confidence (a failure is checked by hand: "would you stop?")
_CONCURRENT_BEFORE = re.compile(
    r"\b(?:concurrent(?:ly)?|concomitant(?:ly)?|simultaneous)\s+(?:\w+[\s-]+){0,4}$"
)
_CONCURRENT_AT = re.compile(r"(?:concurrent(?:ly)?|concomitant(?:ly)?|simultaneous)\b")
_CONCURRENT_CONFIDENCE = 0.5
_UNREAD_ALTERNATIVE_CONFIDENCE = 0.5
_UNREAD_ALTERNATIVE = re.compile(
    r"\bor (?:(?:are|is|be|were|was) )?(?:not|no longer) (?:a )?"
    r"(?:candidates?|eligible|suitable|appropriate|fit)\b"
)


#: a progression given as the alternative to a washout
_PROGRESSION_ALTERNATIVE = re.compile(
    r"\bor (?:\w+ ){0,2}?(?:evidence of )?(?:disease )?progression (?:on|after|during|while)\b"
)


def _concurrent(norm: str, a: int) -> bool:
    """The therapy at ``a`` is one given during the study, and its clause names none
    received ("At least 2 weeks since prior and no concurrent hormonal therapy" keeps its
    washout reading of the prior therapy)."""
    if not (
        _CONCURRENT_BEFORE.search(norm, max(0, a - 60), a)
        # the generic "Concurrent anti-cancer therapy (chemotherapy, ...)" starts with it
        or _CONCURRENT_AT.match(norm, a)
    ):
        return False
    return not re.search(r"\b(?:prior|previous(?:ly)?|received|since|history of)\b", norm)


def _planned(norm: str, a: int, b: int) -> bool:
    """The therapy at [a, b) is one to be given, and the item names none received."""
    if _RECEIVED.search(norm):
        return False
    return bool(
        _PLANNED_BEFORE.search(norm[max(0, a - 60) : a])
        or _PLANNED_AFTER.match(norm[b : b + 40])
        # "Docetaxel 75 mg/m² every 3 weeks for 4 courses (12 weeks)": a dose and a
        # schedule describe the treatment to be given (an arm), not one received
        or _DOSING_AFTER.match(norm, b)
    )


_DOSING_AFTER = re.compile(
    r"\s*(?:\(?[\w-]+\)?\s*)?\d+(?:[.,]\d+)?\s*(?:mg|µg|mcg|g|iu|units?|auc)\b[^.;]{0,40}?"
    r"\b(?:every|weekly|daily|once|twice|q\s?\d|bid|tid|per (?:day|week)|days? \d|on days?)\b"
)


#: "chemotherapy naive", "naive to chemotherapy": never treated with it
_NAIVE_AFTER = re.compile(r"^(?:[\s-]+(?:\w+[\s-]+){0,1})?na[iï]ve\b")
_NAIVE_BEFORE = re.compile(r"\bna[iï]ve\s+(?:to|for)\s+(?:\w+\s+){0,3}$")


def _naive(norm: str, a: int, b: int) -> bool:
    """The therapy at [a, b) is one the patient must be naive to (a lone rule, not one of
    alternatives such as "naive or treated more than 5 years ago", nor a subgroup "For
    taxane-naive patients")."""
    if not (_NAIVE_AFTER.match(norm[b : b + 25]) or _NAIVE_BEFORE.search(norm[max(0, a - 40) : a])):
        return False
    if re.search(r"\b(?:received|prior|previous(?:ly)?|progress\w*)\b", norm[a:b]):
        return False  # another therapy, one required, shares the constraint
    return not re.search(r"\bna[iï]ve\b[^.;]{0,60}\bor\b|\bfor\s+(?:\w+[\s-]+){0,2}na[iï]ve", norm)
