"""Genomic and other biomarkers: PIK3CA, ESR1, AKT1, PTEN, BRCA1/2 (germline/somatic),
PALB2, HER2 (ERBB2) mutation, PD-L1, MSI/TMB, KRAS, NTRK, ... with assay when stated."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import make
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "biomarker"
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
]
_COMPILED = [(g, re.compile(p)) for g, p in _GENES]


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    out: list[Constraint] = []
    for gene, pattern in _COMPILED:
        m = pattern.search(norm)
        if not m:
            continue
        window = norm[max(0, m.start() - 60) : m.end() + 80]
        params: dict[str, object] = {"gene": gene}
        if alt := re.search(
            r"mutat\w*|variant|alteration|amplif\w*|fusion|deletion|loss|expression|positiv\w*|negativ\w*|deficien\w*|carrier",
            window,
        ):
            params["alteration"] = alt.group(0)
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
        out.append(make(item, FAMILY, m.start(), m.end(), params, confidence=0.85))
    return out
