# ruff: noqa: E501  (regular expressions and real criteria text are long literals)
"""Diagnosis: breast cancer (or other tumour types of basket trials), histology,
stage, setting (metastatic / locally advanced / recurrent / early / de novo)."""

from __future__ import annotations

import re

from osteotrials.criteria.families import _therapy
from osteotrials.criteria.families._base import make, named_as_not_measurable
from osteotrials.criteria.text import ItemText
from osteotrials.model.criteria import Constraint
from osteotrials.vocab import sites

FAMILY = "diagnosis"
_DISEASE = re.compile(
    r"cancer|carcinoma|myeloma|hyperplasia|atypia|tumou?r|malignan\w*|neoplas\w*|disease|metasta\w*|\bstage\b|lesions?|mass\b|dcis|lymphoma|melanoma|sarcoma|leukemia|\btnbc\b|\bmbc\b|\bbc\b|nsclc|\bcrc\b|hnscc|scchn|dlbcl|\bhcc\b"
)
_STRONG = re.compile(
    r"histolog\w*|cytolog\w*|patholog(?!ists)\w*|biops\w*[- ](?:proven|confirmed)|confirmed|proven|documented|diagnos(?!tic)\w*|\bstage\s*(?:0|i{1,3}[abc]?|iv|[1-4][abc]?)\b|\b[cyp]?t[0-4x][a-d]?\b(?!/2)|\bt[0-4][a-d]?\s*n[0-3x]|\blabc\b|\b[cyp]?n[0-3x]\b|\bm[01x]\b|\bajcc\b|carcinoma in situ|\bdcis\b|\bsolid tumou?r|inoperable|unresectable|not amenable to (?:curative )?(?:resection|surgery)|de novo|locally advanced|metastatic (?:breast )?(?:cancer|carcinoma|disease)|advanced (?:breast )?(?:cancer|carcinoma|disease|solid)|recurrent (?:breast )?(?:cancer|carcinoma|disease)|(?:breast )?(?:cancer|carcinoma) (?:that is|which is) (?:metastatic|advanced|recurrent)|relapsed|refractory (?:\w+ )?(?:cancer|tumou?r|lymphoma)|bilateral breast cancer|inflammatory breast|invasive (?:ductal|lobular|breast|adenocarcinoma|carcinoma)|adenocarcinoma of the breast|breast (?:cancer|carcinoma|adenocarcinoma)|\bmbc\b|\btnbc\b"
)
_SHORT_NOUN = re.compile(
    r"cancer|carcinoma|adenocarcinoma|neoplas\w*|myeloma|lymphoma|leuk(?:a)?emia|melanoma|sarcoma|glioma|glioblastoma|tumou?rs?|distant metasta\w*|metastas[ie]s|pancreatitis(?!)|metastatic disease|hyperplasia|atypia|mesothelioma"
)
_CANCER_AFTER = re.compile(
    r"\W*(?:\w+\W+){0,6}?(?:cancer|carcinoma|adenocarcinoma|tumou?r|malignan\w*|neoplas\w*|breast|diagnosis|metasta\w*|lymphoma|melanoma|sarcoma|myeloma|dcis|tnbc|mbc)"
)
_THERAPY_BEFORE = re.compile(
    r"(?:resection|excision|after|therap\w*|treatment|treated|chemotherap\w*|regimens?|lines?|setting|radiation|radiotherapy|surgery|for|agents?|drugs?|received|prior|previous)\W+(?:\w+\W+){0,4}$"
)
#: "prior to (a) diagnosis of metastatic disease", "at the time of primary diagnosis",
#: "1 to 5 years post-diagnosis", "since biopsy diagnosing DCIS": the diagnosis is a time
#: anchor, not the requirement
_DIAGNOSIS_ANCHOR = re.compile(
    r"(?:prior to|before|after|since|until|from|following|at|to|time of|post-?)\s*(?:the\s+)?(?:time\s+of\s+)?(?:(?:a|an|the|her|his|their|initial|primary|first|original|cancer|metastatic|breast cancer|biopsy)\s+)*$"
)
#: the disease named as what an earlier therapy was for ("prior biologic therapy for
#: metastatic or locally recurrent breast cancer", "regimens given in a metastatic or
#: locally advanced setting"): the setting of that therapy, not this trial's diagnosis
_THERAPY_OBJECT = re.compile(
    r"\b(?:therap\w*|treatments?|treated|chemotherap\w*|regimens?|lines?|agents?|drugs?|prevention|radiotherapy|radiation|surgery|hormonal|endocrine)\s+(?:\w+\s+){0,3}?(?:for|in|of)\s+(?:(?:any|the|a|an|their|her|his)\s+)?(?:[\w/+]+,?[\s-]+){0,6}$"
)
_SETTING_AFTER = re.compile(
    r"^(?:\s*(?:,\s*(?:and/or|and|or)?|or|and|and/or)\s*(?:[\w-]+\s+){0,3}?[\w-]+)?\s+settings?\b"
)
#: the disease as a modifier of another noun: "breast cancer treatment", "tumor-related pain",
#: "Breast Cancer Gene BRCA1", "breast cancer susceptibility gene", "cancer antigen 15-3"
_MODIFIER_AFTER = re.compile(
    r"^(?:[- ](?:related|directed|specific|associated))?[- ](?:treatments?|therap\w*|regimens?|pain|care|screening|prevention|centers?|centres?|clinics?|staff|services?|related|directed|surgery|tissues?|specimens?|samples?|blocks?|material|bed|modules?|questionnaires?|subscales?|genes?|susceptibility|predisposition|antigens?|resistance protein)\b"
)
#: tumours that are not cancers ("pituitary secreting tumors", "benign tumour")
_NOT_CANCER_TUMOUR = re.compile(
    r"(?:benign|pituitary|secreting|desmoid|fibroid|phyllodes)\s+(?:\w+\s+)?tumou?rs?"
)
#: staged conditions that are not cancers ("Stage II-IV neuropathy", "CKD stage 3")
_NOT_CANCER_STAGE = re.compile(
    r"\bstage\s*[0-5ivx]+[abc]?(?:\s*(?:-|to|or|and|,)\s*[0-5ivx]+[abc]?)*(?:\s+or\s+(?:greater|higher|more|worse|above))?\s+(?:[\w-]+\s+){0,4}?(?:neuropath\w*|kidney|renal|heart failure|hypertension|lymph?o?edema|pressure|ulcers?|sleep|fibrosis|cirrhosis|liver disease|ckd|cardiac|heart)|(?:kidney|renal|liver) disease\s+stage|\bnyha\s+(?:class\s+|stage\s+)?stage|lymph?o?edema\s+(?:\w+\s+)?stage"
)

_TUMOUR_IN_CLAUSE = re.compile(
    r"cancer|carcinoma|tumou?rs?|malignan\w*|neoplas\w*|metasta\w*|lymphoma|melanoma|sarcoma|myeloma|\bdcis\b|\btnbc\b|\bmbc\b|\bovca\b|nsclc|\bcrc\b|\bhcc\b|breast (?:mass|lesion)|\bmass\b|lesions?"
)


#: lab thresholds ("AST <= 5 x ULN if documented liver metastases", "ANC > 1,500/mcL
#: (unless due to cancer in marrow)"): the disease is the condition of another limit
_LAB_LIMIT = re.compile(
    r"(?:\b|\d\s*[x×]\s*)uln\b|upper (?:institutional )?limits? of (?:the )?normal|/\s*(?:mcl|ul|mm)|g/dl"
)
_CONDITION_BEFORE = re.compile(
    r"\b(?:if|unless|without|with|presence of|caused by|due to|demonstrate|ruled out|no)\b[^.;]{0,40}$"
)
#: "at increased risk for the development or recurrence of breast cancer"
#: "a tissue block from initial breast cancer diagnosis": where a sample comes from
_TISSUE_SOURCE = re.compile(
    r"\b(?:tissue|blocks?|samples?|specimens?|slides?)\b[^.;]{0,25}\b(?:from|of|at|obtained)\s+(?:the\s+|their\s+|her\s+|his\s+)?(?:\w+\s+){0,2}$"
)
#: "premenopausal at diagnosis of breast cancer", "HER2 status at the time of diagnosis of
#: metastatic disease": the disease of an anchored diagnosis is a time anchor too
_ANCHORED_DIAGNOSIS_OF = re.compile(
    r"\b(?:prior to|before|after|since|until|following|at)\s+(?:the\s+)?(?:time\s+of\s+)?(?:(?:a|an|the|her|his|their|initial|primary|first|original|biopsy)\s+)*(?:diagnos[ie]s\s+of|diagnosing)\s+(?:(?:a|an|the|her|his|their)\s+)?(?:[\w-]+\s+){0,3}$"
)
_EXCEPTED_BEFORE = re.compile(
    r"\b(?:other than|except(?: for)?|excluding|with the exception of)\b[^.;]{0,60}$"
)
_RISK_BEFORE = re.compile(
    r"\brisk (?:for|of)\b[^.;]{0,40}$|\b(?:relatives?|family (?:member|history)|mother|sisters?|daughters?)\b[^.;]{0,40}$"
)


def _after_drug(norm: str, therapy_ends: list[int], a: int) -> bool:
    """ "Prior tamoxifen for history of DCIS": the disease a named drug was given for."""
    return any(
        0 <= a - e <= 90
        and re.fullmatch(
            r"\s+(?:\w+\s+){0,3}?(?:for|in)\s+(?:(?:any|the|a|an|their|her|his|history of)\s+)*(?:[\w/+()]+[\s(-]+){0,8}",
            norm[e:a],
        )
        is not None
        for e in therapy_ends
    )


_DEVELOP_BEFORE = re.compile(r"\b(?:develop|develops|developed|developing|relapsed? with)\s+$")
_AFTER_TREATMENT_END = re.compile(
    r"[^.;]{0,40}?\b(?:after|following|of|from|since)\s+(?:completing|completion|the end|ending|stopping|discontinu\w*|the last dose)\b"
)


def _context_only(norm: str, a: int, b: int) -> bool:
    """The disease words at [a, b) are context of another rule, not a diagnosis."""
    before = norm[max(0, a - 90) : a]
    before = re.split(r"[.;:]\s", before)[-1]
    if _RISK_BEFORE.search(before) or _TISSUE_SOURCE.search(before):
        return True
    if _ANCHORED_DIAGNOSIS_OF.search(before):
        return True
    if _EXCEPTED_BEFORE.search(before):
        return True  # "(other than ulcers due to inflammatory breast cancer)": an exception
    if (
        _LAB_LIMIT.search(norm)
        and (
            _CONDITION_BEFORE.search(before)
            # "AST and ALT 5×ULN if documented liver metastases": the condition of a lab limit
            or re.match(
                r"\W*(?:\w+\W+){0,2}?(?:liver|hepatic|bone)\s+(?:metasta|involvement)", norm[b:]
            )
        )
    ):
        return True
    if _THERAPY_OBJECT.search(before) or _SETTING_AFTER.match(norm[b : b + 50]):
        return True
    if _DEVELOP_BEFORE.search(before) and _AFTER_TREATMENT_END.match(norm, b):
        # "patients who develop metastatic disease =< 6 months after completing adjuvant
        # trastuzumab": the relapse dates another therapy rule (read as an exclusion of
        # metastatic disease, every patient of the metastatic trial failed)
        return True
    if _MODIFIER_AFTER.match(norm[b : b + 25]):
        return True
    return bool(
        re.match(r"diagnos", norm[a:b]) and _DIAGNOSIS_ANCHOR.search(norm[max(0, a - 50) : a])
    )


_SETTINGS = [
    (
        "metastatic",
        # "No ... bone marrow metastasis": a site rule, not the metastatic setting
        r"(?<!marrow )metasta\w*(?! to the (?:axill|lymph))|stage\s*iv\b|stage\s*4\b|\bm1\b|\bmbc\b|distant",
    ),
    (
        "locally_advanced",
        r"locally advanced|inoperable|unresectable|stage\s*iii[bc]?|stage\s*3[bc]?|\bt4",
    ),
    ("recurrent", r"recurren\w*|relapse\w*"),
    (
        "early",
        r"early[- ](?:stage )?breast|stage\s*(?:0|i|ii|iia|iib|1|2)\b|operable|non-?metastatic|\bm0\b",
    ),
    ("de_novo", r"de[- ]novo"),
    # not "fluorescence in situ hybridization"
    ("in_situ", r"\bdcis\b|in situ(?! hybridi[sz]ation)"),
]
_TUMOURS = re.compile(
    r"lung|nsclc|gastric|colorectal|\bcrc\b|pancrea\w*|ovarian|melanoma|prostate|bladder|urothelial|head and neck|hnscc|scchn|esophag\w*|hepatocellular|\bhcc\b|cervical|endometrial|lymphoma|dlbcl|sarcoma|biliary|renal cell|merkel|glioblastoma|mesothelioma|solid tumou?rs?"
)


def extract(item: ItemText) -> list[Constraint]:
    norm = item.norm
    if not _DISEASE.search(norm):
        return []
    if _NOT_CANCER_STAGE.search(norm) and not re.search(r"cancer|carcinoma|malignan|tumou?r", norm):
        return []
    therapy_ends: list[int] | None = None  # found on first need (most items never need them)
    best = None
    for m in _STRONG.finditer(norm):
        if _context_only(norm, m.start(), m.end()):
            continue
        if therapy_ends is None:
            therapy_ends = [t.end for t in _therapy.mentions(item)]
        if _after_drug(norm, therapy_ends, m.start()):
            continue
        # "diagnosed poorly controlled hypertension", "ulceration diagnosed within ...":
        # a diagnosis word counts only with a tumour named next to it
        if re.match(r"diagnos", m.group(0)) and not (
            _CANCER_AFTER.match(norm[m.end() : m.end() + 80])
            or _TUMOUR_IN_CLAUSE.search(re.split(r"[.;]\s", norm[m.end() : m.end() + 120])[0])
            or re.search(
                r"(?:cancer|carcinoma|tumou?rs?|malignan\w*|neoplas\w*|metasta\w*|disease|lymphoma|melanoma|sarcoma|myeloma|dcis|tnbc|mbc)\W+(?:\w+\W+){0,3}$",
                norm[max(0, m.start() - 60) : m.start()],
            )
        ):
            continue
        before = norm[max(0, m.start() - 60) : m.start()]
        if _THERAPY_BEFORE.search(before) and not re.search(
            r"histolog|cytolog|confirmed|diagnos|stage", m.group(0)
        ):
            continue
        # "HER2-positive confirmed by FISH", "hepatitis ... confirmed by RNA": no disease named nearby
        if (
            re.match(r"confirmed|proven|documented", m.group(0))
            and (
                not (after := _CANCER_AFTER.match(norm[m.end() : m.end() + 80]))
                # "Confirmed availability of ... tumor tissue": the tumour names a sample
                or _MODIFIER_AFTER.match(
                    re.sub(
                        r"^\W+(?:cancer|carcinoma|tumou?r)\b",
                        "",
                        norm[m.end() + after.end() : m.end() + after.end() + 40],
                    )
                )
            )
        ):
            continue
        # "pathologic proof of progressive disease" in an irradiated lesion: a response rule
        if re.match(
            r"\s+(?:proof|evidence|confirmation|documentation)\s+of\s+(?:\w+\s+)?progress",
            norm[m.end() :],
        ):
            continue
        if re.search(r"criteria in\s*$", norm[max(0, m.start() - 15) : m.start()]):
            continue  # "Response Evaluation Criteria In Solid Tumors"
        if named_as_not_measurable(norm, m.start()):
            continue  # "inflammatory breast disease" among lesions that are not measurable
        if re.match(r"patholog", m.group(0)) and re.match(
            r"\s+(?:lymph\s+)?(?:nodes?|fractures?)\b", norm[m.end() :]
        ):
            continue  # "pathologic lymph nodes", "pathological fracture": no confirmation
        best = m
        break
    if best is None:
        short = len(re.findall(r"[a-z]+", norm)) <= 10
        noun = _SHORT_NOUN.search(norm)
        if (
            not (short and noun)
            or _context_only(norm, noun.start(), noun.end())
            or _NOT_CANCER_TUMOUR.search(norm)
            or _therapy.mentions(item)
            or re.search(
                r"therap|treat|chemo|history|prior|previous|other|radiat|surg|scan|biops|measurab|criteria|recist|evaluab|imaging|\bmri\b|radiograph",
                norm,
            )
        ):
            return []
        if noun.group(0).startswith("metasta") and _SITE_BEFORE.search(
            norm, max(0, noun.start() - 30), noun.start()
        ):
            return []  # "Known cardiac metastases": a site of the disease, not its stage
        best = noun
    # other malignancy rules ("history of other cancer within 5 years") are not this trial's diagnosis
    if re.search(
        r"\b(?:other|another|second|prior|previous|history of)\s+(?:\w+\s+){0,2}(?:malignan|cancer|carcinoma)",
        norm,
    ) and not re.search(r"breast", norm):
        return []
    params: dict[str, object] = {}
    if "breast" in norm or re.search(r"\b(?:tnbc|mbc)\b", norm):
        params["cancer"] = "breast"
    tumours = sorted({t.group(0) for t in _TUMOURS.finditer(norm)})
    if tumours:
        params["tumour_types"] = tumours
    settings = [name for name, pat in _SETTINGS if re.search(pat, norm)]
    if settings:
        params["setting"] = settings
    # "Stage IV" whole (not "Stage I"); a trailing "and"/"or" is not part of the stage
    if st := re.search(
        r"\bstage\s*(?:0|iv|i{1,3}[abc]?|[1-4][abc]?)(?![a-z0-9])(?:\s*(?:,\s*(?:or|and)|,|-|to|or|and)\s*(?:0|iv|i{1,3}[abc]?|[1-4][abc]?)(?![a-z0-9]))*",
        norm,
    ):
        params["stage"] = item.text[st.start() : st.end()].strip(" ,")
    hist = [h for h, p in sites.histology_patterns().items() if p.search(item.text)]
    if hist:
        params["histology"] = hist
    if c := re.search(r"histolog\w*|cytolog\w*|patholog\w*|biops\w*", norm):
        params["confirmation"] = c.group(0)
    a = best.start()
    constraint = make(item, FAMILY, a, best.end(), params, confidence=0.8)
    if (
        constraint.polarity == "exclude"
        and "metastatic" in settings
        and _METASTASES_QUALIFIED.search(norm)
    ):
        # "evidence of metastatic disease in bone marrow or brain", "Rapidly progressive or
        # life-threatening metastatic disease": a site or a feature of the metastases is
        # what is excluded (read as the metastatic setting, every patient of a metastatic
        # trial failed); the feature is not read, so the matcher leaves the rule unknown
        rest = [s for s in settings if s != "metastatic"]
        if rest:
            constraint.params["setting"] = rest
        else:
            del constraint.params["setting"]
    if constraint.polarity == "exclude" and list(params) == ["confirmation"]:
        # "Index cancer has predominantly neuroendocrine histology", "No histologically
        # proven bone marrow metastasis": how a finding is proven is not what is excluded
        # (read as excluded, every patient with a histology on file failed); the rule's
        # own subject is not read, so the matcher leaves it unknown
        constraint.params = {}
    elif (
        constraint.polarity == "exclude"
        and params.get("cancer") == "breast"
        and set(params) <= {"cancer", "confirmation"}
        and not _has_had_breast_cancer(norm, item.kind)
    ):
        # "Inflammatory breast cancer", "Bilateral invasive breast cancer", "Male breast
        # cancer", "Treatment ... administered for the currently diagnosed breast cancer",
        # "Inhibitors of breast cancer resistance protein": what the rule excludes is a
        # feature of the cancer, or the cancer only names something else. Read as "breast
        # cancer excluded", every patient of a breast cancer trial failed (174 exclusion
        # items); the feature is not read, so the matcher leaves the rule unknown
        constraint.params = {}
    if constraint.polarity == "exclude" and _INABILITY.match(norm):
        # "Inability to obtain histologic proof of metastatic breast cancer": the proof is
        # required (read as an exclusion of metastatic breast cancer, every patient failed)
        constraint.polarity = "require"
    return [constraint]


#: metastases qualified by where they are or how they behave
_METASTASES_QUALIFIED = re.compile(
    r"\bmetasta\w*\s+(?:disease\s+|lesions?\s+|spread\s+)?(?:in|to|of|involving)\s+(?:the\s+)?(?:bone marrow|marrow|brain|central nervous system|cns|leptomeninges|meninges|liver|lungs?|skin)\b"
    r"|\b(?:rapidly progressive|life-threatening|symptomatic visceral)\s+(?:(?:or|and)\s+(?:[\w-]+\s+){1,2})?metasta"
)
#: an organ before "metastases": where the disease is ("cardiac metastases")
_SITE_BEFORE = re.compile(
    r"\b(?:cardiac|heart|pericardial|ocular|orbital|choroidal|skin|cutaneous|adrenal|splenic|"
    r"renal|bowel|peritoneal|pleural|marrow|spinal|vertebral|brain|cns|liver|hepatic|lung|"
    r"pulmonary|leptomeningeal|meningeal|osseous|bone|nodal|visceral)\s+$"
)
#: the rule bars those without the proof: "Inability to obtain histologic proof of ..."
_INABILITY = re.compile(
    r"^\W*(?:inability|unable|failure) to (?:obtain|provide|submit|confirm|document)\b"
)


#: "History of breast cancer", "Women that have had prior invasive breast cancer", "Women
#: previously diagnosed with breast cancer": having had breast cancer is the rule (trials
#: of screening or prevention)
_HAD_BREAST_CANCER = re.compile(
    r"\b(?:history of|evidence of|prior|previous(?:ly)?(?: diagnosed(?: with)?)?|personal|diagnosed with|have had|"
    r"has had|had|treated for|survivors? of)\s+(?:(?:invasive|a|any|primary)\s+)?breast "
    r"(?:cancer|carcinoma)"
)
#: a feature of the breast cancer the rule is about ("inflammatory", "bilateral", "male")
_QUALIFIED_BREAST_CANCER = re.compile(
    r"\b(?:inflammatory|bilateral|male|metaplastic|multicent\w*|multifocal|contralateral|"
    r"synchronous|ipsilateral|right-sided|left-sided|occult|rare|uncommon|locally[- ]advanced)\s+"
    r"(?:\w+\s+){0,2}?breast\s+(?:cancer|carcinoma|tumou?r|disease)"
)
#: the whole item is breast cancer ("Breast cancer", "Patients with breast cancer.")
_ONLY_BREAST_CANCER = re.compile(
    r"^\W*(?:(?:patients?|women|subjects?|participants?|with|a|known|diagnosis of|diagnosed)\s+)*"
    r"(?:invasive\s+)?breast\s+(?:cancer|carcinoma)\W*$"
)
_NEGATED_BEFORE = re.compile(r"\b(?:not|no|without|never)\s+(?:\w+\s+){0,2}$")


def _has_had_breast_cancer(norm: str, kind: str) -> bool:
    """Whether an excluded breast cancer is having (had) it, not a feature of it ("No history
    of breast cancer" in an inclusion list is; "not diagnosed with breast cancer" in an
    exclusion list bars the opposite)."""
    if _QUALIFIED_BREAST_CANCER.search(norm):
        return False
    if _ONLY_BREAST_CANCER.match(norm):
        return True
    m = _HAD_BREAST_CANCER.search(norm)
    if m is None:
        return False
    return kind != "exclusion" or not _NEGATED_BEFORE.search(
        norm[max(0, m.start() - 30) : m.start()]
    )
