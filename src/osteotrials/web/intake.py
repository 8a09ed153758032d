"""The guided intake: short steps of plain-language questions -> a patient document.

Every question offers "I don't know" (radio value ``unknown``, or an "I don't
know" box next to a number), and an unknown answer leaves the patient field
unset: osteotrials never assumes a fact the person did not give. The answers
are kept as raw form values in the session; :func:`patient_document` turns
them into a dict in the patient file format, validated by
:func:`osteotrials.patient.parse_patient`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from osteotrials.vocab import drugs as drug_vocab

UNKNOWN = "unknown"
QuestionKind = Literal["radio", "number", "text", "checkbox"]


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Question:
    name: str
    kind: QuestionKind
    label: str
    help: str = ""
    options: tuple[Option, ...] = ()
    unit: str = ""
    min: float | None = None
    max: float | None = None
    step: str = "any"
    #: number and text questions: offer an "I don't know" box
    unknown_box: bool = True
    inputmode: str = ""
    autocomplete: str = "off"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    optional: bool = False


DONT_KNOW = Option(UNKNOWN, "I don't know")


def _yes_no(yes: str = "Yes", no: str = "No") -> tuple[Option, ...]:
    return (Option("yes", yes), Option("no", no), DONT_KNOW)


STOP_OPTIONS = (
    Option("ongoing", "I am still taking it"),
    Option("progression", "The cancer grew while I was on it"),
    Option("toxicity", "I stopped because of side effects"),
    Option("completed", "I finished it as planned"),
    DONT_KNOW,
)


def _line(n: int, ordinal: str) -> tuple[Question, ...]:
    return (
        Question(
            f"line{n}_drugs",
            "text",
            f"Your {ordinal} treatment after the cancer spread: which medicines?",
            help=(
                "Write the names you know, brand or generic, separated by commas "
                '(for example "letrozole, palbociclib" or "Ibrance and Femara"). '
                "Leave it empty if there was none."
            ),
        ),
        Question(
            f"line{n}_stop",
            "radio",
            f"How did your {ordinal} treatment end?",
            options=STOP_OPTIONS,
        ),
    )


STEPS: tuple[Step, ...] = (
    Step(
        "about",
        "About me",
        "A few facts about you. Trials often have age limits, and some are only for women "
        "or only for men.",
        (
            Question(
                "age",
                "number",
                "How old are you?",
                unit="years",
                min=18,
                max=120,
                step="1",
                inputmode="numeric",
            ),
            Question(
                "sex",
                "radio",
                "What sex were you assigned at birth?",
                help="Trials use this because hormones work differently in women and men.",
                options=(
                    Option("female", "Female"),
                    Option("male", "Male"),
                    Option("other", "Other"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "menopause",
                "radio",
                "Have your periods stopped for good (menopause)?",
                help=(
                    "Menopause means your ovaries have stopped making estrogen. Many "
                    "hormone-therapy trials ask about it. Skip this if you are a man."
                ),
                options=(
                    Option("post", "Yes, they stopped for good (after menopause)"),
                    Option("pre", "No, I still have periods (before menopause)"),
                    Option("peri", "They have become irregular (around menopause)"),
                    Option(
                        "ofs",
                        "I get shots or pills that switch off my ovaries",
                        "This is called ovarian suppression, e.g. goserelin (Zoladex).",
                    ),
                    DONT_KNOW,
                ),
            ),
            Question(
                "pregnant",
                "radio",
                "Are you pregnant or breastfeeding?",
                options=_yes_no("Yes", "No"),
            ),
        ),
    ),
    Step(
        "cancer",
        "My cancer",
        "Your pathology report (the lab report on your tumour sample) has these results. "
        "Your oncologist, the doctor who treats your cancer, can tell you too.",
        (
            Question(
                "er",
                "radio",
                "Is the cancer ER-positive?",
                help=(
                    "ER means estrogen receptor. ER-positive cancer grows when the hormone "
                    "estrogen feeds it, so hormone therapy can slow it down."
                ),
                options=(
                    Option("positive", "Yes, ER-positive"),
                    Option("negative", "No, ER-negative"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "pr",
                "radio",
                "Is the cancer PR-positive?",
                help="PR means progesterone receptor, a second hormone the cancer may use.",
                options=(
                    Option("positive", "Yes, PR-positive"),
                    Option("negative", "No, PR-negative"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "her2",
                "radio",
                "What is the HER2 result?",
                help=(
                    "HER2 is a protein on some cancer cells that makes them grow. The test "
                    "(called IHC) gives a score from 0 to 3+. HER2-low means a score of 1+, "
                    "or 2+ with a negative second test (called ISH or FISH)."
                ),
                options=(
                    Option("0", "HER2-zero: score 0"),
                    Option("1+", "HER2-low: score 1+"),
                    Option("2+neg", "HER2-low: score 2+ and the ISH test was negative"),
                    Option("2+pos", "HER2-positive: score 2+ and the ISH test was positive"),
                    Option("3+", "HER2-positive: score 3+"),
                    Option("negative", "HER2-negative, but I don't know the score"),
                    Option("positive", "HER2-positive, but I don't know the score"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "presentation",
                "radio",
                "When the breast cancer was first found, had it already spread?",
                options=(
                    Option("de_novo", "Yes, it had already spread when it was first found"),
                    Option("recurrent", "No, it came back and spread later"),
                    DONT_KNOW,
                ),
            ),
        ),
    ),
    Step(
        "spread",
        "Where it has spread",
        "Metastatic means the cancer has spread from the breast to other parts of the body. "
        "Many trials have rules about where.",
        (
            Question(
                "spread",
                "radio",
                "Where has the cancer spread?",
                options=(
                    Option("only_bone", "Only in my bones"),
                    Option("bone_and_more", "In my bones and in other places"),
                    Option("not_bone", "Not in my bones"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "other_sites",
                "checkbox",
                "If it is also outside the bones, where? Tick all that you know of.",
                help="Skip this if the cancer is only in your bones.",
                options=(
                    Option("liver", "Liver"),
                    Option("lung", "Lungs"),
                    Option("pleura", "The lining around the lungs (pleura)"),
                    Option("nodes", "Lymph nodes (small glands, e.g. in the armpit)"),
                    Option("skin", "Skin or chest wall"),
                    Option("other", "Somewhere else"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "brain",
                "radio",
                "Has the cancer spread to the brain?",
                options=(
                    Option("none", "No"),
                    Option("treated_stable", "Yes, it was treated and has been stable since"),
                    Option("active", "Yes, and it is not yet treated or is growing"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "measurable",
                "radio",
                "Has your doctor said you have measurable disease?",
                help=(
                    "Measurable disease means a tumour big enough to measure on a scan "
                    "(about 1 cm or more). Cancer that is only in the bones often cannot be "
                    "measured this way, and some trials need it."
                ),
                options=_yes_no("Yes, it is measurable", "No, it is not measurable"),
            ),
        ),
    ),
    Step(
        "treatments",
        "My treatments so far",
        "Trials often depend on which medicines you have had. Write them as best you can; "
        "your medicine list or your oncologist's letters will have the names.",
        (
            Question(
                "treated",
                "radio",
                "Since the cancer spread, have you had any medicine for it?",
                options=_yes_no("Yes", "No, not yet"),
            ),
            *_line(1, "first"),
            *_line(2, "second"),
            *_line(3, "third"),
            Question(
                "adjuvant_drugs",
                "text",
                "Before the cancer spread, which medicines did you take after surgery?",
                help=(
                    'For example "anastrozole" or "tamoxifen". Leave it empty if none or if '
                    "you don't know."
                ),
            ),
            Question(
                "bone_agent",
                "radio",
                "Do you get a bone-strengthening medicine?",
                help="These protect the bones from the cancer. They are given as a drip or shot.",
                options=(
                    Option("zoledronic acid", "Zoledronic acid (Zometa)"),
                    Option("denosumab", "Denosumab (Xgeva)"),
                    Option("pamidronate", "Pamidronate (Aredia)"),
                    Option("none", "No"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "bone_radiation",
                "radio",
                "Have you had radiotherapy (radiation treatment) to a bone?",
                options=_yes_no(),
            ),
        ),
    ),
    Step(
        "daily",
        "How I am doing day to day",
        "Doctors use a score called ECOG for this. It goes from 0 (fully active) to 4 (in bed "
        "all day). Most trials need 0 or 1. Some allow 2.",
        (
            Question(
                "ecog",
                "radio",
                "Which sentence fits you best most days?",
                options=(
                    Option("0", "I can do everything I did before I got ill", "ECOG 0"),
                    Option(
                        "1",
                        "I can't do heavy work, but I can do light work like "
                        "housework or office work",
                        "ECOG 1",
                    ),
                    Option(
                        "2",
                        "I can look after myself but can't work; I am up and about "
                        "more than half the day",
                        "ECOG 2",
                    ),
                    Option(
                        "3",
                        "I can only partly look after myself; I am in bed or a chair "
                        "more than half the day",
                        "ECOG 3",
                    ),
                    Option(
                        "4",
                        "I need help with everything and am in bed or a chair all day",
                        "ECOG 4",
                    ),
                    DONT_KNOW,
                ),
            ),
        ),
    ),
    Step(
        "bloods",
        "Recent blood tests (optional)",
        "If you have a recent blood test report, copy the numbers here. Check that the unit on "
        "your report matches the one shown. Leave any box empty if you don't know.",
        (
            Question(
                "hemoglobin",
                "number",
                "Hemoglobin (carries oxygen in the blood)",
                unit="g/dL",
                min=0,
                max=25,
                inputmode="decimal",
            ),
            Question(
                "platelets",
                "number",
                "Platelets (help the blood clot)",
                unit="thousand per microlitre (same as 10^9/L)",
                min=0,
                max=2000,
                inputmode="decimal",
            ),
            Question(
                "anc",
                "number",
                "Neutrophils, also called ANC (fight infection)",
                unit="thousand per microlitre (same as 10^9/L)",
                min=0,
                max=100,
                inputmode="decimal",
            ),
            Question(
                "creatinine",
                "number",
                "Creatinine (shows how well the kidneys work)",
                unit="mg/dL",
                min=0,
                max=20,
                inputmode="decimal",
            ),
            Question(
                "bilirubin",
                "number",
                "Bilirubin (shows how well the liver works)",
                unit="mg/dL",
                min=0,
                max=40,
                inputmode="decimal",
            ),
            Question(
                "alt",
                "number",
                "ALT (a liver enzyme)",
                unit="U/L",
                min=0,
                max=5000,
                inputmode="decimal",
            ),
            Question(
                "ast",
                "number",
                "AST (a liver enzyme)",
                unit="U/L",
                min=0,
                max=5000,
                inputmode="decimal",
            ),
        ),
        optional=True,
    ),
    Step(
        "where",
        "Where I live",
        "We use this only to work out how far each trial site is from you. It stays on this "
        "computer.",
        (
            Question(
                "country",
                "radio",
                "Which country do you live in?",
                options=(
                    Option("US", "United States"),
                    Option("other", "Another country"),
                    DONT_KNOW,
                ),
            ),
            Question(
                "zip",
                "text",
                "Your ZIP code (United States only)",
                help="Five digits, for example 02115.",
                inputmode="numeric",
                autocomplete="postal-code",
            ),
            Question(
                "travel",
                "radio",
                "How far could you travel for a trial?",
                help="You may need to go there often, for example every 2 to 4 weeks.",
                options=(
                    Option("50", "Up to 50 km (30 miles)"),
                    Option("100", "Up to 100 km (60 miles)"),
                    Option("250", "Up to 250 km (155 miles)"),
                    Option("500", "Up to 500 km (310 miles)"),
                    Option("any", "Any distance"),
                    DONT_KNOW,
                ),
            ),
        ),
    ),
)

STEP_BY_SLUG = {s.slug: s for s in STEPS}
QUESTION_BY_NAME = {q.name: q for s in STEPS for q in s.questions}


# --------------------------------------------------------------------------- form -> answers


def read_step(step: Step, form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers of one step from a submitted form, and errors per question name.

    ``form`` maps field names to a string or a list of strings (check boxes).
    Unknown choices and numbers out of range are errors shown next to the question.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in step.questions:
        raw = form.get(q.name)
        if q.kind == "checkbox":
            values = raw if isinstance(raw, list) else ([raw] if raw else [])
            allowed = {o.value for o in q.options}
            bad = [v for v in values if v not in allowed]
            if bad:
                errors[q.name] = "Please choose from the list."
            answers[q.name] = [v for v in values if v in allowed]
            continue
        value = (raw[0] if isinstance(raw, list) and raw else raw) or ""
        value = str(value).strip()
        if q.kind == "radio":
            if value and value not in {o.value for o in q.options}:
                errors[q.name] = "Please choose one of the answers."
            elif value:
                answers[q.name] = value
            continue
        if form.get(f"{q.name}__unknown"):
            answers[q.name] = UNKNOWN
            continue
        if not value:
            continue
        if len(value) > 300:
            errors[q.name] = "That is too long."
            continue
        if q.kind == "number":
            try:
                number = float(value.replace(",", "."))
            except ValueError:
                errors[q.name] = 'Please write a number, or tick "I don\'t know".'
                continue
            if not math.isfinite(number):
                errors[q.name] = 'Please write a number, or tick "I don\'t know".'
                continue
            if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
                errors[q.name] = (
                    f"Please check this number: it should be between {q.min:g} and {q.max:g}."
                )
                continue
        if q.name.endswith("_drugs") and not drug_names(value):
            errors[q.name] = (
                "We did not recognise a medicine name here. Please check the spelling, "
                "or leave it empty."
            )
            continue
        if q.name == "zip" and not re.fullmatch(r"\d{5}", value):
            errors[q.name] = "A ZIP code has five digits, for example 02115."
            continue
        answers[q.name] = value
    return answers, errors


def drug_names(text: str) -> list[str]:
    """Canonical drug names recognised in free text, in order, without repeats."""
    names: list[str] = []
    for drug, _start, _end in drug_vocab.find_drugs(text):
        if drug.name not in names:
            names.append(drug.name)
    return names


# --------------------------------------------------------------------------- answers -> patient


def _known(answers: dict[str, Any], name: str) -> Any:
    value = answers.get(name)
    return None if value in (None, "", UNKNOWN) else value


def _number(answers: dict[str, Any], name: str) -> float | None:
    value = _known(answers, name)
    return None if value is None else float(str(value).replace(",", "."))


LAB_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("hemoglobin", "hemoglobin", "g/dL"),
    ("platelets", "platelets", "10^9/L"),
    ("anc", "ANC", "10^9/L"),
    ("creatinine", "creatinine", "mg/dL"),
    ("bilirubin", "total bilirubin", "mg/dL"),
    ("alt", "ALT", "U/L"),
    ("ast", "AST", "U/L"),
)

_ORGANS = {"liver": "liver", "lung": "lung", "pleura": "pleura", "skin": "skin", "other": "other"}


def patient_document(answers: dict[str, Any]) -> dict[str, Any]:
    """A patient document (the patient file format) from the intake answers.

    Only what the person said is filled in; everything else stays unknown.
    """
    doc: dict[str, Any] = {}
    age = _number(answers, "age")
    if age is not None:
        doc["age_years"] = int(age)
    if (sex := _known(answers, "sex")) is not None:
        doc["sex"] = sex
    menopause = _known(answers, "menopause")
    if menopause in {"post", "pre", "peri"}:
        doc["menopause"] = {"status": menopause}
    elif menopause == "ofs":
        doc["menopause"] = {"on_ovarian_suppression": True}
    pregnant = _known(answers, "pregnant")
    if pregnant == "yes":
        doc["reproductive"] = {"pregnant": True}
    elif pregnant == "no":
        doc["reproductive"] = {"pregnant": False, "breastfeeding": False}

    receptors: dict[str, Any] = {}
    for key in ("er", "pr"):
        if (status := _known(answers, key)) is not None:
            receptors[f"{key}_status"] = status
    her2 = _known(answers, "her2")
    if her2 in {"0", "1+", "3+"}:
        receptors["her2_ihc"] = her2
    elif her2 == "2+neg":
        receptors.update(her2_ihc="2+", her2_ish="not_amplified")
    elif her2 == "2+pos":
        receptors.update(her2_ihc="2+", her2_ish="amplified")
    elif her2 in {"negative", "positive"}:
        receptors["her2_status"] = her2
    if receptors:
        doc["receptors"] = receptors
    if (presentation := _known(answers, "presentation")) is not None:
        doc["diagnosis"] = {"presentation": presentation}

    disease: dict[str, Any] = {}
    spread = _known(answers, "spread")
    others = [s for s in answers.get("other_sites") or [] if s and s != UNKNOWN]
    if spread in {"only_bone", "bone_and_more"}:
        disease["bone_lesions"] = [{}]
    elif spread == "not_bone":
        disease["bone_lesions"] = []
    if spread == "only_bone":
        disease["visceral_lesions"] = []
        disease["nodal_lesions"] = []
    elif spread in {"bone_and_more", "not_bone"} or others:
        visceral = [{"organ": _ORGANS[s]} for s in others if s in _ORGANS]
        if visceral:
            disease["visceral_lesions"] = visceral
        if "nodes" in others:
            disease["nodal_lesions"] = [{}]
    measurable = _known(answers, "measurable")
    if measurable is not None:
        disease["measurable_disease"] = measurable == "yes"
    if disease:
        doc["disease"] = disease
    if (brain := _known(answers, "brain")) is not None:
        doc["cns"] = {"status": brain}

    regimens: list[dict[str, Any]] = []
    adjuvant = drug_names(_known(answers, "adjuvant_drugs") or "")
    if adjuvant:
        regimens.append({"drugs": adjuvant, "setting": "adjuvant"})
    previous_stop: str | None = None
    for n in (1, 2, 3):
        names = drug_names(_known(answers, f"line{n}_drugs") or "")
        if not names:
            continue
        regimen: dict[str, Any] = {"drugs": names, "setting": "metastatic"}
        stop = _known(answers, f"line{n}_stop")
        if stop == "ongoing":
            regimen["ongoing"] = True
        elif stop is not None:
            regimen["stop_reason"] = stop
        if previous_stop == "progression":
            regimen["after_progression"] = True
        previous_stop = stop
        regimens.append(regimen)
    if regimens:
        doc["regimens"] = regimens
    elif _known(answers, "treated") == "no":
        # "no medicine since it spread" and no earlier medicine named
        doc["regimens"] = []
    bone_agent = _known(answers, "bone_agent")
    if bone_agent == "none":
        doc["bone_modifying_agents"] = []
    elif bone_agent is not None:
        doc["bone_modifying_agents"] = [{"drug": bone_agent}]
    bone_rt = _known(answers, "bone_radiation")
    if bone_rt == "yes":
        doc["radiotherapy"] = [{"site_category": "bone"}]
    elif bone_rt == "no":
        doc["radiotherapy"] = []

    if (ecog := _known(answers, "ecog")) is not None:
        doc["performance"] = {"ecog": int(ecog)}

    labs = []
    for name, analyte, unit in LAB_FIELDS:
        value = _number(answers, name)
        if value is not None:
            labs.append({"analyte": analyte, "value": value, "unit": unit})
    if labs:
        doc["labs"] = labs

    country = _known(answers, "country")
    if country == "US":
        doc["country"] = "US"
        if (zip_code := _known(answers, "zip")) is not None:
            doc["postal_code"] = zip_code
    return doc


def travel_radius_km(answers: dict[str, Any]) -> float | None:
    value = _known(answers, "travel")
    if value is None or value == "any":
        return None
    return float(value)
