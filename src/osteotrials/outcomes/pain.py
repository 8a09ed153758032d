"""Palliative-radiotherapy pain response (International Consensus, ICE).

Chow E et al., "Update of the international consensus on palliative
radiotherapy endpoints", Int J Radiat Oncol Biol Phys 2012;82:1730
(domain.md §3, tag S-partial). Inputs are the worst pain at the treated
(index) site on the 0-10 NRS and the daily oral morphine equivalent (OME,
mg/day) at baseline and follow-up. With ΔNRS = follow-up - baseline and
ΔOME% = (OME_f - OME_b) / OME_b, checked in this order:

* **complete** (CR): NRS_f = 0 and OME_f <= OME_b;
* **partial** (PR): ΔNRS <= -2 and OME_f <= OME_b, or ΔOME% <= -25% and ΔNRS <= 0;
* **progression** (PP): ΔNRS >= +2 with stable OME (|ΔOME%| < 25%), or
  ΔOME% >= +25% with ΔNRS in {0, +1};
* **indeterminate** (IR): anything else, including a missing OME.

Baseline NRS < 2 gives ``not_evaluable`` (usual eligibility, [U]).
Responders = CR + PR; rates are reported by intention to treat (all
evaluable patients; death, loss or missing data = non-responder) and among
assessable patients (alive with a follow-up assessment).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError, UnknownUnitError
from osteotrials.outcomes.stats import Proportion, wilson_ci

PainCategory = Literal["complete", "partial", "indeterminate", "progression", "not_evaluable"]
RESPONDER_CATEGORIES: frozenset[str] = frozenset({"complete", "partial"})
_DATA = "pain_response.yaml"
_OME = "ome_profiles.yaml"


def ome_profiles() -> dict[str, dict[str, Any]]:
    """The named OME conversion profiles (``cdc_2022``, ``eapc_palliative``)."""
    profiles: dict[str, dict[str, Any]] = ref.load(_OME)["profiles"]
    return profiles


def to_ome(drug: str, amount: float, unit: str, *, profile: str) -> float:
    """Oral morphine equivalent (mg/day) of one analgesic.

    ``OME = amount x factor(drug, profile)`` where amount is mg/day, or ug/h
    for transdermal patches (fentanyl 25 ug/h x 2.4 = 60 mg/day). The profile
    must be named: the sources disagree (domain.md §3.1).
    """
    profiles = ome_profiles()
    if profile not in profiles:
        raise OutcomesError(
            "profile", f"unknown OME profile {profile!r}; known: {sorted(profiles)}"
        )
    factors = profiles[profile]["factors"]
    key = drug.strip().lower()
    if key not in factors:
        raise OutcomesError(
            "drug", f"{drug!r} has no factor in OME profile {profile!r}; known: {sorted(factors)}"
        )
    expected_unit = str(factors[key]["unit"])
    if unit.replace("µ", "u") != expected_unit:
        raise UnknownUnitError("unit", f"{drug} is converted from {expected_unit}, got {unit!r}")
    if amount < 0:
        raise OutcomesError("amount", f"must be >= 0, got {amount!r}")
    return float(amount) * float(factors[key]["factor"])


def total_ome(analgesics: Iterable[tuple[str, float, str]], *, profile: str) -> float:
    """Sum of :func:`to_ome` over (drug, amount, unit) tuples."""
    return sum(to_ome(d, a, u, profile=profile) for d, a, u in analgesics)


def nrs_band(score: int) -> str:
    """NRS severity band: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe (domain.md §3.2)."""
    _check_nrs("score", score)
    for band in ref.load(_DATA)["nrs_bands"]:
        if band["min"] <= score <= band["max"]:
            return str(band["name"])
    raise AssertionError("NRS bands do not cover 0-10")  # pragma: no cover


def _check_nrs(field: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OutcomesError(field, f"must be a number 0-10, got {value!r}")
    if not 0 <= value <= 10:
        raise OutcomesError(field, f"NRS must be between 0 and 10, got {value!r}")


def _check_ome(field: str, value: float | None) -> None:
    if value is not None and not value >= 0:
        raise OutcomesError(field, f"OME must be >= 0 mg/day, got {value!r}")


@dataclass(frozen=True)
class PainResponse:
    """The ICE category for one patient at one time point, with its reasons."""

    category: PainCategory
    responder: bool
    baseline_nrs: float
    followup_nrs: float
    baseline_ome: float | None
    followup_ome: float | None
    nrs_change: float
    ome_change_fraction: float | None
    reason: str
    definition: str = "International Consensus (Chow 2012)"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pain_response(
    baseline_nrs: float,
    followup_nrs: float,
    baseline_ome: float | None,
    followup_ome: float | None,
) -> PainResponse:
    """Classify pain response by the International Consensus rules (module docstring).

    >>> pain_response(6, 3, 30, 30).category
    'partial'
    """
    _check_nrs("baseline_nrs", baseline_nrs)
    _check_nrs("followup_nrs", followup_nrs)
    _check_ome("baseline_ome", baseline_ome)
    _check_ome("followup_ome", followup_ome)
    cfg = ref.load(_DATA)
    k = float(cfg["nrs_change_points"])
    f = float(cfg["ome_change_fraction"])
    dn = followup_nrs - baseline_nrs

    def result(cat: PainCategory, reason: str, frac: float | None) -> PainResponse:
        return PainResponse(
            category=cat,
            responder=cat in RESPONDER_CATEGORIES,
            baseline_nrs=baseline_nrs,
            followup_nrs=followup_nrs,
            baseline_ome=baseline_ome,
            followup_ome=followup_ome,
            nrs_change=dn,
            ome_change_fraction=frac,
            reason=reason,
        )

    if baseline_nrs < float(cfg["min_baseline_nrs"]):
        return result(
            "not_evaluable", f"baseline NRS {baseline_nrs:g} < {cfg['min_baseline_nrs']}", None
        )
    if baseline_ome is None or followup_ome is None:
        return result("indeterminate", "OME missing: response cannot be CR/PR/PP", None)
    if baseline_ome > 0:
        frac: float | None = (followup_ome - baseline_ome) / baseline_ome
    else:
        frac = None if followup_ome == 0 else float("inf")
    ome_not_increased = followup_ome <= baseline_ome
    ome_down = frac is not None and ref.le(frac, -f)
    ome_up = frac is not None and ref.ge(frac, f)
    ome_stable = (frac is None) or (ref.lt(abs(frac), f))

    if followup_nrs == 0 and ome_not_increased:
        return result("complete", "index pain 0 without OME increase", frac)
    if ref.le(dn, -k) and ome_not_increased:
        return result("partial", f"pain reduced by >= {k:g} without OME increase", frac)
    if ome_down and dn <= 0:
        return result("partial", f"OME reduced by >= {f:.0%} without pain increase", frac)
    if ref.ge(dn, k) and ome_stable:
        return result("progression", f"pain increased by >= {k:g} with stable OME", frac)
    if ome_up and 0 <= dn <= 1:
        return result("progression", f"OME increased by >= {f:.0%} with pain stable or +1", frac)
    return result("indeterminate", "not captured by CR/PR/PP", frac)


@dataclass(frozen=True)
class ResponseRates:
    """Pain-response counts and responder rates under both denominators."""

    counts: dict[str, int]
    n_itt: int
    n_assessable: int
    responders: int
    itt: Proportion
    assessable: Proportion

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "n_itt": self.n_itt,
            "n_assessable": self.n_assessable,
            "responders": self.responders,
            "itt": self.itt.as_dict(),
            "assessable": self.assessable.as_dict(),
        }


def response_rates(results: Mapping[str, PainResponse | None]) -> ResponseRates:
    """Responder rates (CR + PR) by ITT and among assessable patients.

    ``results`` maps patient id to the :class:`PainResponse` at the time point,
    or ``None`` when the patient died, was lost or has no follow-up (counted as
    non-responder in ITT, excluded from the assessable denominator).
    ``not_evaluable`` patients (baseline NRS < 2) are excluded from both.
    Rates carry Wilson 95% CIs.
    """
    counts = {c: 0 for c in ("complete", "partial", "indeterminate", "progression", "missing")}
    n_itt = n_ass = resp = 0
    for r in results.values():
        if r is not None and r.category == "not_evaluable":
            continue
        n_itt += 1
        if r is None:
            counts["missing"] += 1
            continue
        n_ass += 1
        counts[r.category] += 1
        resp += int(r.responder)
    return ResponseRates(counts, n_itt, n_ass, resp, wilson_ci(resp, n_itt), wilson_ci(resp, n_ass))
