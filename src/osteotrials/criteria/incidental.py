# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Incidental mentions: words that name a family but are not the item's own condition.

An item states one condition (its head) and often mentions other things on the way:
the time anchor of an interval ("for 30 days after surgery", "before the first dose of
study drug"), examples of another kind than the head ("hormonal agents such as raloxifene
... for osteoporosis"), the purpose of the rule ("... which will limit the ability of the
patient to safely receive anticancer treatment"), the reason for it ("must not be pregnant
due to the potential harm to the fetus from radiation exposure"), or a trailing condition
of applicability ("must be 19 years of age if the patient is a resident of ..."). A family
mentioned only inside such a scope is not a rule of the item.

``scopes(item)`` finds those scopes in an item's normalised text; ``drop_incidental``
removes a constraint that lies wholly inside one when its family is not also found
outside every scope and the item keeps at least one constraint outside them (the head).
Constraints of a family the head has are kept: an example list may add parameters to the
head's family ("heart disease (e.g. congestive heart failure)"). Structural, not lexical:
no family is named here, so the same rule covers every family.
"""

from __future__ import annotations

import re
import sys
from typing import Literal

from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint
from osteotrials.vocab._regex import gate_module

ScopeKind = Literal[
    "example",
    "anchor",
    "purpose",
    "cause",
    "condition",
    "abbreviation",
    "subgroup",
    "lead",
    "trial",
    "indication",
    "treatment",
]

#: "(e.g. ...", "(such as ...", "(for example ...": examples of the condition before them,
#: up to the closing parenthesis; "(i.e. ...)" restates it in other words ("not curable by
#: local measures (i.e., surgery, radiation)"), which names no rule of another kind either,
#: unless it restates the rule as its own condition ("not a candidate for Herceptin (i.e.,
#: patients with HER-2 positive disease ... are ineligible)", "(i.e., absence of ...)")
_EXAMPLE_PARENS = re.compile(
    r"\(\s*(?:e\.?\s?g\.?|(?:i\.\s?e\.?|ie\.)(?![,:]?\s*(?:patients|participants|subjects|absence|presence|no|without|having|those)\b)|for example|for instance|such as|including(?: but not limited to)?)(?=[\s,:])"
)
#: "such as ...", "e.g. ...", "for example ..." outside parentheses: up to the clause end
_EXAMPLE_BARE = re.compile(r"(?<!\()\b(?:e\.g\.|such as|for example|for instance)(?=[\s,:])")
#: time anchors naming a later event of the study: "before the first dose of X", "at the
#: start of study treatment", "after the last dose of study drug",
#: and the duration of an obligation ("for at least 30 days after surgery")
_ANCHOR = re.compile(
    r"\b(?:prior to|before|preceding|after|following|until|up to|from|since|at|on|of)\s+(?:the\s+)?(?:first|1st|initial)\s+(?:dose|administration|infusion|cycle|day|treatment)s?\s+of\b"
    r"|\b(?:prior to|before|preceding|until|at|of)\s+(?:the\s+)?(?:first|1st|initial)\s+(?:\w+\s+){1,2}?(?:dose|cycle|infusion|administration)s?\b"
    r"|\b(?:prior to|before|preceding|after|following|until|at)\s+(?:the\s+)?(?:start|initiation|beginning|commencement)\s+of\s+(?:the\s+)?(?:study|protocol|trial|randomi[sz]ed)\b"
    r"|\bduring\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:portion|phase|part)\s+of\s+(?:the\s+|this\s+)?(?:study|trial|protocol)\b"
    r"|\bat\s+the\s+time\s+of\s+(?:the\s+)?(?:proposed|planned|definitive|scheduled)\b"
    r"|\b(?:after|following|until|post)\s+(?:the\s+)?(?:last|final)\s+(?:dose|administration|infusion)s?\s+of\s+(?:the\s+)?(?:study|protocol|trial|investigational|randomi[sz]ed)\b"
)
#: the duration of an obligation ("contraception for at least 30 days after surgery"): the
#: event after "after" is its anchor; an interval rule ("within 4 weeks after surgery",
#: "at least 4 weeks after surgery") is not matched
_AFTER_DURATION = re.compile(
    r"\b(?:for|during|throughout)\s+(?:at least\s+|a minimum of\s+|a period of\s+|up to\s+|the\s+)?(?:\d+|\w+)\s+(?:\(\d+\)\s+)?(?:days?|weeks?|months?|years?)\s+(?P<a>after|following|post)\b"
)
#: the study treatment named as the time or setting of another rule: "contraceptive methods
#: must be used during chemotherapy and hormone therapy treatments", "16 weeks from the
#: start of lapatinib therapy", "discontinue St. Johns Wort while receiving dasatinib",
#: "withheld for the first 8 weeks of dasatinib therapy", "(dasatinib must be swallowed
#: whole)", "LVEF ... after preoperative chemotherapy": the therapy after the anchor (the
#: group ``a``-``a6`` that matched) is no rule; read as one, each required the study drug
#: of every patient
_STUDY_TREATMENT = re.compile(
    r"\b(?:used|use|using|practi[sc]ed?|practi[sc]ing)\s+(?P<a>during)\b"
    r"|\b(?:life expectancy|survival)\b[^.;]{0,40}?\b(?P<a2>from)\s+the\s+(?:start|beginning|initiation)\s+of\b"
    r"|\b(?:discontinu\w*|withh[eo]ld\w*|withdrawn|avoid\w*|stop\w*)\b[^;]{0,60}?\b(?P<a3>while|during)\b"
    r"|\b(?P<a4>(?:first|initial)\s+\d+\s+(?:weeks?|days?|cycles?|months?)\s+of)\b"
    r"|\b(?P<a5>[\w-]+)\s+(?:tablets?\s+|capsules?\s+)?(?:must|should|is to|are to)\s+be\s+swallowed"
    r"|\b(?:lvef|ejection fraction)\b[^.;]{0,80}?\b(?P<a6>after|following)\b"
)
_STUDY_TREATMENT_GROUPS = ("a", "a2", "a3", "a4", "a5", "a6")
#: what a condition would stop: "that would preclude the use of chemotherapy", "which will
#: limit the ability of the patient to safely receive anticancer treatment": the therapy
#: is the purpose of the rule, not a rule of its own
_PURPOSE = re.compile(
    r"\b(?:that|which)\s+(?:would|might|could|may|will|can)\s+(?:\w+\s+){0,2}?(?:preclude|prevent|interfere with|limit|compromise|contraindicate|jeopardi[sz]e)\s+(?:the\s+)?(?:\w+\s+){0,6}?(?:use of|receiving|receive|administration of|treatment with|tolerat\w*)\b"
    # "significant active infection precluding transplant": what the condition rules out
    # (not "precluding informed consent": the ability to consent is a rule of its own)
    r"|\bprecluding\b(?!\s+(?:\w+\s+){0,2}?(?:consent|complian\w*|participat\w*|follow))"
)
#: the reason given for a rule: "must not be pregnant due to the potential harm to the
#: fetus from radiation exposure", "due to bleeding risks", "because of the unknown effects
#: of bevacizumab": the hazard named is not a rule of its own
_CAUSE = re.compile(
    r"\b(?:due to|because of)\s+(?:the\s+)?(?:potential|possible|unknown|increased|known|high|theoretical)?\s*(?:(?:risks?|harms?|harmful effects?|effects?|hazards?|concerns?)\b|(?:\w+\s+)?(?:bleeding|teratogenic|fetal)\s+(?:risks?|effects?|exposure)\b)"
)
#: a condition of applicability after the rule it qualifies ("must be 19 years of age if
#: the patient is a resident of ...", "amenorrheic for 12 months if the subject is < 50
#: years old"); not at the start of a sentence ("If the patient has a history of a prior
#: non-breast cancer, ..." states the item's topic) nor after "eligible"/"allowed" ("are
#: eligible if they have not received prior chemotherapy" is the rule itself)
_CONDITIONAL = re.compile(
    r"(?<=[\w)])\s*,?\s+\(?(?P<kw>if|when)\s+(?:the\s+)?(?:patient|subject|participant|mother)\s+(?:is|was|has|had)\b"
)
_ELIGIBLE_BEFORE = re.compile(
    r"\b(?:eligible|allowed|permitted|included|acceptable|accepted|enrolled)\b"
)
#: an abbreviation in parentheses (read on the original text: upper-case letters, digits,
#: slashes, hyphens). When its letters are not those of the words before it ("pelvic
#: exenteration (TAH/BSO)") it names something more specific, like an example, and adds no
#: family of another kind than the head's; when they are ("central nervous system (CNS)")
#: it restates those words and is left alone
_ABBREVIATION = re.compile(
    r"(?<=[a-z]) \((?:[A-Z][A-Z0-9]*[a-z]?[A-Z0-9]*(?:[/-](?=[A-Z]))?){1,4}\)"
)
#: a subgroup the rule applies to, after the rule ("(with the exception of trastuzumab for
#: patients with HER2+ breast cancer)", "ECOG 0-2 for participants who will receive
#: paclitaxel"); not sentence-initial ("Patients with brain metastases must ...")
_SUBGROUP = re.compile(
    r"(?<=[\w)%])\s*,?\s+(?P<kw>for|in)\s+(?:those\s+|all\s+)?(?:patients|participants|subjects|women|men|those|cases)\s+(?:with|who|whose|receiving|treated|on|having)\b"
)
#: an age subgroup, up to its age ("FSH in postmenopausal range in patients < 60 years of
#: age who ...", "*Required for patients < 55 years of age and ...")
_AGE_SUBGROUP = re.compile(
    r"(?<=[\w)%*])\s*,?\s+\*?(?P<kw>for|in)\s+(?:patients|participants|subjects|women|men)\s+(?:aged\s+)?(?:younger than|older than|under|over|<|>|≤|≥|<=|>=)\s*\d+\s*(?:years?|yrs?)(?:\s+(?:of age|old))?"
)
#: a leading condition naming the subgroup the rule is for ("if HER2-neu positive must have
#: progressed on trastuzumab", "For triple-negative breast cancer, a minimum of 1 prior
#: cytotoxic chemotherapy regimen ..."), up to its comma or the rule's verb: the rule is the
#: rest (the matcher reads such wording as a subgroup rule, ``match.evaluate``)
_LEADING_CONDITION = re.compile(
    r"^\W*(?P<kw>if|for)\s+(?!example\b|instance\b|at least\b|a (?:minimum|maximum|period|total)\b|the (?:purpose|duration|first|last)\b|more\b|less\b|up to\b|\d)"
)
#: its end: a comma, or the rule's modal verb a few words on ("if HER2-neu positive must")
_LEADING_CONDITION_END = re.compile(r",|^(?:\S+\s+){0,6}?\S+\s(?=(?:must|should|shall)\s)")
#: a leading condition about another cancer ("If the patient has a history of a prior
#: non-breast cancer, all treatment for this cancer must have been completed ...") or about
#: childbearing potential ("For women of child-bearing age, effective contraception must
#: be used") is the item's topic, not a subgroup
_LEADING_TOPICS = frozenset({"other_malignancy", "pregnancy", "administrative"})
#: a literature reference: "(Allison et al, 2020, Wolff et al, 2018)" names authors, not
#: conditions (Wolff read as Wolff-Parkinson-White)
_CITATION = re.compile(r"\([^()]*\bet al\b[^()]*\)")
#: a rationale sentence: "Reason: true tumor size will not be able to be ascertained from
#: the final pathology findings", "The effects of ETBX-011 ... on the developing human fetus
#: are unknown" (to the end of its sentence)
_RATIONALE = re.compile(
    r"\b(?:reason|rationale|justification)\s*:|\bthe effects? of\b(?=[^.;]{0,150}\b(?:fetus|foetus|unborn|embryo))"
)
#: the comma that ends a leading rationale, before the rule's subject
_MAIN_CLAUSE_AFTER = re.compile(
    r",\s+(?=(?:children|patients|participants|subjects|women|men|females?|males?|those|"
    r"pregnant|hiv|any|all)\b)"
)
#: the rationale of a rule ("... are excluded because lapatinib is ...")
_BECAUSE = re.compile(r"\bbecause\b(?!\s+of\b)")
#: what another trial is about ("participation in any other cancer prevention study or
#: osteoporosis prevention study", "trials of systemic therapy for ...")
_TRIAL = re.compile(
    r"\b(?:[\w-]+\s+){1,2}?(?:prevention|treatment|therapy|screening)\s+(?:trials?|stud(?:y|ies))\b|\b(?:trials?|stud(?:y|ies))\s+(?:of|involving|evaluating|testing|using)\b"
)
#: what a therapy is given for ("raloxifene for the treatment or prevention of
#: osteoporosis", "hormonal treatment either for osteoporosis or as replacement therapy")
_INDICATION = re.compile(
    r"\b(?:(?:either\s+)?for|to treat|to prevent)\s+(?:the\s+)?(?:treatment|prevention|management|control|prophylaxis|relief)\s+(?:(?:or|and|and/or)\s+\w+\s+)?of\b|\beither for\b"
)
#: how another condition was treated ("another malignancy requiring systemic treatment
#: within the last two years", "additional malignancy that required active treatment
#: (including surgery, systemic therapy, and radiation)", "ductal carcinoma in situ that was
#: treated with mastectomy or lumpectomy with radiotherapy"), up to the clause end
_TREATMENT = re.compile(
    r"\b(?:required|requiring|requires|whose treatment)\b|\b(?:successfully|curatively|adequately|effectively|completely|definitively)\s+treated\b"
)
#: "treated with ..." without such an adverb describes another cancer only inside an
#: exception ("except for ... ductal carcinoma in situ that was treated with mastectomy");
#: as the rule itself it states a treatment history ("Past history of ductal carcinoma in
#: situ treated with any systemic therapy" is annotated with its therapies)
_EXCEPTION_WORD = re.compile(r"\b(?:except|exception|other than|excluding|unless)\b")
_TREATED = re.compile(r"\btreated\b")
#: heads whose treatment history the annotations read as part of the condition: a rule on
#: another cancer names its treatment to date or bound it, not a therapy rule of its own
#: (77 of 80 annotated other-malignancy items have no therapy family; the 3 that do state
#: the therapy as the head: "previous therapy for any invasive malignancy")
_TREATED_HEADS = frozenset({"other_malignancy"})
#: facts of the patient's own cancer: the cancer an anticancer or supportive therapy is
#: given for is still the patient's ("for treatment of their brain metastases")
_CANCER_FACTS = frozenset(
    {
        "diagnosis",
        "receptor",
        "disease_sites",
        "cns",
        "measurable_disease",
        "other_malignancy",
        "biomarker",
    }
)
#: an anchor ends before a new predicate ("... prior to first dose of everolimus or has
#: not recovered from ...")
_NEW_PREDICATE = re.compile(
    r"\s(?:or|and)\s+(?:has|have|had|is|are|was|were|who|if|unless|must|not)\b|\sand\s+(?:\w+\s+){1,3}?(?:must|should|shall)\s|\s(?:except|unless|other than|excluding|with the exception)\b"
)
#: families by domain: an example list adds no family of a domain its head does not have
#: ("hormonal agents such as raloxifene ... for osteoporosis": no comorbidity; "any serious
#: illness (e.g. HIV, heart failure)": infection and cardiac are kept, as the annotations
#: do; "biopsy of accessible lesions (e.g. liver)": no site rule)
_DOMAIN: dict[str, str] = {
    **dict.fromkeys(
        (
            "prior_therapy",
            "radiotherapy",
            "surgery",
            "medication",
            "bone_agent",
            "trial_participation",
        ),
        "therapy",
    ),
    "administrative": "administrative",
    "age": "demographic",
    "sex": "demographic",
}


#: the head's own words name the domain of its examples even when no family was read
#: from them: "concurrent antithrombotic therapy (e.g. aspirin or anticoagulants)",
#: "definite contraindication for denosumab (e.g. hypocalcaemia)"
_HEAD_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "therapy",
        re.compile(
            r"\b(?:therap\w*|treat\w*|agents?|drugs?|medications?|medicines?|inhibitors?|regimens?|compounds?|supplements?|steroids?|antibiotics?|take|takes|taking|use of|using|receiv\w*)\b"
        ),
    ),
    (
        "condition",
        re.compile(
            r"\b(?:diseases?|illness\w*|conditions?|disorders?|comorbidit\w*|events?|infections?|problems?|abnormalit\w*|dysfunctions?|syndromes?|contraindicat\w*|impairments?|factors?)\b"
        ),
    ),
)


def _head_domains(item: ItemText, start: int) -> set[str]:
    """Domains the words just before an example list name (its head noun phrase)."""
    left = max(item.clause_bounds(start)[0], start - 80)
    words = item.norm[left:start]
    return {domain for domain, pattern in _HEAD_WORDS if pattern.search(words)}


def _domain(family: str) -> str:
    return _DOMAIN.get(family, "condition")


#: a scope without punctuation ends after this many characters (flattened PDQ records run
#: several rules together without a full stop)
_MAX_SCOPE = 150


def _close_paren(norm: str, start: int) -> int:
    """End of the parenthesis opened at or before ``start`` (its closing bracket)."""
    depth = 0
    for i in range(start, len(norm)):
        ch = norm[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth <= 0:
                return i + 1
    return len(norm)


def _clause_end(norm: str, start: int, *, comma: bool) -> int:
    """End of the clause from ``start``: a semicolon or full stop, an unmatched closing
    parenthesis, or (``comma``) a comma outside parentheses."""
    depth = 0
    for i in range(start, len(norm)):
        ch = norm[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (
            ch == ";"
            or (ch == "." and (i + 1 == len(norm) or norm[i + 1].isspace()))
            or (comma and ch == ",")
        ):
            return i
    return len(norm)


def _sentence_end(norm: str, start: int, limit: int) -> int:
    """The full stop ending the sentence from ``start`` (or ``limit``, or the text's end)."""
    stop = norm.find(". ", start, limit)
    return min(len(norm), limit) if stop < 0 else stop


def _anchor_end(norm: str, start: int) -> int:
    end = min(_clause_end(norm, start, comma=True), start + _MAX_SCOPE)
    m = _NEW_PREDICATE.search(norm, start, end)
    return m.start() if m else end


def _restates(abbreviation: str, before: str) -> bool:
    """Whether ``abbreviation``'s letters are those of the words just ``before`` it, in
    order, the first at the start of a word (Schwartz and Hearst's test)."""
    letters = [ch.lower() for ch in abbreviation if ch.isalnum()]
    words = before.split()[-min(len(letters) + 5, 2 * len(letters)) :]
    text = " ".join(words).lower()
    pos = len(text) - 1
    for i in range(len(letters) - 1, -1, -1):
        ch = letters[i]
        while pos >= 0 and (text[pos] != ch or (i == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return False
        pos -= 1
    return True


def scopes(item: ItemText) -> list[tuple[int, int, ScopeKind]]:
    """Incidental scopes (local start, end, kind) of ``item``, in text order."""
    cached = item.memo.get("incidental")
    if cached is not None:
        return list(cached)
    norm = item.norm
    found: list[tuple[int, int, ScopeKind]] = []
    for m in _EXAMPLE_PARENS.finditer(norm):
        found.append((m.start(), _close_paren(norm, m.start()), "example"))
    for m in _EXAMPLE_BARE.finditer(norm):
        end = min(_clause_end(norm, m.end(), comma=False), m.end() + _MAX_SCOPE)
        found.append((m.start(), end, "example"))
    for m in _ANCHOR.finditer(norm):
        found.append((m.start(), _anchor_end(norm, m.end()), "anchor"))
    for m in _AFTER_DURATION.finditer(norm):
        found.append((m.start("a"), _anchor_end(norm, m.end()), "anchor"))
    for m in _STUDY_TREATMENT.finditer(norm):
        group = next(g for g in _STUDY_TREATMENT_GROUPS if m.group(g))
        # the drug that "must be swallowed whole" is all the scope holds
        end = m.end(group) if group == "a5" else _anchor_end(norm, m.end())
        found.append((m.start(group), end, "anchor"))
    for m in _CAUSE.finditer(norm):
        found.append((m.start(), _anchor_end(norm, m.end()), "cause"))
    for m in _CONDITIONAL.finditer(norm):
        left = item.clause_bounds(m.start())[0]
        if _ELIGIBLE_BEFORE.search(norm, left, m.start()) or item.text[m.start("kw")].isupper():
            continue  # "... eligible if ..." is the rule; "If ..." starts a sentence
        found.append((m.start(), _anchor_end(norm, m.end()), "condition"))
    for m in _SUBGROUP.finditer(norm):
        found.append((m.start("kw"), _anchor_end(norm, m.end()), "subgroup"))
    if (lead := _LEADING_CONDITION.match(norm)) and (
        lead_end := _LEADING_CONDITION_END.search(norm[lead.end() : lead.end() + 100])
    ):
        found.append((lead.start("kw"), lead.end() + lead_end.end(), "lead"))
    for m in _AGE_SUBGROUP.finditer(norm):
        found.append((m.start("kw"), m.end(), "subgroup"))
    for m in _CITATION.finditer(norm):
        found.append((m.start(), m.end(), "cause"))
    for m in _RATIONALE.finditer(norm):
        end = min(_clause_end(norm, m.end(), comma=False), m.end() + _MAX_SCOPE)
        found.append((m.start(), end, "cause"))
    for m in _BECAUSE.finditer(norm):
        if (m.start() == 0 or norm[max(0, m.start() - 2) : m.start()] == ". ") and (
            # (to the sentence's full stop: a ";" may be an escaped "&lt;")
            main := _MAIN_CLAUSE_AFTER.search(
                norm, m.end(), _sentence_end(norm, m.end(), m.end() + 300)
            )
        ):
            # "Because no dosing or adverse event data are currently available on the use of
            # trastuzumab, pertuzumab, paclitaxel ... in participants < 18 years of age,
            # children are excluded": a rationale leading its sentence runs past its list's
            # commas, up to the comma before the rule's subject
            found.append((m.start(), main.start(), "cause"))
            continue
        found.append((m.start(), _anchor_end(norm, m.end()), "cause"))
    for m in _TRIAL.finditer(norm):
        found.append((m.start(), _anchor_end(norm, m.end()), "trial"))
    for m in _INDICATION.finditer(norm):
        found.append((m.start(), _anchor_end(norm, m.end()), "indication"))
    for m in _TREATMENT.finditer(norm):
        end = min(_clause_end(norm, m.end(), comma=True), m.end() + _MAX_SCOPE)
        found.append((m.start(), end, "treatment"))
    for m in _EXCEPTION_WORD.finditer(norm):
        stop = norm.find(". ", m.end())
        for t in _TREATED.finditer(
            norm, m.end(), min(m.end() + 200, len(norm) if stop < 0 else stop)
        ):
            end = min(_clause_end(norm, t.end(), comma=True), t.end() + _MAX_SCOPE)
            found.append((t.start(), end, "treatment"))
    for m in _ABBREVIATION.finditer(item.text):
        if sum(ch.isupper() for ch in m.group(0)) >= 2 and not _restates(
            m.group(0), item.text[max(0, m.start() - 120) : m.start()]
        ):  # "(T3)", "(N3)": a stage, not an abbreviation
            found.append((m.start() + 1, m.end(), "abbreviation"))
    for m in _PURPOSE.finditer(norm):
        end = min(_clause_end(norm, m.end(), comma=False), m.end() + _MAX_SCOPE)
        found.append((m.start(), end, "purpose"))
    found.sort()
    item.memo["incidental"] = tuple(found)
    return found


Scope = tuple[int, int, ScopeKind]


def _holding(c: Constraint, item: ItemText, spans: list[Scope]) -> list[Scope]:
    """The scopes that hold all of ``c``."""
    a, b = c.span[0] - item.start, c.span[1] - item.start
    return [sc for sc in spans if sc[0] <= a and b <= sc[1]]


def _contains(outer: Scope, inner: Scope) -> bool:
    return outer != inner and outer[0] <= inner[0] and inner[1] <= outer[1]


def drop_incidental(found: list[Constraint], item: ItemText) -> list[Constraint]:
    """``found`` without the constraints that only an incidental scope gives (see module).

    A scope's head is what the item says outside it at the same level: the constraints
    outside every scope, or, for a scope nested in another ("(e.g., raloxifene for the
    prevention of osteoporosis)"), those inside the outer scope but outside this one."""
    if len({c.family for c in found}) < 2:
        return found  # one family: a scope can only drop a family the head lacks
    spans = scopes(item)
    if not spans:
        return found
    holding = [_holding(c, item, spans) for c in found]
    kept: list[Constraint] = []
    for c, held in zip(found, holding, strict=True):
        if not any(_incidental_in(c, sc, spans, found, holding, item) for sc in held):
            kept.append(c)
    return kept


def _incidental_in(
    c: Constraint,
    scope: Scope,
    spans: list[Scope],
    found: list[Constraint],
    holding: list[list[Scope]],
    item: ItemText,
) -> bool:
    """Whether ``scope`` makes ``c`` incidental: a head outside it has other families."""
    ancestors = [sc for sc in spans if _contains(sc, scope)]
    head = {
        d.family
        for d, held in zip(found, holding, strict=True)
        if scope not in held and all(sc in ancestors for sc in held)
    }
    if not head or c.family in head:
        return False  # nothing said outside it: leave it as it was; or the head's family
    if scope[2] == "treatment" and (not head & _TREATED_HEADS or _domain(c.family) != "therapy"):
        return False  # "infection requiring IV antibiotics": left to the families
    if scope[2] == "lead" and c.family in _LEADING_TOPICS:
        return False
    if scope[2] == "indication" and c.family in _CANCER_FACTS:
        return False  # "corticosteroids for control of symptoms of brain metastases"
    if scope[2] in ("example", "abbreviation"):
        domains = {_domain(f) for f in head} | _head_domains(item, scope[0])
        if _domain(c.family) in domains:
            return False  # a member of the head's kind ("any serious illness (e.g. HIV)")
    return True


# every module-level pattern above runs behind its literal gate (``vocab._regex``): plain
# substring tests first, the regex only when a literal every match contains occurs
gate_module(sys.modules[__name__], inline=True)
