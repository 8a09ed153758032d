"""Radiotherapy dose arithmetic: BED, EQD2 and regimen classes.

Linear-quadratic (LQ) model, no time/repopulation factor
(Fowler, Br J Radiol 1989;62:679; domain.md §5):

.. math::

   \\mathrm{BED} = n d \\left(1 + \\frac{d}{\\alpha/\\beta}\\right), \\qquad
   \\mathrm{EQD2} = \\frac{\\mathrm{BED}}{1 + 2/(\\alpha/\\beta)}
                 = D\\,\\frac{d + \\alpha/\\beta}{2 + \\alpha/\\beta}

with n fractions of d Gy (total D = n d). Example: 8 Gy x 1 at alpha/beta = 10:
BED = 8 (1 + 0.8) = 14.4 Gy, EQD2 = 14.4 / 1.2 = 12.0 Gy.

The LQ model is validated for about 1-6 Gy per fraction; above 8 Gy per
fraction (SBRT) the result is flagged as an extrapolation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError

RegimenClass = Literal["single_fraction", "conventional", "moderate_hypofractionation", "sbrt"]
_DATA = "radiotherapy.yaml"


def alpha_beta_for(structure: str) -> float:
    """The default alpha/beta (Gy) for a structure name in ``radiotherapy.yaml``.

    Defaults: tumor 10, early_responding 10, late_responding 3, bone 3,
    spinal_cord 2 (domain.md §5, S-partial).
    """
    table: dict[str, float] = ref.load(_DATA)["alpha_beta_gy"]
    key = structure.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in table:
        raise OutcomesError("structure", f"unknown structure {structure!r}; known: {sorted(table)}")
    return float(table[key])


def _check(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> None:
    if not isinstance(fractions, int) or isinstance(fractions, bool) or fractions < 1:
        raise OutcomesError("fractions", f"must be a whole number >= 1, got {fractions!r}")
    if not total_dose_gy > 0:
        raise OutcomesError("total_dose_gy", f"must be > 0 Gy, got {total_dose_gy!r}")
    if not alpha_beta_gy > 0:
        raise OutcomesError("alpha_beta_gy", f"must be > 0 Gy, got {alpha_beta_gy!r}")


def bed(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """Biologically effective dose (Gy): ``BED = n d (1 + d / (alpha/beta))``.

    ``d = total_dose_gy / fractions``. Source: Fowler 1989; domain.md §5.
    20 Gy in 5 fractions at alpha/beta 3: d = 4, BED = 20 (1 + 4/3) = 46.7 Gy.
    """
    _check(total_dose_gy, fractions, alpha_beta_gy)
    d = total_dose_gy / fractions
    return total_dose_gy * (1 + d / alpha_beta_gy)


def eqd2(total_dose_gy: float, fractions: int, alpha_beta_gy: float) -> float:
    """Equivalent dose in 2-Gy fractions (Gy): ``EQD2 = BED / (1 + 2 / (alpha/beta))``.

    Equivalently ``D (d + alpha/beta) / (2 + alpha/beta)``. Source: domain.md §5.
    """
    return bed(total_dose_gy, fractions, alpha_beta_gy) / (1 + 2 / alpha_beta_gy)


@dataclass(frozen=True)
class SBRTDefinition:
    """Operational SBRT definition (domain.md §5, tag U; configurable).

    A course is SBRT when ``fractions <= max_fractions`` AND dose per fraction
    ``>= min_dose_per_fraction_gy`` AND (if ``require_stereotactic_technique``)
    the course was recorded as stereotactic / image-guided.
    """

    max_fractions: int = 5
    min_dose_per_fraction_gy: float = 5.0
    require_stereotactic_technique: bool = True

    @classmethod
    def default(cls) -> SBRTDefinition:
        cfg = ref.load(_DATA)["regimen_classes"]["sbrt"]
        return cls(
            int(cfg["max_fractions"]),
            float(cfg["min_dose_per_fraction_gy"]),
            bool(cfg["require_stereotactic_technique"]),
        )

    def describe(self) -> str:
        tech = " and stereotactic technique recorded" if self.require_stereotactic_technique else ""
        return (
            f"SBRT = <= {self.max_fractions} fractions and >= "
            f"{self.min_dose_per_fraction_gy:g} Gy per fraction{tech}"
        )


def regimen_class(
    total_dose_gy: float,
    fractions: int,
    stereotactic: bool | None = None,
    sbrt: SBRTDefinition | None = None,
    conventional_max_dose_per_fraction_gy: float | None = None,
) -> RegimenClass:
    """Classify a course: ``sbrt``, ``single_fraction``, ``conventional`` or
    ``moderate_hypofractionation`` (checked in that order).

    * sbrt: see :class:`SBRTDefinition` (``stereotactic=None`` counts as not
      stereotactic when the definition requires the technique);
    * single_fraction: one fraction, not SBRT (e.g. 8 Gy x 1);
    * conventional: d <= 3 Gy (default, ``radiotherapy.yaml``), e.g. 30 Gy/10;
    * moderate_hypofractionation: any other multi-fraction course, e.g. 20 Gy/5.

    The split between the last two is a project convention [U] (COMBART did
    not publish its cut-off); change it in ``radiotherapy.yaml``.
    """
    _check(total_dose_gy, fractions, 10.0)
    sbrt = sbrt or SBRTDefinition.default()
    if conventional_max_dose_per_fraction_gy is None:
        conventional_max_dose_per_fraction_gy = float(
            ref.load(_DATA)["regimen_classes"]["conventional_max_dose_per_fraction_gy"]
        )
    d = total_dose_gy / fractions
    technique_ok = bool(stereotactic) or not sbrt.require_stereotactic_technique
    if (
        fractions <= sbrt.max_fractions
        and ref.ge(d, sbrt.min_dose_per_fraction_gy)
        and technique_ok
    ):
        return "sbrt"
    if fractions == 1:
        return "single_fraction"
    if ref.le(d, conventional_max_dose_per_fraction_gy):
        return "conventional"
    return "moderate_hypofractionation"


@dataclass(frozen=True)
class DoseResult:
    """BED/EQD2 for one prescription, with its regimen class and LQ warning."""

    total_dose_gy: float
    fractions: int
    dose_per_fraction_gy: float
    alpha_beta_gy: float
    bed: float
    eqd2: float
    regimen_class: RegimenClass
    lq_extrapolated: bool
    warnings: tuple[str, ...]
    formula: str = "BED = n*d*(1 + d/(a/b)); EQD2 = BED/(1 + 2/(a/b)) (LQ, no time factor)"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = list(self.warnings)
        return out


def calculate(
    total_dose_gy: float,
    fractions: int,
    alpha_beta_gy: float,
    stereotactic: bool | None = None,
    sbrt: SBRTDefinition | None = None,
) -> DoseResult:
    """BED, EQD2, regimen class and the LQ-extrapolation flag for one course.

    ``lq_extrapolated`` is true when d > 8 Gy per fraction (threshold in
    ``radiotherapy.yaml``): the LQ model is debated there (domain.md §5).
    """
    b = bed(total_dose_gy, fractions, alpha_beta_gy)
    d = total_dose_gy / fractions
    limit = float(ref.load(_DATA)["lq_extrapolation_above_gy_per_fraction"])
    extrapolated = ref.gt(d, limit)
    warnings: list[str] = []
    if extrapolated:
        warnings.append(
            f"LQ extrapolation: {d:g} Gy per fraction is above {limit:g} Gy; "
            "BED/EQD2 from the LQ model are uncertain at SBRT doses"
        )
    return DoseResult(
        total_dose_gy=float(total_dose_gy),
        fractions=fractions,
        dose_per_fraction_gy=d,
        alpha_beta_gy=float(alpha_beta_gy),
        bed=b,
        eqd2=b / (1 + 2 / alpha_beta_gy),
        regimen_class=regimen_class(total_dose_gy, fractions, stereotactic, sbrt),
        lq_extrapolated=extrapolated,
        warnings=tuple(warnings),
    )
