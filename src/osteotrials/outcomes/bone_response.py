"""MD Anderson (MDA) bone response criteria from structured reads.

Hamaoka T et al., J Clin Oncol 2004;22:2942; Costelloe CM et al., J Cancer
2010;1:80; domain.md §2.2. Categories, checked PD -> CR -> PR -> SD:

* **PD**: new lesion (flare excluded on bone scan), >= 25% increase in size
  (bidimensional product) of a measurable lesion, increase of a lytic or
  blastic lesion, or increased activity on bone scan (flare excluded);
* **CR**: complete fill-in/sclerosis of lytic lesions, normalisation of
  blastic lesions, disappearance of hot spots / tumour signal, on every
  modality read;
* **PR**: sclerotic rim or partial fill-in of lytic lesions, >= 50% decrease
  in size, decrease of blastic lesions, regression on bone scan;
* **SD**: none of the above (< 25% increase and < 50% decrease, no new lesion).

The 50% / 25% size thresholds are S-partial (domain.md §2.2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError

MDACategory = Literal["CR", "PR", "SD", "PD"]
LyticRead = Literal[
    "complete_fill_in", "partial_fill_in", "sclerotic_rim", "unchanged", "increased"
]
BlasticRead = Literal["normalized", "decreased", "unchanged", "increased"]
ScanRead = Literal["disappeared", "regression", "unchanged", "increased"]

PR_SIZE_DECREASE_PCT = 50.0
PD_SIZE_INCREASE_PCT = 25.0


@dataclass(frozen=True)
class MDABoneRead:
    """A structured follow-up read of the skeleton versus baseline.

    Leave a modality ``None`` when it was not read. ``size_change_pct`` is the
    change of the bidimensional product of measurable lesions (XR/CT/MRI).
    """

    lytic: LyticRead | None = None
    blastic: BlasticRead | None = None
    bone_scan: ScanRead | None = None
    size_change_pct: float | None = None
    new_lesion: bool = False
    flare_excluded: bool = True

    def __post_init__(self) -> None:
        allowed: dict[str, tuple[str, ...]] = {
            "lytic": LyticRead.__args__,  # type: ignore[attr-defined]
            "blastic": BlasticRead.__args__,  # type: ignore[attr-defined]
            "bone_scan": ScanRead.__args__,  # type: ignore[attr-defined]
        }
        for name, values in allowed.items():
            v = getattr(self, name)
            if v is not None and v not in values:
                raise OutcomesError(name, f"must be one of {list(values)}, got {v!r}")
        if self.size_change_pct is not None and self.size_change_pct < -100:
            raise OutcomesError("size_change_pct", "cannot be below -100%")


@dataclass(frozen=True)
class MDAResult:
    category: MDACategory
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    criteria: str = "MD Anderson bone response criteria (Hamaoka 2004; Costelloe 2010)"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reasons": list(self.reasons), "warnings": list(self.warnings)}


def mda_category(read: MDABoneRead) -> MDAResult:
    """MDA bone response category for one structured read (module docstring)."""
    if (
        read.lytic is None
        and read.blastic is None
        and read.bone_scan is None
        and read.size_change_pct is None
        and not read.new_lesion
    ):
        raise OutcomesError(
            "read", "no modality was read: give lytic, blastic, bone_scan or size_change_pct"
        )
    warnings: list[str] = []
    pd: list[str] = []
    if read.new_lesion:
        pd.append("new lesion")
    if read.size_change_pct is not None and ref.ge(read.size_change_pct, PD_SIZE_INCREASE_PCT):
        pd.append(f"size +{read.size_change_pct:g}% (>= {PD_SIZE_INCREASE_PCT:g}%)")
    if read.lytic == "increased":
        pd.append("lytic lesion increased")
    if read.blastic == "increased":
        pd.append("blastic lesion increased")
    if read.bone_scan == "increased":
        pd.append("increased activity on bone scan")
    if not read.flare_excluded and (read.new_lesion or read.bone_scan == "increased"):
        warnings.append("flare not excluded: bone-scan progression may be a flare phenomenon")
    if pd:
        return MDAResult("PD", tuple(pd), tuple(warnings))
    complete = {"lytic": "complete_fill_in", "blastic": "normalized", "bone_scan": "disappeared"}
    read_modalities = {k: getattr(read, k) for k in complete if getattr(read, k) is not None}
    if read_modalities and all(v == complete[k] for k, v in read_modalities.items()):
        return MDAResult(
            "CR", tuple(f"{k}: {v}" for k, v in read_modalities.items()), tuple(warnings)
        )
    pr: list[str] = []
    if read.lytic in ("partial_fill_in", "sclerotic_rim", "complete_fill_in"):
        pr.append(f"lytic: {read.lytic}")
    if read.blastic in ("decreased", "normalized"):
        pr.append(f"blastic: {read.blastic}")
    if read.bone_scan in ("regression", "disappeared"):
        pr.append(f"bone scan: {read.bone_scan}")
    if read.size_change_pct is not None and ref.le(read.size_change_pct, -PR_SIZE_DECREASE_PCT):
        pr.append(f"size {read.size_change_pct:g}% (<= -{PR_SIZE_DECREASE_PCT:g}%)")
    if pr:
        return MDAResult("PR", tuple(pr), tuple(warnings))
    return MDAResult("SD", ("no change meeting CR, PR or PD",), tuple(warnings))
