"""Net clinical benefit (NCB): pain relief balanced against toxicity.

Patient-level composite (domain.md §8; a project design consistent with
COMBART's three components, tag U as to COMBART's exact rule):

.. math::

   \\mathrm{NCB}_i(t) = 1 \\iff \\mathrm{ICE}_i(t) \\in R
      \\;\\wedge\\; \\max_{\\text{term}} \\mathrm{grade}_i([t_0, t], A) < g
      \\;\\wedge\\; (\\neg S \\vee \\neg\\,\\mathrm{change}_i([t_0, t]))

with R = {complete, partial} responders, g = 3, A the counted attributions
(RT and/or CDK4/6i by default), t0 the start of RT, t the assessment time
point (3 months by default) and S the optional "no systemic-therapy change
caused by toxicity" component (CDK4/6i dose reduction, interruption >= 7 days
or discontinuation for toxicity). A patient without an assessment at t
(death, loss, missing data) has NCB 0 in the intention-to-treat (ITT)
denominator and is excluded from the assessable denominator. Rates carry
Wilson 95% CIs. :meth:`NCBDefinition.describe` gives the active definition
in words; every output prints it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from osteotrials.outcomes.errors import OutcomesError
from osteotrials.outcomes.pain import PainResponse
from osteotrials.outcomes.stats import Proportion, wilson_ci

RELATED = frozenset({"rt", "cdk46i", "rt_and_cdk46i"})


@dataclass(frozen=True)
class NCBDefinition:
    """A configurable NCB definition. The defaults are the project default."""

    timepoint: str = "3m"
    responder_categories: frozenset[str] = frozenset({"complete", "partial"})
    toxicity_grade_threshold: int = 3
    attributions: frozenset[str] | None = RELATED  # None = any attribution
    include_lab_toxicity: bool = True
    require_no_systemic_change: bool = False
    min_interruption_days: int = 7

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[1-9][0-9]?m", self.timepoint):
            raise OutcomesError(
                "timepoint", f"must be months after RT such as '3m', got {self.timepoint!r}"
            )
        if not 1 <= self.toxicity_grade_threshold <= 5:
            raise OutcomesError("toxicity_grade_threshold", "must be a CTCAE grade 1-5")
        if (
            not self.responder_categories <= {"complete", "partial"}
            or not self.responder_categories
        ):
            raise OutcomesError(
                "responder_categories", "must be a non-empty subset of complete, partial"
            )
        if self.min_interruption_days < 0:
            raise OutcomesError("min_interruption_days", "must be >= 0")

    def describe(self) -> str:
        """The active definition in one sentence (printed in every output)."""
        resp = " or ".join(sorted(self.responder_categories))
        attr = (
            "any attribution"
            if self.attributions is None
            else "attributed to " + "/".join(sorted(self.attributions))
        )
        lab = " plus lab values graded by CTCAE v5.0" if self.include_lab_toxicity else ""
        text = (
            f"NCB = International Consensus pain response ({resp}) at {self.timepoint} "
            f"without any CTCAE v5.0 grade >= {self.toxicity_grade_threshold} adverse event "
            f"({attr}{lab}) from RT start to the {self.timepoint} assessment"
        )
        if self.require_no_systemic_change:
            text += (
                f", and no CDK4/6-inhibitor dose reduction, interruption >= "
                f"{self.min_interruption_days} days or discontinuation for toxicity in that window"
            )
        return text + "; missing assessment or death = no NCB (ITT)."

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["responder_categories"] = sorted(self.responder_categories)
        out["attributions"] = None if self.attributions is None else sorted(self.attributions)
        out["text"] = self.describe()
        return out


@dataclass(frozen=True)
class NCBPatient:
    """The three components for one patient, and the verdict."""

    patient_id: str
    pain: PainResponse | None
    max_grade: int
    systemic_change: bool
    ncb: bool | None  # None = not evaluable (baseline NRS < 2)


def evaluate_patient(
    patient_id: str,
    pain: PainResponse | None,
    max_grade: int,
    systemic_change: bool,
    definition: NCBDefinition,
) -> NCBPatient:
    """Apply the definition to one patient's components (formula in module docstring)."""
    if pain is not None and pain.category == "not_evaluable":
        return NCBPatient(patient_id, pain, max_grade, systemic_change, None)
    ok = (
        pain is not None
        and pain.category in definition.responder_categories
        and max_grade < definition.toxicity_grade_threshold
        and not (definition.require_no_systemic_change and systemic_change)
    )
    return NCBPatient(patient_id, pain, max_grade, systemic_change, ok)


@dataclass(frozen=True)
class NCBSummary:
    definition: NCBDefinition
    itt: Proportion
    assessable: Proportion
    pain_response_itt: Proportion
    toxicity_ge_threshold_itt: Proportion
    systemic_change_itt: Proportion
    patients: list[NCBPatient] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        diff = None
        if (
            self.pain_response_itt.estimate is not None
            and self.toxicity_ge_threshold_itt.estimate is not None
        ):
            diff = self.pain_response_itt.estimate - self.toxicity_ge_threshold_itt.estimate
        return {
            "definition": self.definition.as_dict(),
            "itt": self.itt.as_dict(),
            "assessable": self.assessable.as_dict(),
            "pain_response_itt": self.pain_response_itt.as_dict(),
            "toxicity_ge_threshold_itt": self.toxicity_ge_threshold_itt.as_dict(),
            "systemic_change_itt": self.systemic_change_itt.as_dict(),
            "pain_response_minus_toxicity": diff,
        }


def summarise(patients: Mapping[str, NCBPatient], definition: NCBDefinition) -> NCBSummary:
    """NCB rate (ITT and assessable), pain-only response rate, grade >= g rate
    and systemic-change rate, each with a Wilson 95% CI."""
    evaluable = [p for p in patients.values() if p.ncb is not None]
    assessable = [p for p in evaluable if p.pain is not None]
    n = len(evaluable)
    return NCBSummary(
        definition=definition,
        itt=wilson_ci(sum(1 for p in evaluable if p.ncb), n),
        assessable=wilson_ci(sum(1 for p in assessable if p.ncb), len(assessable)),
        pain_response_itt=wilson_ci(
            sum(
                1
                for p in evaluable
                if p.pain is not None and p.pain.category in definition.responder_categories
            ),
            n,
        ),
        toxicity_ge_threshold_itt=wilson_ci(
            sum(1 for p in evaluable if p.max_grade >= definition.toxicity_grade_threshold), n
        ),
        systemic_change_itt=wilson_ci(sum(1 for p in evaluable if p.systemic_change), n),
        patients=list(patients.values()),
    )
