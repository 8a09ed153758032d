"""CDK4/6-inhibitor dose levels and label dose-modification steps (reference data).

Palbociclib 125 -> 100 -> 75 mg daily (d1-21 q28); ribociclib 600 -> 400 ->
200 mg daily (21/7); abemaciclib 150 -> 100 -> 50 mg twice daily (continuous,
with endocrine therapy). Source: US prescribing information via domain.md
§4.2. The data (``data/cdk46_dose_levels.yaml``) is reference material;
osteotrials never recommends a dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes.errors import OutcomesError

_DATA = "cdk46_dose_levels.yaml"


@dataclass(frozen=True)
class DoseLevels:
    drug: str
    brand: str
    schedule: str
    unit: str
    levels_mg: tuple[int, ...]
    discontinue_below_mg: int
    modifications: tuple[tuple[str, str], ...]
    source: str
    data_version: str

    def level_of(self, dose_mg: float) -> int:
        """0 for the starting dose, 1 for the first reduction, ... (raises if
        the dose is not a label level)."""
        for i, level in enumerate(self.levels_mg):
            if ref.eq(dose_mg, level):
                return i
        raise OutcomesError(
            "dose_mg", f"{dose_mg:g} mg is not a {self.drug} dose level {list(self.levels_mg)}"
        )

    def next_lower(self, dose_mg: float) -> int | None:
        """The next lower label level, or ``None`` when the drug must be stopped."""
        i = self.level_of(dose_mg)
        return self.levels_mg[i + 1] if i + 1 < len(self.levels_mg) else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "brand": self.brand,
            "schedule": self.schedule,
            "unit": self.unit,
            "levels_mg": list(self.levels_mg),
            "discontinue_below_mg": self.discontinue_below_mg,
            "modifications": [{"toxicity": t, "action": a} for t, a in self.modifications],
            "source": self.source,
            "data_version": self.data_version,
        }


def drugs() -> list[str]:
    """Names of the CDK4/6 inhibitors in the reference data."""
    return sorted(ref.load(_DATA)["drugs"])


def dose_levels(drug: str) -> DoseLevels:
    """Label dose levels and modification steps for one CDK4/6 inhibitor."""
    data = ref.load(_DATA)
    key = drug.strip().lower()
    if key not in data["drugs"]:
        raise OutcomesError("drug", f"unknown CDK4/6 inhibitor {drug!r}; known: {drugs()}")
    d = data["drugs"][key]
    return DoseLevels(
        drug=key,
        brand=str(d["brand"]),
        schedule=str(d["schedule"]),
        unit=str(d["unit"]),
        levels_mg=tuple(int(x) for x in d["dose_levels_mg"]),
        discontinue_below_mg=int(d["discontinue_below_mg"]),
        modifications=tuple((str(m["toxicity"]), str(m["action"])) for m in d["modifications"]),
        source=str(d["source"]),
        data_version=str(data["version"]),
    )
