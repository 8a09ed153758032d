"""Plain-language wording for trial facts: what a trial tests, phases, randomisation.

Everything here turns registry vocabulary ("PHASE2", "RANDOMIZED",
"cdk46_inhibitor") into short sentences a patient can read (aiming at an
8th-grade reading level). Trial text itself is never rewritten here; it is
shown as written (and escaped) by the templates.
"""

from __future__ import annotations

import re

from osteotrials.model import Trial
from osteotrials.model.criteria import CompiledTrial
from osteotrials.vocab import drugs as drug_vocab

#: Trial families, in the order they are preferred when a trial has several,
#: with the plain words shown on result cards. Keys are matched against trial
#: tag names (``TrialTag.name``) and against drug class ids.
FAMILY_WORDS: dict[str, str] = {
    "adc": "an antibody-drug conjugate: an antibody that carries chemotherapy straight "
    "to the cancer cells",
    "radiopharmaceutical": "a radioactive medicine that travels to the bones or the cancer",
    "radiotherapy": "radiotherapy (radiation treatment) to the bone, together with your "
    "drug treatment",
    "cdk46": "a targeted pill (a CDK4/6 inhibitor) added to hormone therapy",
    "pi3k": "a targeted pill that blocks a growth signal (PI3K, AKT or mTOR) in the cancer",
    "parp": "a targeted pill (a PARP inhibitor) for cancers with a BRCA or similar gene change",
    "her2": "a treatment aimed at the HER2 protein on the cancer cells",
    "endocrine": "hormone therapy: medicine that blocks estrogen from feeding the cancer",
    "immunotherapy": "immunotherapy: medicine that helps your immune system attack the cancer",
    "chemotherapy": "chemotherapy: medicine that kills fast-growing cells",
    "bone_agent": "a bone-strengthening medicine (like zoledronic acid or denosumab)",
    "imaging": "a scan or test, not a new treatment",
    "nanomedicine": "a new kind of medicine carried in tiny particles",
    "supportive": "care to ease symptoms such as pain, not a cancer treatment",
    "targeted": "a targeted medicine that acts on one feature of the cancer cells",
}

#: Tag or class name fragments -> family key above (first match wins).
_FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("adc", "adc"),
    ("antibody_drug", "adc"),
    ("radiopharm", "radiopharmaceutical"),
    ("radiotherapy", "radiotherapy"),
    ("sbrt", "radiotherapy"),
    ("radiation", "radiotherapy"),
    ("cdk", "cdk46"),
    ("pi3k", "pi3k"),
    ("akt", "pi3k"),
    ("mtor", "pi3k"),
    ("parp", "parp"),
    ("her2", "her2"),
    ("endocrine", "endocrine"),
    ("serd", "endocrine"),
    ("serm", "endocrine"),
    ("aromatase", "endocrine"),
    ("ovarian_suppression", "endocrine"),
    ("immun", "immunotherapy"),
    ("checkpoint", "immunotherapy"),
    ("chemo", "chemotherapy"),
    ("taxane", "chemotherapy"),
    ("anthracycline", "chemotherapy"),
    ("antimetabolite", "chemotherapy"),
    ("platinum", "chemotherapy"),
    ("vinca", "chemotherapy"),
    ("alkylating", "chemotherapy"),
    ("bone", "bone_agent"),
    ("bisphosphonate", "bone_agent"),
    ("rank", "bone_agent"),
    ("imaging", "imaging"),
    ("diagnostic", "imaging"),
    ("nano", "nanomedicine"),
    ("supportive", "supportive"),
    ("symptom", "supportive"),
    ("targeted", "targeted"),
)

_FAMILY_ORDER = list(FAMILY_WORDS)


def family_key(name: str) -> str | None:
    """The family key for a tag name or drug class id, or None."""
    lower = name.lower()
    for fragment, key in _FAMILY_PATTERNS:
        if fragment in lower:
            return key
    return None


_RADIATION_WORDS = re.compile(
    r"\b(radiotherapy|radiation|sbrt|stereotactic body|radiosurgery|irradiation)\b", re.I
)
_IMAGING_WORDS = re.compile(r"\b(pet|imaging|scan|mri|tracer)\b", re.I)


def trial_families(trial: Trial, compiled: CompiledTrial | None = None) -> list[str]:
    """Family keys of a trial: from its compiled tags when present, else from its drugs."""
    found: set[str] = set()
    if compiled is not None:
        for tag in compiled.tags:
            if tag.kind == "family":
                key = family_key(tag.name)
                if key:
                    found.add(key)
    if not found:
        texts = [i.name for i in trial.interventions]
        texts += [n for i in trial.interventions for n in i.other_names]
        texts.append(trial.title or "")
        for text in texts:
            for drug, _start, _end in drug_vocab.find_drugs(text):
                for cls in drug.classes:
                    key = family_key(cls)
                    if key:
                        found.add(key)
        if any(i.type == "RADIATION" for i in trial.interventions) or _RADIATION_WORDS.search(
            trial.title or ""
        ):
            found.add("radiotherapy")
        if not found and _IMAGING_WORDS.search(trial.title or ""):
            found.add("imaging")
    # specific families make the generic ones redundant
    if found & {"cdk46", "pi3k", "parp", "her2", "adc"}:
        found.discard("targeted")
    return sorted(found, key=_FAMILY_ORDER.index)


def what_it_tests(trial: Trial, compiled: CompiledTrial | None = None) -> str:
    """One plain sentence on what the trial tests."""
    families = trial_families(trial, compiled)
    if not families:
        if trial.study_type == "OBSERVATIONAL":
            return (
                "An observational study: it watches and measures, and does not give you "
                "a new treatment."
            )
        return "The record does not make clear what kind of treatment is tested."
    if "cdk46" in families:
        # "a CDK4/6 inhibitor added to hormone therapy" already says "hormone therapy"
        families = [f for f in families if f != "endocrine"]
    text = " and ".join(FAMILY_WORDS[f] for f in families[:2])
    return text[0].upper() + text[1:] + "."


PHASE_WORDS: dict[str, str] = {
    "EARLY_PHASE1": "Early phase 1: a very first, small test in people, mostly about safety.",
    "PHASE1": "Phase 1: tests safety and finds the right dose, in a small group of people.",
    "PHASE2": "Phase 2: tests whether the treatment works and is safe, in a larger group.",
    "PHASE3": "Phase 3: compares the new treatment with the usual treatment, in many people.",
    "PHASE4": "Phase 4: studies a treatment that is already approved, to learn more about it.",
    "NA": "No phase: this study does not test a new drug (for example a scan or a device).",
}


def phase_text(phases: list[str]) -> str:
    """The phase(s) in plain words."""
    if not phases:
        return "The record does not give a phase."
    if set(phases) == {"PHASE1", "PHASE2"}:
        return (
            "Phase 1/2: first finds a safe dose, then tests whether the treatment works, "
            "in one study."
        )
    if set(phases) == {"PHASE2", "PHASE3"}:
        return (
            "Phase 2/3: tests whether the treatment works, then compares it with the usual "
            "treatment."
        )
    return " ".join(PHASE_WORDS.get(p, p) for p in phases)


def phase_label(phases: list[str]) -> str:
    if not phases:
        return "phase not given"
    names = {"EARLY_PHASE1": "early phase 1", "NA": "no phase"}
    return "/".join(names.get(p, p.replace("PHASE", "phase ")) for p in phases)


_RANDOM = re.compile(r"\brandomi[sz]", re.I)
_PLACEBO = re.compile(r"\bplacebo\b", re.I)


def _record_text(trial: Trial) -> str:
    return " ".join(
        [trial.title or "", trial.official_title or "", trial.brief_summary or ""]
        + [a.description or "" for a in trial.arm_groups]
    )


def randomisation_text(trial: Trial) -> str:
    """Whether a computer decides the treatment (randomisation), in plain words."""
    allocation = trial.design.allocation
    if allocation == "RANDOMIZED":
        return (
            "Randomised: a computer decides by chance which treatment you get, so you "
            "cannot choose."
        )
    if allocation in {"NON_RANDOMIZED", "NA"}:
        return "Not randomised: you know which treatment you will get."
    if _RANDOM.search(_record_text(trial)):
        return (
            "Probably randomised (the record mentions it): a computer may decide by chance "
            "which treatment you get."
        )
    return "The record does not say whether the treatment is chosen by chance (randomised)."


def placebo_text(trial: Trial) -> str:
    """Whether a placebo (a dummy treatment) is used, in plain words."""
    uses = any(a.type == "PLACEBO_COMPARATOR" for a in trial.arm_groups) or any(
        _PLACEBO.search(i.name) or i.type == "PLACEBO" for i in trial.interventions
    )
    if uses or _PLACEBO.search(_record_text(trial)):
        return (
            "Uses a placebo (a dummy pill or injection with no medicine in it). In cancer "
            "trials a placebo is almost always given on top of a real treatment, not instead "
            "of it."
        )
    return "No placebo is mentioned in the record."


STATUS_WORDS: dict[str, str] = {
    "RECRUITING": "looking for people now",
    "NOT_YET_RECRUITING": "will start looking for people soon",
    "ENROLLING_BY_INVITATION": "open to invited people only",
    "ACTIVE_NOT_RECRUITING": "running, but not taking new people",
    "COMPLETED": "finished",
    "TERMINATED": "stopped early",
    "SUSPENDED": "paused",
    "WITHDRAWN": "withdrawn before it started",
    "UNKNOWN": "status unknown (not updated for a long time)",
}


def status_text(status: str | None) -> str:
    if status is None:
        return "status not given"
    return STATUS_WORDS.get(status, status.replace("_", " ").lower())


VERDICT_WORDS: dict[str, str] = {
    "eligible": "You may be able to join",
    "possibly_eligible": "You might be able to join: questions to answer first",
    "ineligible": "Probably not a fit",
}

CRITERION_STATUS_WORDS: dict[str, str] = {
    "met": "fits",
    "not_met": "does not fit",
    "unknown": "not known yet",
    "not_applicable": "does not apply",
}


def record_text(trial: Trial) -> str:
    """The record version as a patient reads it: its date, or its hash when it has none."""
    if trial.record_version_basis == "last_update_posted":
        return f"record updated {trial.record_version}"
    if trial.record_version_basis == "source_date":
        return f"record of {trial.record_version}"
    return f"record version {trial.record_version} (the record gives no date)"
