"""PERCIST 1.0 metabolic response and scan comparability.

Wahl RL et al., J Nucl Med 2009;50 Suppl 1:122S; O JH et al., J Nucl Med
2016;57:1105 (practical guide); domain.md §2.3. With the target SULpeak
(hottest lesion on each scan, which need not be the same lesion):

.. math::

   \\Delta = \\mathrm{SUL_f} - \\mathrm{SUL_b}, \\qquad
   \\Delta\\% = \\Delta / \\mathrm{SUL_b}

* measurable at baseline: SULpeak >= 1.5 x liver SULmean + 2 x liver SD
  (blood pool 2 x mean + 2 x SD when the liver is abnormal);
* **CMR**: all lesions resolved to <= liver mean and background blood pool;
* **PMD**: new FDG-avid lesion, or Δ% > +30% and Δ > +0.8, or TLG rise > 75%;
* **PMR**: Δ% <= -30% and Δ <= -0.8 (``>=`` on the magnitude; strict ``>``
  with ``strict_inequalities``);
* **SMD**: anything else. ``NE`` when the baseline target is not measurable
  and no new lesion appeared.

Worked example: SULpeak 8.0 -> 5.0 is Δ = -3.0, Δ% = -37.5% -> PMR.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError

PercistCategory = Literal["CMR", "PMR", "SMD", "PMD", "NE"]
_DATA = "percist.yaml"


@dataclass(frozen=True)
class PetScan:
    """What PERCIST needs from one FDG-PET/CT read (SUL = SUV by lean body mass)."""

    sulpeak: float
    liver_sul_mean: float | None = None
    liver_sul_sd: float | None = None
    blood_pool_sul_mean: float | None = None
    blood_pool_sul_sd: float | None = None
    liver_abnormal: bool = False
    tlg: float | None = None
    uptake_time_min: float | None = None
    scanner: str | None = None
    reconstruction: str | None = None
    new_lesions: bool = False
    all_lesions_resolved: bool | None = None

    def __post_init__(self) -> None:
        for name in (
            "sulpeak",
            "liver_sul_mean",
            "liver_sul_sd",
            "blood_pool_sul_mean",
            "blood_pool_sul_sd",
            "tlg",
            "uptake_time_min",
        ):
            v = getattr(self, name)
            if v is not None and not v >= 0:
                raise OutcomesError(name, f"must be >= 0, got {v!r}")


def measurability_threshold(scan: PetScan) -> tuple[float | None, str]:
    """Minimum measurable SULpeak: 1.5 x liver mean + 2 x SD, or 2 x blood-pool
    mean + 2 x SD when the liver is abnormal (Wahl 2009)."""
    cfg = ref.load(_DATA)
    if not scan.liver_abnormal and scan.liver_sul_mean is not None:
        c = cfg["liver_threshold"]
        sd = scan.liver_sul_sd or 0.0
        return float(c["mean_factor"]) * scan.liver_sul_mean + float(c["sd_factor"]) * sd, "liver"
    if scan.blood_pool_sul_mean is not None:
        c = cfg["blood_pool_threshold"]
        sd = scan.blood_pool_sul_sd or 0.0
        thr = float(c["mean_factor"]) * scan.blood_pool_sul_mean + float(c["sd_factor"]) * sd
        return thr, "blood_pool"
    return None, "none"


def comparability_warnings(baseline: PetScan, followup: PetScan) -> list[str]:
    """Warnings when two scans are not comparable (Wahl 2009; domain.md §2.3):
    liver SULmean differs by > 20% or >= 0.3 SUL; uptake times differ by
    > 15 min; different scanner or reconstruction."""
    cfg = ref.load(_DATA)["comparability"]
    out: list[str] = []
    lb, lf = baseline.liver_sul_mean, followup.liver_sul_mean
    if lb is not None and lf is not None and lb > 0:
        rel = abs(lf - lb) / lb
        if ref.gt(rel, float(cfg["liver_relative"])) or ref.ge(
            abs(lf - lb), float(cfg["liver_absolute_sul"])
        ):
            out.append(
                f"liver SULmean changed {lb:g} -> {lf:g} ({rel:.0%}; limit +/-"
                f"{float(cfg['liver_relative']):.0%} and < {cfg['liver_absolute_sul']} SUL)"
            )
    else:
        out.append("liver SULmean missing on one scan: comparability not checked")
    ub, uf = baseline.uptake_time_min, followup.uptake_time_min
    limit = float(cfg["uptake_time_minutes"])
    if ub is not None and uf is not None and ref.gt(abs(uf - ub), limit):
        out.append(f"uptake time differs by {abs(uf - ub):g} min (limit +/-{limit:g} min)")
    if baseline.scanner and followup.scanner and baseline.scanner != followup.scanner:
        out.append(f"different scanner ({baseline.scanner} vs {followup.scanner})")
    if (
        baseline.reconstruction
        and followup.reconstruction
        and baseline.reconstruction != followup.reconstruction
    ):
        out.append("different reconstruction")
    return out


@dataclass(frozen=True)
class PercistResult:
    """PERCIST 1.0 category with the numbers behind it and any warnings."""

    category: PercistCategory
    baseline_sulpeak: float
    followup_sulpeak: float
    sul_change: float
    sul_change_fraction: float | None
    tlg_change_fraction: float | None
    measurable: bool | None
    measurability_threshold: float | None
    reason: str
    strict_inequalities: bool
    warnings: list[str] = field(default_factory=list)
    criteria: str = "PERCIST 1.0 (Wahl 2009)"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify(
    baseline: PetScan,
    followup: PetScan,
    *,
    strict_inequalities: bool | None = None,
) -> PercistResult:
    """PERCIST 1.0 category for a baseline/follow-up pair (rules in the module docstring).

    ``strict_inequalities`` (default from ``percist.yaml``: false) makes the
    response thresholds strict (> 30% and > 0.8 SUL) like the progression ones.
    """
    cfg = ref.load(_DATA)
    strict = (
        bool(cfg["strict_inequalities"]) if strict_inequalities is None else strict_inequalities
    )
    b, f = baseline.sulpeak, followup.sulpeak
    delta = f - b
    frac = delta / b if b > 0 else None
    tlg_frac = None
    if baseline.tlg is not None and followup.tlg is not None and baseline.tlg > 0:
        tlg_frac = (followup.tlg - baseline.tlg) / baseline.tlg
    warnings = comparability_warnings(baseline, followup)
    thr, basis = measurability_threshold(baseline)
    measurable: bool | None = None
    if thr is None:
        warnings.append("no liver or blood-pool reference: measurability not checked")
    else:
        measurable = ref.ge(b, thr)

    def res(cat: PercistCategory, reason: str) -> PercistResult:
        return PercistResult(
            cat, b, f, delta, frac, tlg_frac, measurable, thr, reason, strict, warnings
        )

    if followup.new_lesions:
        return res("PMD", "new FDG-avid lesion")
    rf, ra = float(cfg["response_fraction"]), float(cfg["response_absolute_sul"])
    pf, pa = float(cfg["progression_fraction"]), float(cfg["progression_absolute_sul"])
    tf = float(cfg["tlg_progression_fraction"])
    if frac is not None and ref.gt(frac, pf) and ref.gt(delta, pa):
        return res("PMD", f"SULpeak rose > {pf:.0%} and > {pa:g} SUL")
    if tlg_frac is not None and ref.gt(tlg_frac, tf):
        return res("PMD", f"TLG rose > {tf:.0%}")
    resolved = followup.all_lesions_resolved
    if resolved is None and followup.liver_sul_mean is not None:
        resolved = ref.le(f, followup.liver_sul_mean) and (
            followup.blood_pool_sul_mean is None or ref.le(f, followup.blood_pool_sul_mean)
        )
    if resolved:
        return res("CMR", "all lesions at or below liver mean / background blood pool")
    if measurable is False:
        return res("NE", f"baseline SULpeak {b:g} below measurability threshold {thr:g} ({basis})")
    if frac is not None:
        cmp = ref.gt if strict else ref.ge
        if cmp(-frac, rf) and cmp(-delta, ra):
            sign = ">" if strict else ">="
            return res("PMR", f"SULpeak fell {sign} {rf:.0%} and {sign} {ra:g} SUL")
    return res("SMD", "neither response nor progression thresholds met")


def classify_values(
    baseline_sulpeak: float,
    followup_sulpeak: float,
    **kwargs: Any,
) -> PercistResult:
    """Convenience wrapper: classify from the two SULpeak values alone
    (optional keyword ``new_lesions``, ``baseline_tlg``, ``followup_tlg``,
    ``liver_sul_mean``, ``liver_sul_sd``, ``followup_liver_sul_mean``,
    ``strict_inequalities``)."""
    strict = kwargs.pop("strict_inequalities", None)
    base = PetScan(
        sulpeak=baseline_sulpeak,
        liver_sul_mean=kwargs.pop("liver_sul_mean", None),
        liver_sul_sd=kwargs.pop("liver_sul_sd", None),
        tlg=kwargs.pop("baseline_tlg", None),
    )
    fu = PetScan(
        sulpeak=followup_sulpeak,
        liver_sul_mean=kwargs.pop("followup_liver_sul_mean", None),
        tlg=kwargs.pop("followup_tlg", None),
        new_lesions=bool(kwargs.pop("new_lesions", False)),
    )
    if kwargs:
        name = next(iter(kwargs))
        raise OutcomesError(name, "unknown PERCIST option")
    return classify(base, fu, strict_inequalities=strict)
