# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Laboratory thresholds: analyte, operator, value, unit (normalised to the canonical
unit of ``osteotrials.vocab.labs``), multiples of ULN/LLN, and conditional
thresholds (liver metastases, Gilbert syndrome, bone metastases).

One constraint per analyte and bound, so "ANC >= 1500/uL, platelets >= 100,000/uL
and hemoglobin >= 9 g/dL" gives three constraints.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from functools import cache

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import NUM, OP_RE, ItemText, to_number, to_op
from osteotrials.model.criteria import Constraint, Logic
from osteotrials.vocab import labs
from osteotrials.vocab._regex import fast_start, first_character_groups

FAMILY = "lab"
#: measured by the cardiac component instead
_CARDIAC = {"lvef", "qtc"}
#: direction assumed when a comparison symbol was lost (NLI4CT) or not written
LOWER_BOUNDED = {
    "anc",
    "wbc",
    "platelets",
    "hemoglobin",
    "albumin",
    "crcl",
    "egfr",
    "magnesium",
    "potassium",
    "sodium",
}

_UNIT = (
    r"(?:x\s*)?10\s*\^?\s*(?:9|3|4|6)\s*(?:cells\s*)?/\s*(?:l|ul|mcl|mm\s*\^?\s*3|mm3|cmm|ml)\b"
    r"|(?:cells|cell)?\s*/\s*(?:ul|mcl|mm\s*\^?\s*3|mm3|cu\.?\s?mm|cmm|l)\b"
    r"|k\s*/\s*ul|g\s*/\s*dl|gm\s*/\s*dl|g\s*/\s*l|mg\s*/\s*dl|mg\s*/\s*l|mg\s*%|u?mol\s*/\s*l|micromol\s*/\s*l|mmol\s*/\s*l"
    r"|ml\s*/\s*min(?:ute)?(?:\s*/\s*1\.73\s*m\s*\^?\s*2|\s*per\s*1\.73\s*m\s*2)?|ml/s|%|msec|ms\b|iu\s*/\s*l|u\s*/\s*l|seconds?|sec\b|meq\s*/\s*l|g\s*/\s*24\s*h(?:ours?)?"
)
_MULT = (
    r"(?:fold\s*)?(?:x|times?)?\s*(?:the\s+)?(?:institutional\s+|upper\s+|lab(?:oratory)?\s+)*"
    r"(?P<ref>uln|iuln|unl|ulrr|upper limits? of (?:the\s+)?reference range|upper limits? of (?:the\s+)?(?:institutional\s+)?normal(?: range| limits?| value)?|upper normal limits?|upper limit normal|lln|lower limits? of (?:the\s+)?normal(?: range)?|normal upper limit"
    # "ALT/AST > 2 times normal values", "> 2X normal limits", "1.5 times the upper
    # institutional limits of normal"
    r"|(?<=upper institutional )limits? of normal|(?<=x )normal (?:values?|limits?)|(?<=times )normal (?:values?|limits?)|(?<=time )normal (?:values?|limits?)"
    # "AST or ALT less than twice normal"
    r"|(?<=twice )normal\b(?: (?:values?|limits?))?)"
)
#: a multiple written as a word: "twice the upper limit of normal", "three times the ULN"
#: (only before a reference, so "three" alone is never a threshold)
_WORD_MULTIPLE = (
    r"(?:twice|two|three|four|five|ten)"
    r"(?=\s*(?:times?\s*|x\s+)?(?:the\s+)?(?:institutional\s+|upper\s+)*(?:uln\b|unl\b|upper\b|normal\b))"
)
_THRESH = re.compile(
    rf"(?P<op>{OP_RE})?\s*(?:a\s+|of\s+|the\s+)?(?P<n>{NUM}|{_WORD_MULTIPLE})\s*(?:{_MULT}|(?P<unit>{_UNIT}))?(?P<post>\s*(?:or|and)\s+(?:more|greater|higher|above|over|less|lower|below))?"
)
_REF_ONLY = re.compile(
    rf"(?P<op>{OP_RE})\s*(?:the\s+)?(?:institutional\s+)?(?:{_MULT})|\b(?P<wnl>within (?:the\s+)?(?:institution(?:al)?\s+)?(?:normal (?:limits?|range)|limits of normal)|wnl|(?<=levels )normal limits|(?:no greater than|not above|below|less than|≤|<=|=<|<)\s*(?:the\s+)?(?:institution(?:al)?\s+)?(?:normal|upper limit|limits of normal)|(?:is|are|be|were)?\s*(?<!of )(?<!times )(?<!time )(?<!twice )(?<!x )(?<!outside )(?<!out of )(?<!limit or )normal\b(?!\s+(?:upper\s+)?limits?\b|\s+range\b))"
    # "a CPK level above normal": more than the upper limit
    r"|\b(?P<above>(?:above|greater than|higher than|more than|exceeds?|exceeding|over)\s+(?:the\s+)?(?:institutional\s+)?normal)\b(?!\s+(?:upper\s+)?limits?\b|\s+range\b)"
)
_CONDITIONS = [
    (
        re.compile(
            r"liver (?:metasta\w*|mets|involvement|lesions?)|hepatic (?:metasta\w*|involvement|lesions?)|metasta\w* (?:to|in|of) the liver|liver disease due to"
        ),
        "liver_metastases",
    ),
    # "hereditary benign hyperbilirubinaemia", "Meulengracht": Gilbert syndrome by other names
    (
        re.compile(
            r"gilbert|meulengracht|(?:hereditary|benign|familial|unconjugated) hyperbilirubin"
        ),
        "gilbert_syndrome",
    ),
    (
        re.compile(
            r"bone (?:metasta\w*|mets|involvement|lesions?)|osseous metasta|metasta\w* (?:to|in) (?:the )?bone|bony metasta"
        ),
        "bone_metastases",
    ),
]
_ADEQUATE = re.compile(
    r"\b(?:adequate|normal|sufficient|acceptable|satisfactory|good|inadequate|impaired|poor|abnormal|insufficient)\s+(?P<organs>[a-z ,/&-]{0,70}?)\s*(?:functions?|reserves?|values|parameters|status)\b"
    r"|\blaboratory (?:values|parameters|results|tests?) (?:meeting|within|as|that meet|must be)"
)
_ORGAN_WORD = re.compile(
    r"marrow|hematolog|haematolog|hematopoietic|renal|kidney|hepatic|liver|organ|laboratory|\blab\b|coagulation|biochemical"
)
_ORGANS = {
    "marrow": r"marrow|hematolog|haematolog|hematopoietic",
    "renal": r"renal|kidney",
    "hepatic": r"hepatic|liver",
    "coagulation": r"coagulation",
    "organ": r"organ|laboratory|lab\b|biochemical",
}
_CONDITIONAL_MENTION = re.compile(
    r"(?:(?:for|in) (?:(?:a|the|any) )?(?:patients?|subjects?|participants?|individuals?|those|women|men|people|persons) (?:with|whose)|\bif|\bwhen)\s+(?:the\s+)?(?:serum\s+|total\s+)?$"
)
_SUBGROUP_LIMIT = re.compile(
    r"\b(?:included|eligible|enrolled|enroll|allowed|permitted|acceptable|qualify)\s+(?:only\s+)?"
    r"(?:if|when)\s+(?:the\s+)?(?:serum\s+|total\s+)*$"
)
_FORMULA = re.compile(r"cockcroft[- ]?(?:and[- ])?gault|mdrd|ckd[- ]?epi|24[- ]hour urine|measured")


@cache
def _mention_pattern() -> re.Pattern[str]:
    """The analyte-name pattern as ``_mentions`` runs it: the names grouped by their
    first character (``first_character_groups``) behind a first-character look-ahead
    (``fast_start``); the same matches as ``_mention_source(grouped=False)``."""
    return fast_start(re.compile(_mention_source(grouped=True)))


def _mention_source(*, grouped: bool) -> str:
    names: set[str] = set()
    for analyte in labs.analytes().values():
        if analyte.id in _CARDIAC:
            continue
        for name in (analyte.label, *analyte.synonyms):
            n = name.lower()
            if len(n) <= 2 or n in {
                "ap",
                "pt",
                "ld",
                "cr",
                "ef",
                "ca",
                "na",
                "mg",
                "k",
                "hb",
                "e2",
                "neutrophil",
                "neutrophils",
                "granulocytes",
            }:
                continue
            names.add(n)
    names |= {
        "transaminases",
        "aminotransferases",
        "ast/alt",
        "alt/ast",
        "sgot/sgpt",
        "sgpt/sgot",
        "liver enzymes",
        "neutrophils",
        "neutrophil",
        "hb",
        "hgb",
        "cr",
    }
    alternatives = [
        re.escape(n).replace(r"\ ", r"[\s-]+") for n in sorted(names, key=len, reverse=True)
    ]
    body = first_character_groups(alternatives) if grouped else "|".join(alternatives)
    # a footnote digit glued to the name ("Creatinine Clearance1 40 mL/min") is allowed
    # a name after "/" only after a parenthesis: "alanine aminotransferase (ALT)/aspartate
    # aminotransferase (AST)" (the "AST" of "ALT/AST" is part of that name)
    return rf"(?<![\w-])(?<!\w/)(?:{body})(?![a-z_-])(?!\d+(?:[.,]\d|[a-z]))"


def _analytes_of(name: str) -> list[str]:
    key = re.sub(r"\s+", " ", name.replace("-", " ")).strip()
    if key in {
        "transaminases",
        "aminotransferases",
        "ast/alt",
        "alt/ast",
        "sgot/sgpt",
        "sgpt/sgot",
        "liver enzymes",
    }:
        return ["ast", "alt"]
    found = labs.normalise_analyte(key)
    return [found] if found else []


@dataclass
class _Mention:
    start: int
    end: int
    analytes: list[str]
    conditional: bool = False


@dataclass
class _Threshold:
    start: int
    end: int
    op: str | None
    value: float | None
    unit: str | None
    ref: str | None  # "uln" / "lln"
    lost: bool


def _mentions(item: ItemText) -> list[_Mention]:
    out: list[_Mention] = []
    for m in _mention_pattern().finditer(item.norm):
        analytes = _analytes_of(m.group(0))
        if not analytes:
            continue
        if _CONDITIONAL_MENTION.search(item.norm[max(0, m.start() - 30) : m.start()]):
            # "who may be included if the total bilirubin is <= 3.0 x ULN": the figure is the
            # limit of the subgroup the rule before names, read with it (the mention is
            # skipped). "for individuals with total bilirubin levels > 1.5 x ULN", "if
            # creatinine is > 1.5 x ULN, then ...": whom a rule is for, kept as a mention
            # that makes no rule, so that its figure is not read as the previous analyte's
            if not _SUBGROUP_LIMIT.search(item.norm[max(0, m.start() - 50) : m.start()]):
                out.append(_Mention(m.start(), m.end(), analytes, conditional=True))
            continue
        # "(SGOT)" right after "AST", "(ANC)" after "absolute neutrophil count": same mention
        if (
            out
            and out[-1].analytes == analytes
            and re.fullmatch(r"[\s(]*", item.norm[out[-1].end : m.start()])
        ):
            out[-1].end = m.end() + (1 if item.norm[m.end() : m.end() + 1] == ")" else 0)
            continue
        if (
            out
            # "transaminases (ALT, AST)": every name in the parenthesis
            and re.fullmatch(
                r"\s*\(\s*(?:[a-z]+\s*(?:,|/|\band\b|\bor\b)\s*)*",
                item.norm[out[-1].end : m.start()],
            )
            and set(analytes) <= set(out[-1].analytes)
        ):
            continue
        out.append(_Mention(m.start(), m.end(), analytes))
    return out


def _thresholds(item: ItemText, a: int, b: int) -> list[_Threshold]:
    region = item.norm[a:b]
    out: list[_Threshold] = []
    pos = 0
    while pos < len(region):
        lost_ref = re.match(
            r"\s{2,}(?:the\s+)?(?:institutional\s+)?(?P<ref>uln|lln|upper limit of normal|lower limit of normal)\b",
            item.text[a + pos : b].lower(),
        )
        if lost_ref:
            lost_side = "lln" if lost_ref.group("ref").startswith(("lln", "lower")) else "uln"
            out.append(
                _Threshold(a + pos, a + pos + lost_ref.end(), None, 1.0, None, lost_side, True)
            )
            pos += lost_ref.end()
            continue
        m = _THRESH.search(region, pos)
        r = _REF_ONLY.search(region, pos)
        if r and (not m or r.start() < m.start()) and not (m and m.start() <= r.start() < m.end()):
            wnl = r.group("wnl")
            if r.group("above"):
                op: str | None = ">"
            else:
                op = "<=" if wnl or not r.group("op") else to_op(r.group("op"))
            ref = (
                "lln"
                if r.group("ref")
                and r.group("ref")[0] == "l"
                and r.group("ref").startswith(("lln", "lower"))
                else "uln"
            )
            out.append(_Threshold(a + r.start(), a + r.end(), op, 1.0, None, ref, False))
            pos = r.end()
            continue
        if not m:
            break
        n = 2.0 if m.group("n") == "twice" else to_number(m.group("n"))
        op_text = m.group("op")
        ok = n is not None and (op_text or m.group("post") or m.group("ref") or m.group("unit"))
        # a bare number right after the analyte with two spaces: lost symbol
        lost = False
        if n is not None and not op_text and not m.group("post"):
            before = item.text[a + pos : a + m.start("n")]
            if re.search(r"\s{2,}$", before) or re.search(
                r"(?:of|level|count|is|:)\s*$", region[max(0, m.start() - 8) : m.start("n")]
            ):
                ok = (
                    bool(m.group("ref") or m.group("unit"))
                    or re.search(r"\s{2,}$", before) is not None
                )
                lost = re.search(r"\s{2,}$", before) is not None
        if re.match(
            r"\s*(?:days?|weeks?|months?|years?|hours?|mg/day|mg daily|mg)\b", region[m.end("n") :]
        ) and not m.group("unit"):
            ok = False
        if ok and n is not None:
            op = to_op(op_text) if op_text else None
            if op is None and m.group("post"):
                op = "<=" if re.search(r"less|lower|below", m.group("post")) else ">="
            side: str | None = None
            if m.group("ref"):
                side = "lln" if m.group("ref").startswith(("lln", "lower")) else "uln"
            out.append(_Threshold(a + m.start(), a + m.end(), op, n, m.group("unit"), side, lost))
        pos = m.end() if m.end() > pos else pos + 1
    return out


def _infer_unit(analyte: str, value: float) -> str | None:
    if analyte in ("anc", "wbc"):
        return "/ul" if value >= 100 else "10^9/l"
    if analyte == "platelets":
        return "/ul" if value >= 1000 else "10^9/l"
    if analyte == "hemoglobin":
        return "g/dl" if value < 25 else "g/l"
    if analyte == "creatinine":
        return "mg/dl" if value < 15 else "umol/l"
    if analyte == "bilirubin":
        return "mg/dl" if value < 10 else "umol/l"
    if analyte == "albumin":
        return "g/dl" if value < 10 else "g/l"
    if analyte == "calcium":
        return "mg/dl" if value > 5 else "mmol/l"
    if analyte == "crcl":
        return "ml/min"
    if analyte == "egfr":
        return "ml/min/1.73m2"
    if analyte == "inr":
        return "ratio"
    return None


#: a limit above this many times the analyte's reference ULN is a unit written wrong
_IMPLAUSIBLE_ULN_MULTIPLE = 50.0
_IMPLAUSIBLE_CONFIDENCE = 0.5


def _condition(norm: str) -> list[str]:
    return [name for pattern, name in _CONDITIONS if pattern.search(norm)]


def _params(analyte: str, t: _Threshold) -> tuple[dict[str, object], float]:
    op = t.op
    conf = 0.9
    params: dict[str, object] = {"analyte": analyte}
    if op is None or op == "=":
        # "Platelet count = 100,000/µl", "absolute neutrophil count  or = 1,500/μL": no
        # eligibility limit is an equality; the "≥" or "≤" was lost
        op = ">=" if analyte in LOWER_BOUNDED else "<="
        params["symbol_lost"] = True
        conf = 0.55
    params["op"] = op
    if t.ref:
        params["uln_multiple" if t.ref == "uln" else "lln_multiple"] = t.value
        params["relative_to"] = t.ref.upper()
        return params, conf
    params["value"] = t.value
    unit = t.unit
    if unit is None and t.value is not None:
        unit = _infer_unit(analyte, t.value)
        if unit is not None:
            params["unit_inferred"] = True
            conf = min(conf, 0.7)
    if unit is not None:
        params["unit"] = re.sub(r"\s+", "", unit)
        try:
            canonical = labs.to_canonical(analyte, t.value or 0.0, unit)
            params["canonical_value"] = round(canonical, 4)
            params["canonical_unit"] = labs.canonical_unit(analyte)
            uln = labs.analytes()[analyte].reference.uln
            if uln is not None and canonical > _IMPLAUSIBLE_ULN_MULTIPLE * uln:
                # "Platelets >= 100,000 x 10^9/L", "Neutrophil count < 555 x 109/l": a unit
                # written wrong; the figure cannot be compared as it stands
                conf = min(conf, _IMPLAUSIBLE_CONFIDENCE)
        except labs.UnitError:
            conf = min(conf, 0.6)
    return params, conf


#: a later figure in a parenthesis that exempts ("(a subject will not be excluded if a second
#: measurement is less than twice the upper limit of normal)") is no limit of its own: read
#: as one, an exclusion of "< 2 x ULN" excluded every patient with normal values
_EXEMPTING = re.compile(
    r"\((?:[^()]*?)\b(?:not be excluded|(?:still )?be eligible|eligible if|allowed if|acceptable if|permitted if|unless|if (?:a|the) (?:second|repeat(?:ed)?)\b)[^()]*$"
)
_OR_BEFORE = re.compile(r"\bor\s+(?:(?:the|a|an|serum|measured|calculated)\s+)*$")
_UNREAD_ALTERNATIVE_CONFIDENCE = 0.5
_OPERATOR = re.compile(OP_RE)
_NEGATED_HERE = re.compile(r"\b(?:no|not|without|absence of|free of|nor)\s+(?:\w+\s+)?$")
_NOT_ALLOWED_AFTER = re.compile(
    r"^[^.;]{0,40}\b(?:not (?:be )?(?:allowed|permitted|eligible)|excluded|ineligible)\b"
)


def _eligible_side(c: Constraint) -> bool:
    """Whether the limit names the range patients may be in ("ANC >= 1500", "ALT <= 3 x
    ULN"), not the range that excludes ("glucose of 200 mg/dL or greater")."""
    op = str(c.params.get("op", ""))
    if c.params.get("analyte") in LOWER_BOUNDED or "lln_multiple" in c.params:
        return op in (">", ">=")
    return op in ("<", "<=")


_EXCEPTION_BEFORE_ADEQUATE = re.compile(
    r"\b(?:unless|except(?: for| if| when)?|other than)\s+(?:\w+\s+){0,3}$"
)
_JOINT_LIMIT = re.compile(r"\b(?:may|must|should|can)\s*not\s+both\s+be\b")


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    mentions = _mentions(item)
    out: list[Constraint] = []
    group_members: list[int] = []
    consumed_until = 0
    last_threshold_end = 0
    first_threshold_end: dict[str, int] = {}
    unread_alternative = False
    for i, mention in enumerate(mentions):
        if mention.start < consumed_until or mention.conditional:
            continue
        # analytes sharing one threshold: "AST and ALT <= 2.5 x ULN"
        shared = [mention]
        j = i
        while (
            j + 1 < len(mentions)
            and not mentions[j + 1].conditional
            and re.fullmatch(
                r"[\s,/]*(?:and|or|and/or|&)?[\s,/]*(?:\([^)]{0,25}\)|\((?:\s*[a-z]+\s*(?:,|/|\band\b|\bor\b))+)?[\s,/]*(?:and|or|and/or)?\s*(?:serum\s+|total\s+)?",
                norm[mentions[j].end : mentions[j + 1].start],
            )
            and not _thresholds(item, mentions[j].end, mentions[j + 1].start)
        ):
            j += 1
            shared.append(mentions[j])
        last = shared[-1]
        nxt = mentions[j + 1].start if j + 1 < len(mentions) else len(norm)
        # stop at the sentence end unless a conditional threshold follows
        region_end = nxt
        sent = re.search(r"[.;]\s+(?=[a-z(])", norm[last.end : nxt])
        if sent and not _condition(norm[last.end + sent.end() : nxt]):
            region_end = last.end + sent.start()
        ths = _thresholds(item, last.end, region_end)
        # parenthesised "acceptable if ..." alternatives are exceptions, not new constraints
        paren = norm.rfind("(", 0, mention.start)
        if (
            paren > norm.rfind(")", 0, mention.start)
            and re.search(r"acceptable|allowed|permitted|eligible", norm[paren:region_end])
            and out
            and not _condition(norm[paren:region_end])
        ):
            out[-1].logic.exceptions.append(item.text[paren + 1 : region_end].strip(" )"))
            consumed_until = region_end
            continue
        if not ths:
            # an alternative whose limit is written but not read ("or creatinine
            # clearance >= mL/min": the figure lost)
            if _OR_BEFORE.search(norm, max(0, mention.start - 25), mention.start) and (
                _OPERATOR.search(norm, mention.end, min(region_end, mention.end + 30))
            ):
                unread_alternative = True
            continue
        consumed_until = ths[-1].end
        for k, t in enumerate(ths):
            if (
                k + 1 < len(ths)
                and t.ref == "uln"
                and t.op in (">", ">=")
                and ths[k + 1].op is None
                and ths[k + 1].ref == "uln"
                and re.fullmatch(r"\s*to\s*", norm[t.end : ths[k + 1].start])
            ):
                # "(greater than ULN to 1.5 x ULN)": a grade's range; its lower end is no
                # requirement (read as one, it failed every patient with a normal value)
                ths[k + 1] = dataclasses.replace(ths[k + 1], op="<=")
                continue
            if k > 0 and "(" in norm[last_threshold_end : t.start]:
                exempting = _EXEMPTING.search(norm, last_threshold_end, t.start)
                if exempting and out:
                    out[-1].logic.exceptions.append(
                        item.text[exempting.start() + 1 : t.end].strip()
                    )
                    last_threshold_end = t.end
                    continue
            conditions: list[str] = []
            repeated = any(a in first_threshold_end for a in mention.analytes)
            if (
                k > 0
                and t.op is None
                and ths[0].op
                and norm.rfind("(", last_threshold_end, t.start)
                > norm.rfind(")", last_threshold_end, t.start)
            ):
                # "<= 1.5 x ULN (three times the ULN for ...)": the limit's own direction
                t = dataclasses.replace(t, op=ths[0].op)
            if k > 0 or repeated:
                stop = re.search(r"[.;]\s", norm[t.end :])
                window_end = t.end + stop.start() if stop else len(norm)
                # a figure in a parenthesis takes its condition from the parenthesis, when
                # the parenthesis names one
                paren = norm.rfind("(", last_threshold_end, t.start)
                if (
                    paren > norm.rfind(")", last_threshold_end, t.start)
                    and (close := norm.find(")", t.end, window_end)) != -1
                    and _condition(norm[paren:close])
                ):
                    window_end = close
                conditions = _condition(norm[last_threshold_end:window_end])
            if k > 0 and not conditions and not (t.op and ths[0].op and t.op[0] != ths[0].op[0]):
                last_threshold_end = t.end
                continue  # a repeated figure (e.g. "1.5 x 10^9/L (1500/mm3)")
            for mention_ in shared:
                for analyte in mention_.analytes:
                    params, conf = _params(analyte, t)
                    if analyte == "crcl" and (f := _FORMULA.search(norm)):
                        params["formula"] = f.group(0)
                    logic = Logic(conditions=conditions)
                    a_pos = (
                        mention_.start
                        if not conditions
                        else max(
                            last_threshold_end, mention_.start if repeated else last_threshold_end
                        )
                    )
                    c = make(item, FAMILY, a_pos, t.end, params, confidence=conf, logic=logic)
                    if conditions and item.kind == "inclusion":
                        c.polarity = "require"
                    out.append(c)
                    group_members.append(len(out) - 1)
                    first_threshold_end.setdefault(analyte, t.end)
            last_threshold_end = t.end
    if unread_alternative:
        # "Creatinine within normal institutional limits OR creatinine clearance >= mL/min
        # ...": an alternative whose limit is not read (here lost) may be the one the
        # patient meets, so a failure of the others is checked by hand
        for c in out:
            c.confidence = min(c.confidence, _UNREAD_ALTERNATIVE_CONFIDENCE)
    # "creatinine <= 1.5 x ULN OR creatinine clearance >= 40": alternatives
    if len(out) >= 2:
        for x, y in itertools.pairwise(out):
            between = item.norm[x.span[1] - item.start : y.span[0] - item.start]
            if re.search(r"\bor\b", between) and not y.logic.conditions:
                x.logic.connective = "or"
                y.logic.connective = "or"
                x.logic.group = y.logic.group = 1
    m = _ADEQUATE.search(norm)
    if m and _EXCEPTION_BEFORE_ADEQUATE.search(norm, max(0, m.start() - 30), m.start()):
        # "Hepatitis B and/or hepatitis C carriers (unless with normal hepatic function)":
        # the organ function is the exception to another rule (read as a rule, the
        # exclusion barred every patient with normal liver function)
        m = None
    if not out and m and _ORGAN_WORD.search(m.group(0)):
        organs = [name for name, pat in _ORGANS.items() if re.search(pat, m.group(0))]
        adequate = not re.match(r"inadequate|impaired|poor|abnormal|insufficient", m.group(0))
        out.append(
            make(
                item,
                FAMILY,
                m.start(),
                m.end(),
                {"adequate": adequate, "organ": organs or ["organ"]},
                confidence=0.75,
            )
        )
    if out and _JOINT_LIMIT.search(norm):
        # "Alkaline phosphatase and AST may not both be greater than the ULN": the limit is
        # on the pair, which the lab rules do not read; a failure is checked by hand
        for c in out:
            c.confidence = min(c.confidence, _UNREAD_ALTERNATIVE_CONFIDENCE)
    for c in out:
        # In an inclusion item a limit's direction is its operator. A negation elsewhere in
        # the clause belongs to something else ("In absence of liver metastases, ALT <= 3 x
        # ULN", "Adequate hematology without ongoing transfusional support (hemoglobin > 9
        # g/dL ...)"); read as negating the limit, it failed every patient within it. Only a
        # negation right before the analyte ("no bilirubin > 2") or a "not allowed" after it
        # excludes.
        if (
            item.kind == "inclusion"
            and c.polarity == "exclude"
            and "adequate" not in c.params
            and _eligible_side(c)
            and not c.params.get("symbol_lost")
            and not _NEGATED_HERE.search(
                norm[max(0, c.span[0] - item.start - 20) : c.span[0] - item.start]
            )
            and not _NOT_ALLOWED_AFTER.search(
                norm[c.span[1] - item.start : c.span[1] - item.start + 60]
            )
        ):
            c.polarity = "require"
        # a lost symbol in an exclusion names the range that excludes ("Creatinine  2 times
        # ULN" under the exclusion header): the opposite of the usual eligibility bound
        if c.params.get("symbol_lost") and c.polarity == "exclude":
            c.params["op"] = {">=": "<=", "<=": ">="}.get(str(c.params["op"]), c.params["op"])
    return out
