# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Trial-level tags: trial families (from interventions, arms, titles, keywords) and
bone relevance (from the compiled criteria, titles, conditions and outcomes), each
with the evidence that produced it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from osteotrials.model import Trial
from osteotrials.model.criteria import CriterionItem, TrialTag
from osteotrials.vocab import drugs

#: drug class id -> trial family tag
CLASS_TO_FAMILY: dict[str, str] = {
    "adc": "adc",
    "cdk46_inhibitor": "cdk46",
    "pi3k_akt_mtor_inhibitor": "pi3k_akt_mtor",
    "endocrine": "endocrine_serd",
    "her2_directed": "her2_directed",
    "parp_inhibitor": "parp",
    "immune_checkpoint_inhibitor": "immunotherapy",
    "immunotherapy": "immunotherapy",
    "chemotherapy": "chemotherapy",
    "bone_modifying_agent": "bone_modifying_agent",
    "radiopharmaceutical": "radiopharmaceutical",
}
#: trial family tag -> pattern on titles, keywords, interventions and arms
KEYWORD_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    (
        "radiotherapy_sbrt",
        re.compile(
            r"\b(?:sbrt|sabr|stereotactic|radiotherapy|radiation therapy|irradiation|radiosurgery|hypofractionat\w*|brachytherapy)\b",
            re.I,
        ),
    ),
    (
        "imaging_diagnostic",
        re.compile(
            r"\b(?:pet|fdg|fes|pet/ct|imaging|mri|magnetic resonance|tomosynthesis|mammograph\w*|ultrasound|sonograph\w*|scintigraph\w*|bone scan|tracer|radiotracer|molecular breast imaging|diagnostic)\b",
            re.I,
        ),
    ),
    ("nanomedicine", re.compile(r"\b(?:nano\w*|liposom\w*|micelle\w*)\b", re.I)),
    (
        "supportive_care",
        re.compile(
            r"\b(?:pain|fatigue|nausea|vomiting|symptom\w*|quality of life|exercise|acupuncture|insomnia|sleep|hot flash\w*|lymph?edema|neuropathy|mucositis|anxiety|depression|psycho\w*|palliative care|supportive care|yoga|diet\w*|nutrition\w*|survivorship|cognitive|alopecia|scalp cooling|skin toxicity|dermatitis)\b",
            re.I,
        ),
    ),
    (
        "radiopharmaceutical",
        re.compile(
            r"\b(?:radium|samarium|strontium|lutetium|radioligand|radiopharmaceutical|radionuclide)\b",
            re.I,
        ),
    ),
]
_BONE_ENDPOINT = re.compile(
    r"skeletal[- ]related|\bsres?\b|symptomatic skeletal|\bsse\b|pathologic(?:al)? fracture|bone pain|pain (?:response|relief|score)|spinal cord compression|bone (?:turnover|marker|resorption|density|metasta\w* progression)|time to (?:first )?(?:sre|skeletal)|hypercalc",
    re.I,
)
_BONE_TITLE = re.compile(
    r"bone[- ]only|bone[- ]dominant|bone[- ]predominant|bone metasta\w*|osseous metasta\w*|skeletal metasta\w*|metasta\w* (?:to|in) (?:the )?bone|bony metasta\w*",
    re.I,
)


def _texts(trial: Trial) -> Iterable[tuple[str, str]]:
    for title in (trial.brief_title, trial.official_title, trial.acronym):
        if title:
            yield "title", title
    for kw in trial.keywords:
        yield "keyword", kw
    for cond in trial.conditions:
        yield "condition", cond
    for iv in trial.interventions:
        yield "intervention", " ".join([iv.name, *iv.other_names])
    for arm in trial.arm_groups:
        yield "arm", " ".join(filter(None, [arm.label, arm.description, *arm.intervention_names]))


def family_tags(trial: Trial) -> list[TrialTag]:
    tags: dict[str, TrialTag] = {}
    for source, text in _texts(trial):
        if source == "condition":
            continue
        for drug, a, b in drugs.find_drugs(text):
            for cls in sorted(drug.classes):
                fam = CLASS_TO_FAMILY.get(cls)
                if fam and fam not in tags:
                    tags[fam] = TrialTag(
                        name=fam,
                        kind="family",
                        evidence=f"{text[a:b]} ({drug.name}: {cls})",
                        source=source,
                    )
        if source in ("title", "keyword", "intervention", "arm"):
            for classes, a, b in drugs.find_classes(text):
                for cls in sorted(classes):
                    fam = CLASS_TO_FAMILY.get(cls)
                    if fam and fam not in tags and source != "arm":
                        tags[fam] = TrialTag(
                            name=fam, kind="family", evidence=text[a:b], source=source
                        )
            for fam, pattern in KEYWORD_FAMILIES:
                if fam in tags:
                    continue
                if m := pattern.search(text):
                    tags[fam] = TrialTag(
                        name=fam, kind="family", evidence=m.group(0), source=source
                    )
    purpose = (trial.design.primary_purpose or "").upper()
    if purpose == "SUPPORTIVE_CARE" and "supportive_care" not in tags:
        tags["supportive_care"] = TrialTag(
            name="supportive_care",
            kind="family",
            evidence="primary purpose SUPPORTIVE_CARE",
            source="design",
        )
    if purpose in ("DIAGNOSTIC", "SCREENING") and "imaging_diagnostic" not in tags:
        tags["imaging_diagnostic"] = TrialTag(
            name="imaging_diagnostic",
            kind="family",
            evidence=f"primary purpose {purpose}",
            source="design",
        )
    if "bone_modifying_agent" in tags and re.search(
        r"every (?:4|12|twelve|four|three|3) (?:weeks|months)|schedul|interval|de-?escalat|q4w|q12w",
        " ".join(t for _s, t in _texts(trial)),
        re.I,
    ):
        tags["bone_modifying_agent"] = (
            tags["bone_modifying_agent"].model_copy(
                update={"name": "bone_modifying_agent_schedule"}
            )
            if re.search(r"schedul|interval|every|q\d+w|de-?escalat", trial.title or "", re.I)
            else tags["bone_modifying_agent"]
        )
    return list(tags.values())


def bone_tags(trial: Trial, items: list[CriterionItem]) -> list[TrialTag]:
    tags: dict[str, TrialTag] = {}

    def add(name: str, evidence: str, source: str) -> None:
        tags.setdefault(
            name, TrialTag(name=name, kind="bone_relevance", evidence=evidence, source=source)
        )

    for item in items:
        for c in item.constraints:
            p = c.params
            if c.family == "disease_sites" and p.get("site") == "bone":
                extent = p.get("extent")
                if extent == "only" and c.polarity in ("require", "allow"):
                    add(
                        "bone_only_cohort" if c.polarity == "require" else "allows_bone_only",
                        c.text,
                        "criteria",
                    )
                elif extent == "only" and c.polarity == "exclude":
                    add("excludes_bone_only", c.text, "criteria")
                elif extent == "dominant":
                    add("bone_dominant", c.text, "criteria")
                elif c.polarity == "require":
                    add("requires_bone_metastases", c.text, "criteria")
            if c.family == "measurable_disease":
                req = p.get("requirement")
                if p.get("bone_only") == "allowed" or req in (
                    "bone_only_allowed",
                    "measurable_or_evaluable",
                ):
                    add("allows_nonmeasurable_bone_only", c.text, "criteria")
                elif p.get("bone_only") == "requires_measurable_component" or (
                    req == "measurable" and c.polarity == "require"
                ):
                    add("requires_measurable_disease", c.text, "criteria")
            if c.family == "bone_agent":
                add("bone_modifying_agent_rule", c.text, "criteria")
    for source, text in _texts(trial):
        if source in ("title", "keyword", "condition") and (m := _BONE_TITLE.search(text)):
            if re.search(r"bone[- ]only", m.group(0), re.I):
                add("bone_only_cohort", m.group(0), source)
            elif re.search(r"dominant|predominant", m.group(0), re.I):
                add("bone_dominant", m.group(0), source)
            else:
                add("bone_metastasis_population", m.group(0), source)
    for outcome in [*trial.primary_outcomes, *trial.secondary_outcomes]:
        text = " ".join(filter(None, [outcome.measure, outcome.description]))
        if m := _BONE_ENDPOINT.search(text):
            add("bone_endpoints", f"{m.group(0)} ({outcome.measure})", "outcome")
            break
    if "bone_endpoints" not in tags:
        for source, text in _texts(trial):
            if source == "title" and (m := _BONE_ENDPOINT.search(text)):
                add("bone_endpoints", m.group(0), source)
    if "requires_measurable_disease" in tags and "allows_nonmeasurable_bone_only" in tags:
        del tags["requires_measurable_disease"]
    return list(tags.values())
