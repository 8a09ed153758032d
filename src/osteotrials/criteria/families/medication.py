# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Concurrent medication: CYP3A inhibitors/inducers, corticosteroids, anticoagulants,
antiretrovirals, proton pump inhibitors, hormone replacement, growth factors, ..."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import MultiPattern, make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "medication"
_CLASSES: list[tuple[str, str]] = [
    (
        "cyp3a_inhibitor",
        r"(?:strong|moderate|potent)?\s*(?:inhibitors? (?:of|or inducers? of) cyp\s*3a4?|cyp\s*450\s*3a4?|cytochrome p-?450,? (?:family 3|3a)|cyp\s*3a4?\s*(?:/\s*5\s*)?(?:isoenzymes?\s*)?(?:inhibitors?|inducers?|substrates?|isoenzymes?)|cyp3a)",
    ),
    (
        "cyp3a_listed_drug",
        r"ritonavir|amprenavir|indinavir|nelfinavir|saquinavir|atazanavir|nefazodone|telithromycin|phenytoin|carbamazepine|phenobarbital",
    ),
    ("cyp_other", r"cyp\s*2c8|cyp\s*2d6|cyp\s*2c9|cyp\s*1a2|cyp\s*2c19"),
    ("pgp", r"p-?gp|p-?glycoprotein"),
    ("bcrp", r"\bbcrp\b|breast cancer resistance protein"),
    (
        "corticosteroid",
        r"corticosteroids?|\bsteroids?\b|prednisone|prednisolone|dexamethasone|methylprednisolone|hydrocortisone",
    ),
    # "coumarin-derivative anticoagulants such as warfarin": not apixaban or heparin
    ("coumarin_anticoagulant", r"coumarin[- ](?:derivative|type|based)|vitamin k antagonists?"),
    (
        "anticoagulant",
        r"anticoagula\w*|warfarin|coumadin|heparin|enoxaparin|low[- ]molecular[- ]weight heparin|lmwh|doac|apixaban|rivaroxaban|anti-?platelet|clopidogrel|\baspirin\b",
    ),
    ("antiretroviral", r"antiretroviral|haart|\bart\b"),
    (
        "proton_pump_inhibitor",
        r"proton pump inhibitors?|\bppis?\b|omeprazole|esomeprazole|pantoprazole|lansoprazole",
    ),
    (
        "hormone_replacement",
        r"(?:topical|systemic|vaginal|oral|transdermal) (?:or \w+ )?(?:estrogens?|oestrogens?)|hormon(?:e|al) replacement|\bhrt\b|\bsex hormon\w*|estrogen replacement|hormonal contracepti\w*|oral contracepti\w*|estrogen[- ]containing|vaginal estrogen",
    ),
    ("diuretic", r"diuretics?|furosemide|hydrochlorothiazide"),
    (
        "growth_factor",
        r"granulocyte[- ](?:colony[- ])?stimulating|colony[- ]stimulating|(?<!epidermal )(?<!endothelial )(?<!insulin-like )growth factors?(?![- ](?:1\s+)?receptor)|g-?csf|filgrastim|pegfilgrastim|erythropoie\w*|\besas?\b|transfusions?",
    ),
    ("immunosuppressant", r"immunosuppress\w*|cyclosporin\w*|tacrolimus|azathioprine"),
    (
        "qt_prolonging",
        r"qt[- ]prolong\w* (?:drugs?|medications?|agents?)|prolong (?:the )?qt|proarrhythmic|torsadogenic",
    ),
    ("cardioprotective", r"cardioprotect\w*|dexrazoxane"),
    (
        "herbal",
        r"herbal|st\.? john|(?:dietary|herbal|nutritional|vitamin) supplements?|grapefruit|seville orange|traditional chinese medicine",
    ),
    (
        "vaccine",
        r"live (?:attenuated )?vaccines?|(?:influenza|seasonal|covid-?19|flu|yellow fever|attenuated)\s+vaccin\w*|vaccinations?",
    ),
    ("antifungal", r"antifungals?|itraconazole|ketoconazole|fluconazole|voriconazole|posaconazole"),
    ("antibiotic", r"antibiotics?|clarithromycin|rifampi\w*"),
    (
        "psychotropic",
        r"duloxetine|milnacipran|venlafaxine|gabapentin|pregabalin|anxiolytics?|benzodiazepines?|antidepressants?|hypnotics?|sleep medications?",
    ),
    ("antihypertensive", r"antihypertensive"),
    ("opioid", r"opioids?|morphine|oxycodone|fentanyl"),
    ("nsaid", r"\bnsaids?\b|non-?steroidal anti-?inflammatory"),
    (
        "insulin",
        r"\binsulin\b(?![- ](?:dependent|requiring|resistan|like))|metformin|antidiabetic|oral hypoglycemic",
    ),
]
_COMPILED = MultiPattern(_CLASSES)
_CUE = re.compile(
    r"\b(?:since|prior|used|use|concurrent|concomitant|current(?:ly)?|chronic|ongoing|daily|use of|using|taking|receiving|requir\w*|treatment with|on\b|need for|medications?|drugs?|washout|discontinu\w*|stable dose|within|prior to)\b"
)

_TOXICITY_RULE = re.compile(r"toxicit\w*|adverse (?:events?|effects?)|recover\w* from")
_EXCEPTION_BEFORE = re.compile(
    r"\b(?:with the exception of|except(?:ion)?(?: for)?|other than|excluding)\b[^.;()]{0,90}$"
)


_ON_DRUG_BEFORE = re.compile(
    r"\b(?:on|despite|while on|with|regardless of|in spite of)\s+(?:(?:the|optimal|maximal|standard|adequate|appropriate)\s+)*$"
)


#: the drug is the exception that makes a condition acceptable: "History of deep vein
#: thrombosis or pulmonary embolism (unless on anticoagulation)", "Prior history of DVT/PE
#: or embolic stroke, unless currently on therapeutic anticoagulation" (read as a rule,
#: every patient on an anticoagulant failed)
_UNLESS_ON_BEFORE = re.compile(
    r"\bunless\s+(?:currently\s+|already\s+)?(?:on|receiving|taking|treated with|using)\s+"
    r"(?:(?:a|an|the|therapeutic|stable|full[- ]dose|adequate|prophylactic)\s+)*$"
)
#: the drug defines the condition before it: "infection requiring intravenous antibiotic
#: use", "organ allograft requiring immunosuppression", "hypercoagulable disorder requiring
#: use of anticoagulant" (the infection, transplant or clotting rule)
_DEFINES_CONDITION = re.compile(
    r"\b(?:infections?|allografts?|transplant\w*|disorders?|diseases?|thrombos[ie]s|embolism)\b[^.;]{0,30}?\b(?:requiring|requires?|required|needing)\s+(?:\w+\s+){0,4}$"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    found = [
        (name, m.start(), m.end())
        for name, m in _COMPILED.first_matches(norm)
        if not _therapy.contraindicated(norm, m.start(), m.end())
        and not _DEFINES_CONDITION.search(norm, max(0, m.start() - 70), m.start())
        and not _UNLESS_ON_BEFORE.search(norm, max(0, m.start() - 40), m.start())
    ]
    short = len(re.findall(r"[a-z]+", norm)) <= 4
    if not found or not (
        _CUE.search(norm)
        or short
        or re.search(
            # a sub-item of "currently receiving any of the following medications:"
            r"concurrent|concomitant|\b(?:receiving|taking)\b[^.;]{0,60}\bmedications?\b",
            item.context.lower(),
        )
    ):
        return []
    if re.search(r"hypersensitiv|allerg", norm) and not re.search(
        r"concurrent|concomitant|chronic", norm
    ):
        return []
    # steroid rules inside CNS items belong to the cns component
    if (
        all(n == "corticosteroid" for n, *_ in found)
        and re.search(r"brain|cns|central nervous|lepto", norm)
        and not re.search(r"autoimmune|chronic|daily|immunosuppress", norm)
    ):
        return []
    if _TOXICITY_RULE.search(norm):
        # "... toxicity ... except alopecia or anemia controlled by growth factors"
        found = [f for f in found if not _EXCEPTION_BEFORE.search(norm[max(0, f[1] - 100) : f[1]])]
        if not found:
            return []
    # "uncontrolled hypertension (... > 150 mmHg ... on antihypertensive medications)": the
    # drugs are part of the definition of uncontrolled blood pressure, not a drug rule
    if re.search(r"hypertension|blood pressure", norm):
        found = [
            f
            for f in found
            if not (
                f[0] == "antihypertensive"
                and _ON_DRUG_BEFORE.search(norm[max(0, f[1] - 40) : f[1]])
            )
        ]
        if not found:
            return []
    found.sort(key=lambda f: f[1])
    if any(n == "coumarin_anticoagulant" for n, *_ in found):
        found = [f for f in found if f[0] != "anticoagulant"]  # the narrower class names it
    classes = sorted({n for n, *_ in found})
    interaction = [
        c for c in classes if c in ("cyp3a_inhibitor", "cyp_other", "pgp", "bcrp", "qt_prolonging")
    ]
    params = {"classes": classes, "interaction": interaction}
    return [make(item, FAMILY, found[0][1], found[-1][2], params, confidence=0.8)]
