# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""CNS metastases (domain.md 1.9): none allowed / treated and stable (intervals,
steroid rules) / active / leptomeningeal; one constraint per sentence that names them."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make, named_as_not_measurable, sentences
from osteotrials.criteria.text import NUM_ANY, ItemText, to_number
from osteotrials.model.criteria import Constraint

FAMILY = "cns"
_MENTION = re.compile(
    r"(?<!non-)(?<!non )\b(?:brain|cns|central nervous system|intracranial|cerebral|parenchymal brain)\s+(?:or\s+(?:cns|brain|leptomeningeal)\s+)?(?:metasta\w*|mets|lesions?|disease|involvement|tumou?rs?|deposits?)"
    r"|\bmetasta\w*\s+(?:to|in|of)\s+(?:the\s+)?(?:brain|cns|central nervous system)"
    r"|\b(?:spread|spreading|metastasi[sz]ed)\s+to\s+(?:the\s+)?(?:brain|cns|central nervous system)\b"
    r"|\bmetastatic\s+(?:brain|cns)\s+(?:cancer|carcinoma)"
    r"|\bleptomening\w*(?:\s+(?:disease|metasta\w*|carcinomatosis|involvement))?|\bcarcinomatous meningitis|\bmeningeal (?:carcinomatosis|metasta\w*|disease)"
    r"|(?<!non-)(?<!non )\bcns\b(?! (?:toxicity|penetra))|\bbrain metasta\w*"
)
_ACTIVE = re.compile(
    r"\b(?:active|untreated|progressive|progressing|symptomatic|uncontrolled|unstable|new|growing|requiring (?:immediate |urgent )?(?:local |further |additional )?(?:treatment|therapy|steroids)|not (?:yet )?(?:been )?treated)\b"
)
_TREATED = re.compile(
    r"\b(?:treated|stable|previously[- ]treated|asymptomatic|controlled|inactive|irradiated|resected|radiologically stable|clinically stable)\b"
)
_STEROID = re.compile(r"(?:steroids?|corticosteroids?|dexamethasone)")
_WEEKS = re.compile(
    rf"(?:at least|≥|>=|>|for|minimum of|more than)\s*(?P<n>{NUM_ANY})\s*(?P<u>weeks?|days?|months?)"
)


#: "treated brain metastases that are no longer symptomatic": symptoms that have resolved
_NO_LONGER = re.compile(r"\b(?:no longer|not)\s+(symptomatic|active|progressing|progressive)\b")
_RESOLVED_WORD = {
    "symptomatic": "asymptomatic",
    "active": "inactive",
    "progressing": "stable",
    "progressive": "stable",
}


def _resolved(sentence: str) -> str:
    """The sentence with "no longer symptomatic" read as "asymptomatic" (and the like)."""
    return _NO_LONGER.sub(lambda m: _RESOLVED_WORD[m.group(1)], sentence)


def _status(sentence: str, mention: str) -> str:
    if re.search(r"lepto|meningeal|meningitis", mention):
        return "leptomeningeal"
    if re.search(
        r"\bno (?:known |history of |evidence of |clinical evidence of )?(?:\w+\s+){0,3}$",
        sentence[: sentence.find(mention) if mention in sentence else 0],
    ):
        return "any"
    if _ACTIVE.search(sentence) and not re.search(
        r"\b(?:previously treated|treated and stable|stable)\b", sentence
    ):
        return "active"
    if _TREATED.search(sentence):
        return "treated_stable"
    return "any"


_COMPRESSION_AFTER = re.compile(r"\)?\s*compression\b")
#: the metastases must be treated or stable before entry (a rule for those who have them)
_MUST_BE_TREATED = re.compile(
    r"[^.;]{0,40}?\b(?:must|should|need to|are required to|have to)\s+(?:have\s+)?(?:been\s+|be\s+)?"
    r"(?:undergo|treated|received|completed|stable|asymptomatic|radiologically stable|definitively treated)"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if not _MENTION.search(norm):
        return []
    out: list[Constraint] = []
    for a, b in sentences(norm):
        # status words are read from the resolved sentence, offsets from the original
        sent = _resolved(norm[a:b])
        seen: set[str] = set()
        for m in _MENTION.finditer(norm, a, b):
            if m.group(0) == "cns" and not re.search(r"metasta|disease|involvement|lesion", sent):
                continue
            if named_as_not_measurable(norm, m.start()):
                continue  # "Bone, CNS, and skin lesions ... are not considered measurable"
            if _COMPRESSION_AFTER.match(norm, m.end()) or m.group(0).endswith("compression"):
                continue  # "CNS compression" in a list of bone complications: the spinal cord
            status = _status(sent, m.group(0))
            if (
                item.kind == "inclusion"
                and status in ("active", "any")
                and _MUST_BE_TREATED.match(norm, m.end())
            ):
                # "Known, untreated brain metastases must undergo definitive local therapy
                # prior to study entry": a rule for patients who have them, met once treated
                status = "treated_stable"
            if status in seen:
                continue
            seen.add(status)
            params: dict[str, object] = {"status": status}
            if status == "treated_stable":
                if st := _STEROID.search(sent):
                    near = sent[max(0, st.start() - 40) : st.end() + 40]
                    params["steroids"] = (
                        "stable_or_off"
                        if re.search(
                            r"stable dose|stable or decreasing|decreasing|tapering|stable (?:or|and) ",
                            near,
                        )
                        else "off"
                    )
                wk = _WEEKS.search(sent)
                if wk and (n := to_number(wk.group("n"))) is not None:
                    unit = wk.group("u")
                    params["stable_weeks"] = round(
                        n if unit.startswith("w") else n / 7 if unit.startswith("d") else n * 4.345,
                        2,
                    )
                if re.search(r"asymptomatic", sent):
                    params["symptomatic"] = False
            elif (
                status == "active"
                and re.search(r"symptomatic", sent)
                and not re.search(r"asymptomatic", sent)
            ):
                params["symptomatic"] = True
            conf = 0.85 if status != "any" else 0.75
            out.append(
                make(
                    item,
                    FAMILY,
                    m.start(),
                    m.end(),
                    params,
                    confidence=conf,
                    time_window=item.time_window(a, b),
                )
            )
    return out
