"""Biomarkers: germline / somatic variants (BRCA1/2, PIK3CA, ESR1, AKT1, PTEN, PALB2 ...),
MSI / MMR, TMB, PD-L1."""

from __future__ import annotations

from osteotrials.match._core import Context, Truth, unknown
from osteotrials.model.criteria import Constraint

_FIELDS = ("biomarkers",)
_ALIASES = {
    "BRCA1/2": ("BRCA1", "BRCA2"),
    "BRCA": ("BRCA1", "BRCA2"),
    "MSI/MMR": ("MSI", "MMR", "MSI-H", "DMMR"),
    "HER2": ("ERBB2",),
}
_NEGATIVE = {"negative", "wild-type", "wild type", "wildtype", "not detected", "proficient"}


def evaluate(c: Constraint, ctx: Context) -> Truth:
    gene = str(c.params.get("gene", "")).upper()
    genes = _ALIASES.get(gene, (gene,))
    alteration = str(c.params.get("alteration", "")).lower()
    germline = c.params.get("germline")
    negative = alteration in _NEGATIVE
    results = [ctx.facts.biomarkers.get(g) for g in genes]
    known = [r for r in results if r is not None]
    values: list[bool | None] = []
    for r in known:
        if germline is True:
            values.append(
                r.germline_detected
                if r.germline_detected is not None
                else (False if r.detected is False else None)
            )
        else:
            values.append(r.detected)
    label = "/".join(genes) + (" germline" if germline else "")
    if any(v is True for v in values):
        found = True
    elif len(known) == len(genes) and all(v is False for v in values):
        found = False
    else:
        return unknown(
            f"{label} not tested or result not recorded", f"biomarker:{gene}", fields=_FIELDS
        )
    fact = f"{label} {'detected' if found else 'not detected'}"
    return Truth(not found if negative else found, fact, fields=_FIELDS)
