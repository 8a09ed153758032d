"""Biomarkers: germline / somatic variants (BRCA1/2, PIK3CA, ESR1, AKT1, PTEN, PALB2 ...),
MSI / MMR, TMB, PD-L1."""

from __future__ import annotations

from osteotrials.match._core import TRUTH_FAILS, TRUTH_HOLDS, TRUTH_UNKNOWN, Context, Truth, unknown
from osteotrials.model.criteria import Constraint

_FIELDS = ("biomarkers",)
_ALIASES = {
    "BRCA1/2": ("BRCA1", "BRCA2"),
    "BRCA": ("BRCA1", "BRCA2"),
    "MSI/MMR": ("MSI", "MMR", "MSI-H", "DMMR"),
    "HER2": ("ERBB2",),
}
_NEGATIVE = {"negative", "wild-type", "wild type", "wildtype", "not detected", "proficient"}


def _query(c: Constraint) -> tuple[str, tuple[str, ...], bool, object]:
    """(gene as written, the genes it stands for, a negative result is wanted, germline)."""
    gene = str(c.params.get("gene", "")).upper()
    alteration = str(c.params.get("alteration", "")).lower()
    return gene, _ALIASES.get(gene, (gene,)), alteration in _NEGATIVE, c.params.get("germline")


def found(genes: tuple[str, ...], germline: object, ctx: Context) -> bool | None:
    """Whether an alteration of any of ``genes`` was detected (germline when asked); None
    when a gene was not tested or its result is not recorded."""
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
    if any(v is True for v in values):
        return True
    if len(known) == len(genes) and all(v is False for v in values):
        return False
    return None


def evaluate(c: Constraint, ctx: Context) -> Truth:
    gene, genes, negative, germline = _query(c)
    label = "/".join(genes) + (" germline" if germline else "")
    hit = found(genes, germline, ctx)
    if hit is None:
        return unknown(
            f"{label} not tested or result not recorded", f"biomarker:{gene}", fields=_FIELDS
        )
    fact = f"{label} {'detected' if hit else 'not detected'}"
    return Truth(not hit if negative else hit, fact, fields=_FIELDS)


# --------------------------------------------------------------------------- bulk codes
# The fast ranking path: each constraint read once per index; per patient ``found`` is
# asked once per distinct (genes, germline).

Prepared = tuple[tuple[str, ...], bool, bool]


def prepare(c: Constraint) -> Prepared | None:
    _gene, genes, negative, germline = _query(c)
    return genes, negative, germline is True


def codes(prepared: list[Prepared], ctx: Context) -> list[int | None]:
    """Truth codes (``_core.TRUTH_*``) of prepared biomarker constraints."""
    memo: dict[tuple[tuple[str, ...], bool], bool | None] = {}
    out: list[int | None] = []
    for genes, negative, germline in prepared:
        key = (genes, germline)
        if key not in memo:
            memo[key] = found(genes, germline, ctx)
        hit = memo[key]
        if hit is None:
            out.append(TRUTH_UNKNOWN)
        else:
            out.append(TRUTH_HOLDS if hit != negative else TRUTH_FAILS)
    return out
