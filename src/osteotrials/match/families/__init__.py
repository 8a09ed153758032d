"""One evaluator per constraint family: ``evaluate(constraint, context) -> Truth``.

Each module answers whether the condition a constraint describes holds for the
patient (True / False / None = unknown), with the patient fact it used. The
registry ``EVALUATORS`` maps a family name to its evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from osteotrials.match._core import Context, Truth
from osteotrials.match.families import (
    administrative,
    age,
    biomarker,
    bone_agent,
    cardiac,
    cns,
    comorbidity,
    diagnosis,
    disease_sites,
    hypersensitivity,
    infection,
    lab,
    life_expectancy,
    measurable_disease,
    medication,
    menopause,
    other_malignancy,
    performance_status,
    pregnancy,
    prior_therapy,
    radiotherapy,
    receptor,
    sex,
    surgery,
    toxicity,
    trial_participation,
)
from osteotrials.model.criteria import Constraint

Evaluator = Callable[[Constraint, Context], Truth]

EVALUATORS: dict[str, Evaluator] = {
    "administrative": administrative.evaluate,
    "age": age.evaluate,
    "biomarker": biomarker.evaluate,
    "bone_agent": bone_agent.evaluate,
    "cardiac": cardiac.evaluate,
    "cns": cns.evaluate,
    "comorbidity": comorbidity.evaluate,
    "diagnosis": diagnosis.evaluate,
    "disease_sites": disease_sites.evaluate,
    "hypersensitivity": hypersensitivity.evaluate,
    "infection": infection.evaluate,
    "lab": lab.evaluate,
    "life_expectancy": life_expectancy.evaluate,
    "measurable_disease": measurable_disease.evaluate,
    "medication": medication.evaluate,
    "menopause": menopause.evaluate,
    "other_malignancy": other_malignancy.evaluate,
    "performance_status": performance_status.evaluate,
    "pregnancy": pregnancy.evaluate,
    "prior_therapy": prior_therapy.evaluate,
    "radiotherapy": radiotherapy.evaluate,
    "receptor": receptor.evaluate,
    "sex": sex.evaluate,
    "surgery": surgery.evaluate,
    "toxicity": toxicity.evaluate,
    "trial_participation": trial_participation.evaluate,
}


def constant_codes(prepared: list[int], ctx: Context) -> list[int | None]:
    """Bulk codes of a family whose truth never depends on the patient: the prepared
    codes themselves."""
    return list(prepared)


#: families that can also answer in bulk, as truth codes only (the fast ranking path):
#: ``prepare(constraint)`` once per index (None: use the evaluator), ``batch(prepared)``
#: once per index, then ``codes(batch, context)`` per patient: one code per prepared
#: constraint, as a list (None for an answer that needs the evaluator) or as an int array
#: (``TRUTH_NEEDS_EVALUATOR`` for such an answer)
BULK: dict[
    str,
    tuple[
        Callable[[Constraint], Any],
        Callable[[list[Any]], Any],
        Callable[[Any, Context], list[int | None] | NDArray[np.intp]],
    ],
] = {
    "prior_therapy": (prior_therapy.prepare, prior_therapy.batch, prior_therapy.codes),
    "lab": (lab.prepare, lab.batch, lab.codes),
    "diagnosis": (diagnosis.prepare, diagnosis.batch, diagnosis.codes),
    "other_malignancy": (other_malignancy.prepare, other_malignancy.batch, other_malignancy.codes),
    "comorbidity": (comorbidity.prepare, comorbidity.batch, comorbidity.codes),
    "cardiac": (cardiac.prepare, cardiac.batch, cardiac.codes),
    "radiotherapy": (radiotherapy.prepare, list, radiotherapy.codes),
    "surgery": (surgery.prepare, list, surgery.codes),
    "age": (age.prepare, age.batch, age.codes),
    "hypersensitivity": (hypersensitivity.prepare, list, hypersensitivity.codes),
    "medication": (medication.prepare, list, medication.codes),
    "biomarker": (biomarker.prepare, list, biomarker.codes),
    "bone_agent": (bone_agent.prepare, list, bone_agent.codes),
    "infection": (infection.prepare, list, infection.codes),
    "administrative": (administrative.prepare, list, constant_codes),
    "life_expectancy": (life_expectancy.prepare, list, constant_codes),
    "trial_participation": (trial_participation.prepare, list, constant_codes),
    "cns": (cns.prepare, list, cns.codes),
    "receptor": (receptor.prepare, list, receptor.codes),
    "disease_sites": (disease_sites.prepare, list, disease_sites.codes),
    "performance_status": (performance_status.prepare, list, performance_status.codes),
    "menopause": (menopause.prepare, list, menopause.codes),
    "pregnancy": (pregnancy.prepare, list, pregnancy.codes),
    "toxicity": (toxicity.prepare, list, toxicity.codes),
    "measurable_disease": (measurable_disease.prepare, list, measurable_disease.codes),
    "sex": (sex.prepare, list, sex.codes),
}

__all__ = ["BULK", "EVALUATORS", "Evaluator"]
