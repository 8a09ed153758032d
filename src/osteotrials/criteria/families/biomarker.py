# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Genomic and other biomarkers: PIK3CA, ESR1, AKT1, PTEN, BRCA1/2 (germline/somatic),
PALB2, HER2 (ERBB2) mutation, PD-L1, MSI/TMB, KRAS, NTRK, ... with assay when stated."""

from __future__ import annotations

import itertools
import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "biomarker"
_ALTERED = r"(?=(?:(?!\bin\b)[^.;]){0,30}(?:mutat|alter|variant|rearrang|fusion|translocat|amplif|positiv))"
#: "EGFR-directed therapy", "inhibitors of EGFR", "anti-EGFR": the gene as a drug target
_TARGET = re.compile(
    r"(?:inhibit\w*|target\w*|anti-?|against|blockers?)(?:\s*(?:of\s+|the\s+)?|\b[^.;]{0,50})$|\b(?:in|for)\s+(?:[\w()-]+[\s,]+){0,5}?\(?$"
)
_TARGET_AFTER = re.compile(r"^[- ]?(?:directed|targeted|inhibitors?|tkis?|antibod\w*|therap\w*)\b")
#: the BRCA gene(s) a mention names: "BRCA1", "BRCA 2", "BRCA1/2", "BRCA1 or 2", "BRCA1 or BRCA2"
_BRCA = re.compile(r"\bg?brca[- ]?([12])?(?:\s*(?:/|,|or|and|and/or)\s*(?:g?brca[- ]?)?([12]))?\b")
#: logic group of the genes of one "BRCA1 or BRCA2" requirement (lab alternatives use 1)
_OR_GROUP = 2
_GENES: list[tuple[str, str]] = [
    ("PIK3CA", r"\bpik3ca\b"),
    ("ESR1", r"\besr1\b"),
    ("AKT1", r"\bakt1?\b(?=[^.;]{0,30}(?:mutat|alter|variant))"),
    ("PTEN", r"\bpten\b"),
    ("BRCA1/2", r"\bg?brca(?:1|2|1/2|1 or 2|1 and 2|1/brca2)?\b|\bbrca[- ]mutat"),
    ("PALB2", r"\bpalb2\b"),
    ("ATM", r"\batm\b(?=[^.;]{0,30}(?:mutat|alter|variant))"),
    ("CHEK2", r"\bchek2\b"),
    (
        "ERBB2",
        r"\b(?:her2|erbb2)[- ](?:activating\s+)?mutat\w*|\b(?:her2|erbb2)[- ]?(?:mutant|mutated)",
    ),
    (
        "PD-L1",
        r"\bpd-?l1\b(?=[^.;]{0,40}(?:positiv|negativ|express|cps|tps|score|status|≥|>=|%))|\bcps\s*(?:≥|>=|>)",
    ),
    ("MSI/MMR", r"\bmsi[- ]?h(?:igh|i)?\b|\bdmmr\b|mismatch repair|microsatellite instab"),
    ("TMB", r"\btmb\b|tumou?r mutational burden"),
    ("KRAS", r"\bkras\b"),
    ("NTRK", r"\bntrk\b"),
    ("HRD", r"homologous recombination (?:deficien|repair)|\bhrd\b"),
    ("TROP2", r"\btrop-?2\b(?=[^.;]{0,30}(?:express|positiv|status|ihc))"),
    ("FGFR", r"\bfgfr[1-4]?\b"),
    # driver genes of other tumour types, only as the patient's alteration ("activating EGFR
    # mutation", "ALK rearrangement"), not as a drug target ("inhibitor of EGFR")
    ("EGFR", rf"\begfr\b{_ALTERED}"),
    ("ALK", rf"\balk\b{_ALTERED}"),
    ("ROS1", rf"\bros-?1\b{_ALTERED}"),
    ("POLE", rf"\bpole\b{_ALTERED}"),
    ("POLD1", rf"\bpold1\b{_ALTERED}"),
]
_COMPILED = [(g, re.compile(p)) for g, p in _GENES]
_TARGETABLE = {"EGFR", "ALK", "ROS1", "ERBB2", "FGFR"}

#: genes read only as the patient's alteration; besides "EGFR mutation" they may be listed
#: after the alteration: "inclusive of mutations in POLE, POLD1 for arm 1"
_DRIVERS = {"EGFR", "ALK", "ROS1", "POLE", "POLD1"}
_MUTATIONS_IN = re.compile(
    r"\b(?:mutations?|alterations?|variants?|rearrangements?)\s+(?:in|of)\s+(?:the\s+)?(?:genes?\s+)?(?P<genes>[a-z0-9-]+(?:\s*(?:,|/|\bor\b|\band\b|and/or)\s*[a-z0-9-]+){0,5})"
)


def _named_in_mutation_list(norm: str, gene: str) -> re.Match[str] | None:
    for lst in _MUTATIONS_IN.finditer(norm):
        if g := re.compile(rf"\b{gene.lower()}\b").search(
            norm, lst.start("genes"), lst.end("genes")
        ):
            return g
    return None


_ALTERATION = re.compile(
    r"mutat\w*|variant|alteration|amplif\w*|fusion|deletion|loss|expression|positiv\w*|negativ\w*|deficien\w*|carrier|wild[- ]?type"
)
#: a receptor status or subtype word is the tumour's, not the gene's: "triple negative breast
#: cancer with PD-L1 CPS >= 1" says nothing negative about PD-L1
_RECEPTOR_STATUS = re.compile(
    r"triple[- ]?negativ\w*|\b(?:er|pr|pgr|hr|her2|hormone[- ]receptor|estrogen[- ]receptor|progesterone[- ]receptor)\s?[-/]?\s?(?:positiv\w*|negativ\w*)"
)


def _alteration(norm: str, start: int, end: int) -> str | None:
    """The first alteration word from 60 characters before the gene to 80 after it, never a
    receptor status word of the tumour."""
    window = norm[max(0, start - 60) : end + 80]
    masked = _RECEPTOR_STATUS.sub(lambda x: " " * len(x.group(0)), window)
    alt = _ALTERATION.search(masked)
    return alt.group(0) if alt else None


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    out: list[Constraint] = []
    for gene, pattern in _COMPILED:
        m = pattern.search(norm)
        if m and gene in _TARGETABLE and gene != "ERBB2":
            m = next(
                (
                    x
                    for x in pattern.finditer(norm)
                    if not _TARGET.search(norm[max(0, x.start() - 60) : x.start()])
                    and not _TARGET_AFTER.match(norm[x.end() :])
                ),
                None,
            )
        if not m and gene in _DRIVERS:
            m = _named_in_mutation_list(norm, gene)
        if not m:
            continue
        window = norm[max(0, m.start() - 60) : m.end() + 80]
        params: dict[str, object] = {"gene": gene}
        if alt := _alteration(norm, m.start(), m.end()):
            params["alteration"] = alt
        if re.search(r"germline|\bgbrca|inherited|hereditary|carrier", window):
            params["germline"] = True
        elif re.search(r"somatic|tumou?r tissue", window):
            params["germline"] = False
        assays = [
            a
            for a, p in (
                ("ctdna", r"ctdna|circulating tumou?r dna|plasma|liquid biopsy|blood[- ]based"),
                ("tissue", r"tissue|tumou?r (?:sample|biopsy|specimen)|archival"),
            )
            if re.search(p, window)
        ]
        if assays:
            params["assay"] = assays
        if gene != "BRCA1/2":
            out.append(make(item, FAMILY, m.start(), m.end(), params, confidence=0.85))
            continue
        # one constraint per BRCA gene named; alternatives when both are required
        genes = _brca_genes(norm)
        made = [
            make(item, FAMILY, m.start(), m.end(), {**params, "gene": g}, confidence=0.85)
            for g in genes
        ]
        if len(made) > 1 and all(c.polarity == "require" for c in made):
            for c in made:
                c.logic.connective = "or"
                c.logic.group = _OR_GROUP
        out.extend(made)
    # "PIK3CA/AKT1/PTEN alteration", "EGFR mutation or ALK rearrangement": alternatives
    out.sort(key=lambda c: c.span[0])
    for x, y in itertools.pairwise(out):
        between = norm[x.span[1] - item.start : y.span[0] - item.start]
        if x.polarity == y.polarity == "require" and re.search(r"\bor\b|^\W*/\W*$", between):
            for c in (x, y):
                c.logic.connective = "or"
                c.logic.group = _OR_GROUP
    return out


def _brca_genes(norm: str) -> list[str]:
    """BRCA1 / BRCA2 as named; an unspecified "BRCA" keeps the joint id "BRCA1/2"."""
    named = {d for m in _BRCA.finditer(norm) for d in m.groups() if d}
    if not named:
        return ["BRCA1/2"]
    return [f"BRCA{d}" for d in sorted(named)]
