"""Cheap pre-filter: which family components can possibly fire on an item.

Each family lists word stems; a component runs only when some token of the item
(or of its section/label context) starts with one of its stems. The stems are a
superset of what the component's patterns need, so the filter changes speed, not
results (``tests/criteria/test_triggers.py`` checks this on the snapshot).
"""

from __future__ import annotations

import re
from functools import cache

from osteotrials.vocab import drugs, labs

_TOKEN = re.compile(r"[a-z0-9]+")

_THERAPY = (
    "cdk", "cyclin", "aromatase", "ai", "nsai", "selective", "serd", "serm", "ovarian", "lhrh",
    "gnrh", "ofs", "luteiniz", "endocrin", "hormon", "anti", "mtor", "pi3k", "akt", "phosphatidyl",
    "parp", "her", "egfr", "tyrosine", "tki", "antibod", "adc", "topo", "checkpoint", "immun",
    "pd", "ctla", "biolog", "biother", "taxan", "taxoid", "anthracyc", "anthracenedion",
    "fluoropyrimid", "antimetabol", "platin", "platinum", "vinca", "epothilon", "alkylat",
    "nitrosourea", "cytotox", "chemo", "bisphosph", "diphosph", "rank", "bone", "bma",
    "radiopharm", "radionucl", "radioisot", "radioligand", "et", "ht", "systemic", "cancer",
    "oncolog", "investigational", "experimental", "targeted", "molecular", "adjuvant",
    "neoadjuvant", "neo", "palliative", "standard", "first", "second", "line", "regimen",
    "therap", "treatment", "agent", "drug", "medication", "trastuzumab", "tumor", "tumour",
    "antineoplastic", "antitumor", "anticancer", "oestrogen", "estrogen", "prior", "previous",
    "received", "receiving", "inhibitor", "since", "exposure", "monoclonal", "mmae", "auristatin",
    "vedotin", "trop",
)

STEMS: dict[str, tuple[str, ...]] = {
    "age": ("ages", "age", "year", "yr", "old", "y", "adult"),
    "sex": ("female", "male", "wom", "men", "man", "sex", "gender", "both", "either", "any"),
    "diagnosis": ("tumor", "tumour", "cancer", "carcinom", "adenocarcinom", "infiltrat", "myeloma", "hyperplas", "atypi", "neoplasia", "glioma", "distant", "tumo", "malignan", "neoplas", "diseas", "metasta", "stage",
                  "lesion", "mass", "dcis", "lymphoma", "melanoma", "sarcoma", "leukemia", "tnbc",
                  "mbc", "bc", "nsclc", "crc", "hnscc", "scchn", "dlbcl", "hcc"),
    "receptor": ("her", "erbb", "er", "estrogen", "oestrogen", "pr", "pgr", "progesterone", "hr",
                 "hormon", "triple", "tnbc", "ihc", "immunohisto", "fish", "ish", "sish", "cish",
                 "hybridi", "receptor", "endocrin", "neu", "regardless", "known", "any", "positiv",
                 "negativ"),
    "disease_sites": ("bone", "osseous", "skelet", "bony", "lytic", "blastic", "osteo", "scleroti",
                      "mixed", "liver", "hepatic", "lung", "pulmonary", "lymphang", "viscera",
                      "lymph", "nodal", "spinal", "cord", "epidural", "pleura", "ascites", "pericard",
                      "skin", "soft", "chest"),
    "measurable_disease": ("measurability", "measurab", "nonmeasurab", "evaluab", "nonevaluab", "target", "recist",
                           "response", "assessab", "defined", "site", "non"),
    "cns": ("brain", "cns", "central", "intracranial", "cerebral", "parenchymal", "metasta", "lepto",
            "mening"),
    "prior_therapy": _THERAPY,
    "radiotherapy": ("radiat", "radiother", "radio", "irradiat", "rt", "sbrt", "sabr", "stereotac",
                     "wbrt", "whole", "radiosurg", "srs", "brachyther", "gamma", "external"),
    "bone_agent": ("bisphosph", "diphosph", "rank", "bone", "bma", "antiresorp", "anti", "zoled",
                   "zolend", "zometa", "reclast", "aclasta", "pamidron", "aredia", "denosumab",
                   "xgeva", "prolia", "amg", "clodron", "bonefos", "loron", "ibandron", "boniva",
                   "bondronat", "alendron", "fosamax", "risedron", "actonel", "sodium"),
    "biomarker": ("pik3ca", "esr1", "akt", "pten", "brca", "gbrca", "palb2", "atm", "chek2", "her2",
                  "erbb2", "her", "pd", "cps", "msi", "dmmr", "mismatch", "microsatellite", "tmb",
                  "tumor", "tumour", "kras", "ntrk", "homologous", "hrd", "trop", "fgfr"),
    "performance_status": ("ecog", "zubrod", "who", "eastern", "gog", "performance", "ps",
                           "karnofsky", "kps", "lansky"),
    "lab": ("inadequate", "impaired", "poor", "abnormal", "cpk", "creatine", "ck", "phosphate", "phosphorus", "transaminase", "aminotransferase", "liver", "adequate", "normal", "sufficient",
            "acceptable", "satisfactory", "good", "laborator", "lab", "hb", "hgb", "cr",
            "neutrophil"),
    "cardiac": ("pq", "pre", "wolff", "lvef", "left", "ejection", "lv", "ef", "qt", "corrected", "heart", "chf", "cardi",
                "ventricular", "nyha", "new", "myocardial", "mi", "infarction", "angina", "arrhythm",
                "dysrhythm", "atrial", "torsade", "av", "atrioventricular", "bradycard", "tachycard",
                "conduction", "long", "coronary", "stent", "angioplast", "cabg", "bypass",
                "revascular", "occlusive", "hypertens", "blood", "bp", "valv", "pericard", "ecg",
                "ekg", "electrocard"),
    "menopause": ("post", "pre", "peri", "menopaus", "no", "amenorrh", "bilateral", "bso", "ovarian",
                  "fsh", "follicle", "estradiol", "oestradiol", "regular", "menstrua", "menses",
                  "any", "regardless", "lhrh", "gnrh", "goserelin", "leupro", "triptorelin",
                  "luteiniz"),
    "pregnancy": ("pregnan", "gravid", "breast", "lactat", "nursing", "hcg", "beta", "or"),
    "life_expectancy": ("life", "expected", "estimated", "prognosis", "survival"),
    "other_malignancy": ("other", "another", "second", "secondary", "prior", "previous", "concurrent",
                         "additional", "synchronous", "history", "active", "malignan", "non",
                         "invasive", "basal", "squamous", "skin", "carcinoma", "situ", "cancer"),
    "infection": ("hiv", "human", "aids", "acquired", "hepatitis", "hbv", "hbsag", "hbc", "hcv", "tb",
                  "tuberculosis", "covid", "sars", "infect", "fever", "febrile", "sepsis",
                  "bacterial", "fungal", "viral"),
    "comorbidity": (
        "glaucoma", "retina", "ocular", "intraocular", "cataract", "eye", "vascular", "life", "pancreatit", "biliary", "obstruct", "esophag", "motility", "bmd", "t", "dexa", "osteopen", "lymph", "sinusoidal", "veno",
        "smok", "tobacco", "protein", "antithrombin", "factor", "thrombophil", "osteoporo", "fractur", "swallow", "bmi", "body",
        "uncontrolled", "serious", "severe", "significant", "unstable", "active", "concurrent",
        "intercurrent", "concomitant", "underlying", "illness", "disease", "medical", "comorbid",
        "co", "psychiatr", "mental", "dementia", "depress", "psycholog", "cognitive", "substance",
        "alcohol", "drug", "social", "auto", "rheumat", "lupus", "sjogren", "sarcoid", "inflammat",
        "crohn", "ulcerat", "connective", "immunodefic", "immune", "interstitial", "ild",
        "pneumonit", "pulmonary", "copd", "chronic", "dyspn", "supplement", "pneumonect", "lung",
        "respirat", "liver", "cirrho", "hepatic", "gilbert", "gallstone", "renal", "dialysis",
        "kidney", "gastro", "malabsorp", "inabil", "unable", "ability", "dysphag", "diarrh", "bowel",
        "fistula", "perfor", "abscess", "gi", "seizure", "epilep", "neuropath", "stroke",
        "cerebrovasc", "cerebral", "neurolog", "spinal", "paraly", "bleed", "hemorrh", "haemorrh",
        "coagulop", "thrombo", "embol", "deep", "dvt", "clotting", "osteonecro", "onj", "jaw",
        "dental", "tooth", "patholog", "impending", "hypercalc", "hypocalc", "osteopor", "paget",
        "diabet", "hyperglyc", "transplant", "allograft", "stem", "non", "wound", "ulcer",
        "thyroid", "adrenal", "endocrine", "metabolic", "pain", "insomnia", "sleep", "fatigue",
        "hot", "vaginal", "symptom", "pacemaker", "defibril", "implanted", "metallic", "aneurysm",
        "neurostim", "condition", "would", "could", "might", "may", "anemia", "anaemia",
        "hematolog", "pulmonary", "disorder"),
    "medication": (
        "sleep", "medication",
        "diuretic", "furosemide", "hydrochlorothiazide", "granulocyte", "colony", "topical", "systemic", "transdermal", "duloxetine", "milnacipran", "venlafaxine", "gabapentin", "pregabalin", "since", "used", "use",
        "ritonavir", "amprenavir", "indinavir", "nelfinavir", "saquinavir", "atazanavir", "nefazodone", "telithromycin", "phenytoin", "carbamazepine", "cardioprotect", "proarrhythm", "torsadogen", "concurrent", "concomitant", "vaccine",
        "inhibitor", "cyp", "p", "pgp", "glycoprotein", "cortico", "steroid", "predniso", "dexameth",
        "methylpred", "hydrocort", "anticoag", "warfarin", "coumadin", "heparin", "enoxaparin",
        "low", "lmwh", "doac", "apixaban", "rivaroxaban", "anti", "clopidogrel", "aspirin",
        "antiretro", "haart", "art", "proton", "ppi", "omeprazole", "esomeprazole", "pantoprazole",
        "lansoprazole", "hormone", "hrt", "estrogen", "hormonal", "oral", "vaginal", "growth", "g",
        "gcsf", "filgrastim", "pegfilgrastim", "erythropoie", "esa", "transfus", "immunosupp",
        "cyclospor", "tacrolimus", "azathioprine", "qt", "prolong", "herbal", "st", "john",
        "supplement", "grapefruit", "seville", "traditional", "live", "vaccin", "antifung",
        "itracon", "ketocon", "flucon", "voricon", "posacon", "antibiot", "clarithro", "rifamp",
        "anxiol", "benzodiaz", "antidepress", "hypnot", "antihypert", "opioid", "morphine",
        "oxycodone", "fentanyl", "nsaid", "non", "insulin", "metformin", "antidiab"),
    "trial_participation": ("participat", "enrol", "other", "another", "concurrent", "any",
                            "investigational", "experimental", "clinical", "unapproved"),
    "surgery": ("surger", "surgical", "mastectom", "lumpectom", "breast", "sternotomy",
                "reconstruct", "operation", "flap", "quadrantectomy", "excision", "wide"),
    "toxicity": ("unresolved", "persistent", "residual", "ongoing", "recover", "resolution",
                 "resolved", "toxicit", "adverse", "ae", "side", "neuropath", "grade", "sensory",
                 "motor", "peripheral"),
    "hypersensitivity": ("hypersens", "allerg", "anaphyla", "intoleran", "contraindicat",
                         "sensitivity", "idiosyncra", "severe", "unanticipated"),
    "administrative": (
        "informed", "consent", "sign", "written", "give", "provide", "able", "agree", "assent",
        "complian", "comply", "adhere", "follow", "study", "protocol", "willing", "unable",
        "unwilling", "cooperat", "ability", "limit", "english", "spanish", "french", "read",
        "speak", "literate", "language", "contracep", "birth", "abstinence", "barrier",
        "intrauterine", "iud", "vasectomy", "steril", "childbearing", "available", "availab",
        "geograph", "accessib", "travel", "reside", "live", "transport", "telephone", "internet",
        "access", "tissue", "tumor", "tumour", "blood", "archival", "must", "scan", "imaging", "x",
        "test", "assessment", "examination", "baseline", "randomi", "medical", "per", "as", "laid",
        "outlined", "in", "section", "appendix", "investigator", "judg", "opinion",
        "inappropriate", "appropriate", "not", "suitable", "unsuitable", "inclusion", "exclusion",
        "eligibility", "meet", "other", "general", "gp", "notified", "notification", "unwilling",
        "agreement", "agrees", "ability"),
}


@cache
def _extra() -> dict[str, frozenset[str]]:
    """Vocabulary-derived exact tokens: drug-name tokens and lab-analyte tokens."""
    drug_tokens = drugs.first_tokens()
    lab_tokens: set[str] = set()
    for analyte in labs.analytes().values():
        for name in (analyte.id, analyte.label, *analyte.synonyms):
            lab_tokens.update(_TOKEN.findall(name.lower())[:1])
    return {
        "prior_therapy": drug_tokens,
        "bone_agent": drug_tokens,
        "hypersensitivity": frozenset(),
        "medication": drug_tokens,
        "lab": frozenset(lab_tokens),
    }


@cache
def _infixes() -> dict[str, tuple[str, ...]]:
    """Stems of five or more letters also match inside a token ("antiarrhythmic", "micrometastases")."""
    return {family: tuple(s for s in stems if len(s) >= 5) for family, stems in STEMS.items()}


@cache
def families_for_token(token: str) -> frozenset[str]:
    extra = _extra()
    out = {family for family, stems in STEMS.items() if token.startswith(stems)}
    out |= {family for family, infixes in _infixes().items() if any(i in token for i in infixes)}
    out |= {family for family, tokens in extra.items() if token in tokens}
    if len(token) >= 7 and drugs._DRUG_SUFFIX.search(token):
        out |= {"prior_therapy", "bone_agent", "medication"}
    return frozenset(out)


def candidate_families(norm_text: str, context: str) -> set[str]:
    out: set[str] = set()
    for token in set(_TOKEN.findall(norm_text)) | set(_TOKEN.findall(context.lower())):
        out |= families_for_token(token)
    return out
