"""Laboratory analytes: synonyms, one canonical unit each, conversions, default ranges.

Data: ``data/labs.yaml``. Values expressed as multiples of the upper limit of
normal (``x ULN``) carry no unit and are not converted here; see
``ULN_UNIT``/``LLN_UNIT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from osteotrials.vocab._data import load_yaml

DATA_FILE = "labs.yaml"
ULN_UNIT = "xULN"
LLN_UNIT = "xLLN"


class UnitError(ValueError):
    """A unit that is unknown, or does not fit the analyte."""


@dataclass(frozen=True)
class ReferenceRange:
    lln: float | None
    uln: float | None
    source: str


@dataclass(frozen=True)
class Analyte:
    id: str
    label: str
    canonical_unit: str
    synonyms: tuple[str, ...]
    factors: dict[str, float]
    reference: ReferenceRange

    def __hash__(self) -> int:
        return hash(self.id)


@cache
def version() -> str:
    return str(load_yaml(DATA_FILE)["version"])


@lru_cache(maxsize=8192)  # pure; the same names and units recur in every item
def _norm_name(name: str) -> str:
    text = name.lower().replace("-", " ")
    text = re.sub(r"[^\w%/() ]+", " ", text)
    text = re.sub(r"[()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def analytes() -> dict[str, Analyte]:
    out: dict[str, Analyte] = {}
    for analyte_id, entry in load_yaml(DATA_FILE)["analytes"].items():
        ref = entry.get("reference") or {}
        out[str(analyte_id)] = Analyte(
            id=str(analyte_id),
            label=str(entry["label"]),
            canonical_unit=str(entry["canonical_unit"]),
            synonyms=tuple(str(s) for s in entry["synonyms"]),
            factors={str(k): float(v) for k, v in entry["units"].items()},
            reference=ReferenceRange(
                lln=None if ref.get("lln") is None else float(ref["lln"]),
                uln=None if ref.get("uln") is None else float(ref["uln"]),
                source=str(ref.get("source", "")),
            ),
        )
    return out


def analyte_ids() -> frozenset[str]:
    return frozenset(analytes())


@cache
def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for analyte in analytes().values():
        for name in (analyte.id, analyte.label, *analyte.synonyms):
            key = _norm_name(name)
            if key in index and index[key] != analyte.id:
                raise ValueError(f"lab synonym {name!r} is ambiguous")
            index[key] = analyte.id
    return index


def normalise_analyte(name: str) -> str | None:
    """Canonical analyte id for a name or synonym (case-insensitive), else None."""
    key = _norm_name(name)
    found = _synonym_index().get(key)
    if found is not None:
        return found
    # Tolerate "serum"/"blood"/"level"/"count" decorations around a known name.
    stripped = re.sub(r"\b(?:serum|plasma|blood|level|levels|total|value)\b", " ", key)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    return _synonym_index().get(stripped) if stripped else None


def canonical_unit(analyte: str) -> str:
    try:
        return analytes()[analyte].canonical_unit
    except KeyError:
        raise UnitError(f"unknown analyte {analyte!r}") from None


def reference_range(analyte: str) -> ReferenceRange:
    try:
        return analytes()[analyte].reference
    except KeyError:
        raise UnitError(f"unknown analyte {analyte!r}") from None


@lru_cache(maxsize=8192)  # pure; the same names and units recur in every item
def normalise_unit(unit: str) -> str:
    """Spell a unit one way: lower case, no spaces, µ->u, mm^3/mm³/ul/μl unified, x10^9."""
    text = unit.strip().lower()
    text = text.replace("µ", "u").replace("μ", "u").replace("³", "3").replace("²", "2")
    text = text.replace("×", "x").replace("*", "^")
    text = re.sub(r"\s+", "", text)
    text = text.replace("mm^3", "mm3").replace("cu.mm", "mm3").replace("cumm", "mm3")
    text = re.sub(r"mcl$|mcl(?=\W)", "ul", text)
    text = text.replace("microliter", "ul").replace("microlitre", "ul")
    text = text.replace("/cmm", "/mm3").replace("cells/l", "/l")
    text = text.replace("1.73m^2", "1.73m2").replace("/1.73m2", "/1.73m2")
    text = re.sub(r"^x", "", text)  # "x 10^9/L" -> "10^9/l"
    text = re.sub(r"^10e(\d)", r"10^\1", text)
    text = re.sub(r"^10\^?(\d)", r"10^\1", text)
    text = text.replace("gm/dl", "g/dl").replace("gr/dl", "g/dl").replace("mg%", "mg/dl")
    text = text.replace("micromol/l", "umol/l").replace("mcmol/l", "umol/l")
    text = text.replace("milliseconds", "ms").replace("millisecond", "ms")
    text = text.replace("percent", "%")
    text = text.replace("ml/minute", "ml/min").replace("ml/mn", "ml/min")
    if text.startswith("cells/") and text[6:] in {"ul", "mm3"}:
        text = "/" + text[6:]
    if text.startswith("/ul") or text.startswith("/mm3"):
        return text
    return text


def to_canonical(analyte: str, value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to the analyte's canonical unit.

    Raises ``UnitError`` (a ``ValueError``) naming the analyte and unit when the
    analyte is unknown or the unit does not fit it (e.g. ``x ULN`` values, which
    need the patient's ULN and are handled by the caller).
    """
    info = analytes().get(analyte)
    if info is None:
        raise UnitError(f"unknown analyte {analyte!r} (unit {unit!r})")
    key = normalise_unit(unit)
    factor = info.factors.get(key)
    if factor is None and key == normalise_unit(info.canonical_unit):
        factor = 1.0
    if factor is None:
        raise UnitError(
            f"unit {unit!r} is not a known unit for {analyte} "
            f"(canonical unit {info.canonical_unit})"
        )
    return value * factor
