# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Other (second, prior, concurrent) malignancy, within N years, with the usual exceptions."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import exceptions_in, make
from osteotrials.criteria.text import NUM_ANY, ItemText, to_number
from osteotrials.model.criteria import Constraint

FAMILY = "other_malignancy"
_MENTION = re.compile(
    r"\b(?:other|another|second|secondary|prior|previous|concurrent|additional|synchronous|history of (?:a |any )?(?:other |prior |previous )?|active|(?<!the )(?<!for )(?<!of )current)\s+(?:primary\s+|known\s+|invasive\s+|active\s+|current\s+|non-breast\s+|ha?ematolog\w*\s+)*(?:malignan\w*|cancers?|carcinomas?|neoplasms?|tumou?rs?)(?![\s-]+(?:therap\w*|treatments?|agents?|drugs?|medications?|regimens?|directed|genetic|screening|risk|susceptibility|predisposition))"
    r"|(?<!underlying )\bmalignan\w* (?:other than|except|within|in the (?:last|past))|\bnon-breast (?:malignan\w*|cancers?)|\bhistory of (?:invasive )?(?:malignan\w*|cancer)|\binvasive cancers?\b(?=[^.;]{0,60}(?:years|eligible|definitive))|\bprevious history of invasive cancers?"
)
_YEARS = re.compile(
    rf"(?:within|in)\s+(?:the\s+)?(?:last|past|previous|prior)?\s*(?P<n>{NUM_ANY})(?:\s*\(\d+\))?\s*years?|(?P<n2>{NUM_ANY})(?:\s*\(\d+\))?\s*years?|(?:past|last)\s+(?P<n3>{NUM_ANY})\s*years?"
)
#: confidence of an item read as one of the other cancers a trial allows ("Carcinoma in
#: situ of the cervix" under "... malignancy with the exception of:")
LISTED_EXCEPTION_CONFIDENCE = 0.75
_SKIN_CERVIX = re.compile(
    r"basal cell|squamous cell (?:carcinoma )?of the skin|skin cancer|non-?melanoma|carcinoma in situ|in situ|cervical intraepithelial|\bcin\b|dcis|lcis"
)


#: "Diagnosed with advanced NSCLC, breast cancer, GBM or other cancers (such as ...)": the
#: last entry of a list of tumour types a basket trial takes, not a second cancer
_TUMOUR_LIST_BEFORE = re.compile(
    r"(?:[\w-]+\s+){0,3}(?:[\w-]+),\s+(?:[\w-]+\s+){0,3}[\w-]+,?\s+(?:or|and)\s+$"
)
_TUMOUR_TYPE = re.compile(
    r"lung|nsclc|sclc|gastric|colorectal|\bcrc\b|pancrea|ovarian|melanoma|prostate|bladder|urothelial|head and neck|esophag|hepatocellular|\bhcc\b|cervical|endometrial|lymphoma|sarcoma|glioblastoma|\bgbm\b|breast cancer|renal"
)

_THERAPY_FOR_BEFORE = re.compile(
    r"\b(?:therap\w*|treatments?|chemotherap\w*|radiotherap\w*)\s+for\s+(?:the\s+)?(?:breast cancer|this (?:cancer|disease|malignancy))\s+or\s+(?:any\s+)?$"
)


def _basket_list_entry(norm: str, m: re.Match[str]) -> bool:
    if not m.group(0).startswith("other"):
        return False
    before = norm[max(0, m.start() - 90) : m.start()]
    return (
        bool(_TUMOUR_LIST_BEFORE.search(before))
        and len(set(_TUMOUR_TYPE.findall(before))) >= 2
        and not re.search(r"history|prior|previous|within|years", before)
    )


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    m = _MENTION.search(norm)
    if (
        m
        and (
            _basket_list_entry(norm, m)
            # "Prior therapy for breast cancer or any other cancer": what a therapy was for
            or _THERAPY_FOR_BEFORE.search(norm[max(0, m.start() - 80) : m.start()])
        )
    ):
        m = None
    ctx = item.context.lower()
    if not m:
        # sub-items listing exceptions under "... malignancy with the exception of:"
        if (
            re.search(r"malignan|cancer", ctx)
            and re.search(r"except|exception|other than|excluding", ctx)
            and _SKIN_CERVIX.search(norm)
        ):
            return [
                make(
                    item,
                    FAMILY,
                    0,
                    len(norm),
                    {"exceptions": [item.text]},
                    confidence=LISTED_EXCEPTION_CONFIDENCE,
                    polarity="allow",
                )
            ]
        return []
    if re.search(r"breast cancer", norm[m.start() : m.end() + 5]) and not re.search(
        r"other|another|second|non-breast", norm[m.start() : m.end()]
    ):
        return []
    params: dict[str, object] = {}
    y = _YEARS.search(norm, m.start() - 5)
    if y:
        n = to_number(y.group("n") or y.group("n2") or y.group("n3"))
        if n is not None and n <= 20:
            params["years"] = n
    exc = exceptions_in(norm, item.text)
    if exc:
        params["exceptions"] = exc
    elif _SKIN_CERVIX.search(norm[m.end() :]):
        params["exceptions"] = [
            item.text[m.end() + s.start() : m.end() + s.end()]
            for s in _SKIN_CERVIX.finditer(norm[m.end() :])
        ]
    confidence = 0.85
    if re.search(r"\bactive|progressing|requir\w* (?:active )?treatment", norm):
        params["active_only"] = True
        if _NEEDS_TREATMENT.search(norm) and not _ACTIVE_ALONE.search(norm):
            # "Known additional malignancy that is progressing or requires active
            # treatment": an active cancer that is neither (one on active surveillance)
            # does not bar the patient, and the file does not say which; a failure is
            # checked by hand
            confidence = _UNREAD_QUALIFIER_CONFIDENCE
    return [make(item, FAMILY, m.start(), m.end(), params, confidence=confidence, time_window=None)]


#: "progressing or requires active treatment", "that requires treatment"
_NEEDS_TREATMENT = re.compile(
    r"\b(?:progressing|requir\w*\s+(?:active\s+|systemic\s+|ongoing\s+)?(?:treatment|therapy))\b"
)
#: ... unless the item also bars any active cancer on its own ("active malignancy")
_ACTIVE_ALONE = re.compile(
    r"\bactive\s+(?:\w+\s+){0,2}?(?:malignan\w*|cancers?|neoplasms?)\b"
    r"(?!\s+(?:(?:that|which)\s+(?:is\s+|are\s+)?(?:requires?|required|progressing)|requiring))"
)
#: below the matcher's ``min_confidence_for_not_met`` (0.75)
_UNREAD_QUALIFIER_CONFIDENCE = 0.5
