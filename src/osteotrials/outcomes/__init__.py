"""osteotrials.outcomes: outcome measures for bone-metastasis trials and registries.

One small module per endpoint, each documenting its formula and source:

* :mod:`~osteotrials.outcomes.pain` - International Consensus pain response, OME profiles, NRS bands
* :mod:`~osteotrials.outcomes.ctcae` - CTCAE v5.0 lab grading, maximum grade per patient/term/window
* :mod:`~osteotrials.outcomes.ncb` - configurable net clinical benefit
* :mod:`~osteotrials.outcomes.percist` - PERCIST 1.0 with comparability checks
* :mod:`~osteotrials.outcomes.bone_response` - MD Anderson bone response categories
* :mod:`~osteotrials.outcomes.dose` - BED / EQD2, regimen class, LQ-extrapolation flag
* :mod:`~osteotrials.outcomes.bone_agents` - Cockcroft-Gault, zoledronic-acid dose, adherence, SRE
* :mod:`~osteotrials.outcomes.cdk46` - CDK4/6-inhibitor dose levels (reference data)
* :mod:`~osteotrials.outcomes.survival` - Kaplan-Meier, log-rank, plots (lifelines, matplotlib)
* :mod:`~osteotrials.outcomes.stats` - Wilson interval, paired t-test
* :mod:`~osteotrials.outcomes.registry` - the CSV registry format and its validation
* :mod:`~osteotrials.outcomes.analysis` - every figure of the outcomes report

Thresholds, factors and dose levels live in versioned YAML files in
``outcomes/data``. The package imports nothing else of osteotrials except
``osteotrials.model`` (architecture.md), and the heavy modules (survival,
analysis) are not imported here so ``import osteotrials.outcomes`` stays light.
"""

from osteotrials.outcomes.errors import (
    OutcomesError,
    RegistryValidationError,
    RowError,
    UnknownUnitError,
)

__all__ = ["OutcomesError", "RegistryValidationError", "RowError", "UnknownUnitError"]
