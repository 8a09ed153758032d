# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Other illnesses: uncontrolled intercurrent illness, psychiatric, autoimmune, lung
(ILD/pneumonitis), liver, renal, gastrointestinal, neurologic, bleeding/thrombosis,
osteonecrosis of the jaw, hypercalcaemia, transplant, immunodeficiency, ..."""

from __future__ import annotations

import re

from osteotrials.criteria.families._base import (
    MultiPattern,
    make,
    runs_between,
    uncontrolled_near,
)
from osteotrials.criteria.families.cardiac import IMPLANT_CONTEXT
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint

FAMILY = "comorbidity"
_CONDITIONS: list[tuple[str, str]] = [
    (
        "uncontrolled_illness",
        r"life-threatening (?:illness|disease|condition)|(?:uncontrolled|serious|severe|significant|unstable|active|concurrent|intercurrent|concomitant|underlying)\s+(?:(?:and|or|,)\s*|(?!infection)\w+\s+){0,3}?(?:illness\w*|diseases?|medical conditions?|conditions?|disorders?|comorbidit\w*)|intercurrent illness|medical conditions?|medical (?:or|and|/) psychiatric|co-?morbid\w*|clinically (?:important|relevant|significant)\s+(?:\w+\s+){0,2}?(?:illness\w*|diseases?|conditions?|disorders?)|medical (?:or \w+ )?problems?",
    ),
    (
        "psychiatric",
        r"psychiatr\w*|mental (?:illness|disorder|status)|dementia|depression|psycholog(?!\w*,?\s+famil)\w*|cognitive impairment|substance abuse|alcohol(?:ism| abuse)|drug abuse|social situations?",
    ),
    (
        "autoimmune",
        r"auto-?immune|rheumatoid|lupus|sjogren|sarcoidosis|inflammatory bowel|crohn|ulcerative colitis|connective tissue|(?<!human )immunodeficien\w*\b(?![\s-]+(?:syndrome|virus))|immune deficiency(?![\s-]+(?:syndrome|virus))",
    ),
    (
        "lung",
        r"interstitial lung|\bild\b|pneumonitis|pulmonary fibrosis|copd|chronic obstructive|dyspn\w*|supplemental oxygen|supplementary oxygen|pneumonectomy|lung[- ]specific|lung disease|respiratory",
    ),
    (
        "liver",
        r"sinusoidal obstruction|veno-?occlusive|liver disease(?! burden)|cirrhosis|hepatic (?:disease|impairment|dysfunction)|chronic liver|gilbert|gallstones|hepatic encephalopathy",
    ),
    (
        "renal",
        r"\brenal (?:disease|failure|impairment|insufficiency|dysfunction)|dialysis|kidney disease",
    ),
    (
        "gastrointestinal",
        r"gastrointestinal|pancreatitis|biliary|obstruction|esophag\w* (?:stricture|disorder)|motility|malabsorption|inability to swallow|unable to swallow|ability to swallow|dysphagia|diarrh\w*|bowel|fistula|perforation|abscess|crohn|gi (?:disease|disorder|tract)",
    ),
    ("eye", r"glaucoma|retina\w*|ocular|intraocular|cataract|keratitis|\beye\b"),
    (
        "neurologic",
        r"cerebral vascular|vascular accident|(?<!anti-)(?<!anti)seizure|epilep\w*|neuropath\w*|stroke|cerebrovascular|cerebral hem\w*|neurolog\w*\b(?! function score)|spinal cord compression|paraly\w*",
    ),
    (
        "bleeding_thrombosis",
        r"(?<!menstrual )(?<!menstruation )bleeding|hemorrhag\w*|haemorrhag\w*|coagulopath\w*|hypercoag\w*|thrombo\w*|(?<!chemo)(?<!radio)(?<!tumor )(?<!tumour )embol\w*|deep vein|dvt\b|clotting disorder",
    ),
    (
        "bone",
        r"bone mineral density|\bbmd\b|t-score|\bdexa\b|osteopeni\w*|osteonecrosis|\bonj\b|jaw|dental|tooth extraction|pathologic(?:al)? fracture|impending fracture|hypercalc\w*|hypocalc\w*|osteoporosis|paget(?!'?s?\W+(?:disease\W+)?(?:of\s+the\s+)?(?:nipple|mamill|breast))",
    ),
    ("diabetes", r"diabet\w*|hyperglyc\w*"),
    ("vascular", r"peripheral (?:vascular|arterial) disease|vascular disease|claudication"),
    ("substance", r"alcohol|smok\w*|tobacco|cigarette"),
    ("thrombophilia", r"protein c\b|protein s\b|antithrombin|factor v leiden|thrombophilia"),
    ("body_size", r"body mass index|\bbmi\b"),
    ("swallowing", r"(?:inability|unable|unwilling\w*)(?: or \w+)? to swallow|swallow"),
    ("fracture", r"osteoporo\w*|fractures?"),
    ("transplant", r"transplant\w*|allograft|stem cell"),
    ("wound", r"non-?healing wound|wound|ulcer"),
    (
        "endocrine",
        r"thyroid(?!\s+(?:cancer|carcinoma|tumou?rs?|malignan\w*))|adrenal insufficiency|endocrine (?:disease|disorder)|metabolic (?:or|and) endocrine|metabolic disease",
    ),
    (
        "pain_symptom",
        r"\bpain\b|insomnia|sleep (?:disturbance|problems?|disorders?)|lymph?edema|fatigue|hot flash\w*|vaginal atrophy|vaginal dryness|\bsymptoms?\b(?! of)(?!\s+(?:related|due|attributable)\s+to\s+(?:an?\s+)?infections?)",
    ),
    (
        "device",
        r"pacemaker|defibrillator|implanted (?:electrical )?device|metallic|aneurysm clip|neurostimulator",
    ),
    (
        "general_condition",
        r"(?:condition|illness|disease|disorder|patholog(?:y|ie)|abnormalit(?:y|ie))s?\s+(?:that|which)\s+(?:would|could|might|may)|(?:conditions?|illness\w*|diseases?|disorders?|patholog(?:y|ies)|abnormalit(?:y|ies))\s*,?\s+(?:that|which)\s*,?\s+(?:(?:in|based on|per|according to)\s+(?:the\s+)?(?:\w+\s+){0,2}?\w+'?s?'?\s+(?:clinical\s+)?(?:opinion|judge?ment|discretion|assessment)(?:\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?(?:investigators?|physicians?|clinicians?|doctors?))?\s*,?\s+)(?:would|could|might|may|will|places?|makes?|poses?|indicates?)\b|(?:condition|illness|disease|disorder)s?\b[^.;]{0,120}?\b(?:that|which)\s+contraindicates?\b|(?:would|could|might|may)\s+(?:compromise|interfere|jeopardi\w*|preclude|limit|put)",
    ),
    ("hematologic", r"anemia|anaemia|hematologic (?:disease|disorder|malignancy)"),
    # a contraindication to a therapy as the rule ("Contraindications for corticosteroid
    # administration", "Patients for whom docetaxel is contraindicated"): a condition of the
    # patient that the therapy families leave alone (``_therapy.contraindicated``)
    (
        "contraindication",
        r"\bcontraindications?\s+(?:to|for)\b|\bcontraindicating\b|\b(?:is|are)\s+(?:medically\s+|clinically\s+)?contraindicated\b",
    ),
    ("hypertension_pulmonary", r"pulmonary hypertension"),
]
_COMPILED = MultiPattern(_CONDITIONS)
_SPECIFIC_BETWEEN = re.compile(
    r"infection|\bhiv\b|hepatitis|myocardial|infarction|angina|arrhythmi|heart failure|cardiac|\bchf\b"
)
_INDICATION = re.compile(
    r"(?:\b(?:given|used|prescribed|taken|allowed|permitted|administered|steroids?|insulin|hormones|bisphosphonates?|denosumab)\s+(?:\w+\s+){0,2}?for\s+(?:the\s+)?(?:(?:treatment|management|control|prevention|prophylaxis)(?:\s+(?:or|and|and/or)\s+(?:treatment|management|control|prevention|prophylaxis))?\s+of\s+)?(?:(?:acute|chronic|severe|symptomatic|established)\s+)?|\bunrelated\s+to\s+(?:\w+\s+){0,2}?|(?:sensitivity|hypersensitivity|allerg\w*|intoleran\w*)\s+(?:to|of)\s+(?:\w+\s+){0,2}?|\b(?:radiation|radiotherapy|irradiation)\s+(?:therapy\s+)?(?:to|for)\s+(?:\w+\s+){0,5}?)$"
)
#: "within 3 cm of critical structures such as the spinal cord ... and small/large bowel":
#: anatomy named for a radiotherapy or procedure rule, not a disease
_ANATOMY = re.compile(
    r"(?:(?:critical|normal|adjacent|nearby|surrounding)\s+(?:structures?|organs?|tissues?)|\d\s*cm\s+(?:from|of))\b[^.;]{0,100}$"
)

#: "acupuncture for lymphedema", "medications for fatigue", "narcotics for pain": a symptom
#: named as what a treatment is for (the target of a supportive-care trial), not excluded
_TREATED_SYMPTOM = re.compile(
    r"\b(?:therap(?:y|ies)|treatments?|medications?|medicines?|drugs?|acupuncture|physiotherapy|interventions?|analgesi\w*|opioids?|narcotics?)\s+(?:\w+\s+){0,2}?for\s+(?:the\s+)?(?:(?:treatment|management|control|relief)\s+of\s+)?(?:(?:acute|chronic|severe|symptomatic|joint|breakthrough)\s+)?$"
)
#: "any pain intervention study", "a lymphedema trial": the subject of another study
_STUDY_OF = re.compile(
    r"\s+(?:(?:intervention|management|treatment|research|relief)\s+)?(?:stud(?:y|ies)|trials?)\b(?!\s+(?:participation|compliance|drugs?|medications?|treatment|procedures?|requirements?|therapy|entry|agents?|visits?|assessments?))"
)
_CANCER_WORD = re.compile(r"metasta|cancer|carcinoma|(?<!non)(?<!non-)malignan|tumou?r|neoplas")
_EXCEPTION_BEFORE = re.compile(
    r"\b(?:with the exception of|except(?:ion)?(?: for)?|other than|excluding)\b(?:(?!\b(?:which|that)\b)[^.;()]){0,90}$"
)
_HEART_RHYTHM = re.compile(r"bradycard\w*|heart rate|arrhythm\w*|heart block|conduction")


_PATTERN_OF = dict(_COMPILED.patterns)


def _outside_exception(name: str, m: re.Match[str], norm: str) -> re.Match[str] | None:
    """The first mention of condition ``name`` from ``m`` on that an exception does not
    name, or None."""
    found: re.Match[str] | None = m
    while found is not None and _EXCEPTION_BEFORE.search(
        norm[max(0, found.start() - 100) : found.start()]
    ):
        found = _PATTERN_OF[name].search(norm, found.end())
    return found


_RADIATION_CONTRAINDICATED = re.compile(
    r"contraindications?\s+(?:to|for)\s+(?:\w+\s+){0,4}?(?:radiation|radiotherapy|irradiation|rt)\b"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    found = _COMPILED.first_matches(norm)
    if not found:
        return []
    # a condition named as what a drug is for ("glyburide ... for the treatment of
    # hyperglycemia", "insulin for diabetes") or as an allergen ("sensitivity to benzyl
    # alcohol") is not a comorbidity rule
    found = [
        (n, m)
        for n, m in found
        if not _INDICATION.search(norm[max(0, m.start() - 60) : m.start()])
        and not _ANATOMY.search(norm[max(0, m.start() - 120) : m.start()])
        and not _STUDY_OF.match(norm, m.end())
        and not (
            n == "pain_symptom"
            and _TREATED_SYMPTOM.search(norm[max(0, m.start() - 60) : m.start()])
        )
    ]
    # a condition named in an exception is allowed, not excluded: "recovered to <= Grade 1
    # ... with the exception of ... grade <= 2 peripheral neuropathy", "hepatic or biliary
    # disease (with exception of Gilbert's syndrome ...)", "(except for bone pain relief)"
    # ("... other than vaginal atrophy that could explain vaginal symptoms": a later
    # mention of the same condition outside the exception still counts)
    found = [(n, later) for n, m in found if (later := _outside_exception(n, m, norm)) is not None]
    # "Bradycardia ... Patients with a pacemaker and heart rate > 50 are eligible", "Presence
    # of a pacemaker and/or ICD generator": the pacemaker belongs to the cardiac rule unless
    # it is named as an implant the study's imaging or device cannot be used with
    if _HEART_RHYTHM.search(norm) or not IMPLANT_CONTEXT.search(norm):
        found = [
            (n, m)
            for n, m in found
            if not (n == "device" and re.match(r"pacemaker|defibrillator", m.group(0)))
        ]
    # "primary breast cancers with concomitant gross metastatic disease": the cancer itself
    found = [
        (n, m)
        for n, m in found
        if not (n == "uncontrolled_illness" and _CANCER_WORD.search(m.group(0)))
    ]
    if not found:
        return []
    names = sorted({n for n, _ in found})
    # "pain" / "symptoms" alone inside treatment, imaging or response rules is not a comorbidity
    if names == ["pain_symptom"] and re.search(
        r"radiat|radiother|chemotherap|response|assessment|imaging|work-?up|\b(?:manag|treat|control|reliev|palliat)\w*\s+(?:\w+\s+){0,2}?(?:pain|symptoms?)\b",
        norm,
    ):
        return []  # "... trial to manage cancer symptoms": what a treatment is for
    # one constraint per run of conditions; a run ends where an infection or cardiac rule
    # sits between two conditions ("uncontrolled conditions, active infection, myocardial
    # infarction, ..., psychiatric illness/social situations"), so that the specific
    # families keep their words and the other illnesses are not lost with them
    out: list[Constraint] = []
    # "uncontrolled diabetes": only a comorbidity the patient file does not mark controlled
    qualified = {
        n
        for n, m in found
        if n != "uncontrolled_illness" and uncontrolled_near(norm, m.start(), m.end())
    }
    for run_names, a, b in runs_between(found, norm, _SPECIFIC_BETWEEN):
        params: dict[str, object] = {"condition": run_names}
        if run_qualified := [n for n in run_names if n in qualified]:
            params["uncontrolled"] = run_qualified
        c = make(item, FAMILY, a, b, params, confidence=0.75)
        if "contraindication" in run_names and (
            c.polarity != "exclude"
            # "Contraindications to radiation": the radiotherapy rule's own aspect
            or _RADIATION_CONTRAINDICATED.search(norm)
        ):
            # "required unless there is a contraindication for trastuzumab", "If obtaining
            # fresh tumor tissue is medically contraindicated, ...": an exception to another
            # rule, not a rule on contraindications
            rest = [n for n in run_names if n != "contraindication"]
            if not rest:
                continue
            c.params["condition"] = rest
            if "uncontrolled" in c.params:
                c.params["uncontrolled"] = [n for n in c.params["uncontrolled"] if n in rest]
                if not c.params["uncontrolled"]:
                    del c.params["uncontrolled"]
        out.append(c)
    return out
