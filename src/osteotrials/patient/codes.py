"""Codes the FHIR mCODE reader recognises (LOINC, SNOMED CT, HGNC).

Only codes whose meaning is certain are listed; anything else is read from its
display text by the keyword rules in :mod:`osteotrials.patient.fhir`, or left
unknown with a warning.
"""

from __future__ import annotations

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"

# --- Observation.code (LOINC) -------------------------------------------------------------
ER_CODES = frozenset({"40556-3", "16112-5", "85337-4", "85310-0"})
PR_CODES = frozenset({"40557-1", "16113-3", "85339-0", "85325-8"})
HER2_IHC_CODES = frozenset({"18474-7", "85319-2"})
HER2_ISH_CODES = frozenset({"85318-4", "32996-1", "48675-3"})
HER2_ANY_CODES = frozenset({"48676-1", "85320-0"})  # interpretation, method not stated
ECOG_CODES = frozenset({"89247-1"})
KARNOFSKY_CODES = frozenset({"89243-0"})
STAGE_GROUP_CODES = frozenset({"21908-9", "21902-2", "21914-7"})  # clinical / pathologic / other
GENETIC_VARIANT_CODES = frozenset({"69548-6"})
MSI_CODES = frozenset({"62862-8", "81695-9"})
TMB_CODES = frozenset({"94077-5", "94076-7"})
PDL1_CODES = frozenset({"85147-7", "83052-1", "83053-9"})
BODY_WEIGHT_CODES = frozenset({"29463-7", "3141-9"})
BODY_HEIGHT_CODES = frozenset({"8302-2"})
LVEF_CODES = frozenset({"10230-1", "8806-2", "18043-0"})
QTC_CODES = frozenset({"8636-3", "8634-8"})

# Genetic-variant components
COMPONENT_GENE = frozenset({"48018-6"})
COMPONENT_HGVS = frozenset({"81290-9", "48004-6", "48005-3", "81252-9"})
COMPONENT_ORIGIN = frozenset({"48002-0"})
COMPONENT_SIGNIFICANCE = frozenset({"53037-8"})

# --- answers -----------------------------------------------------------------------------
POSITIVE_ANSWERS = frozenset(
    {"10828004", "LA6576-8", "POS", "LA9633-4", "52101004", "260373001"}
)  # positive / present / detected
NEGATIVE_ANSWERS = frozenset(
    {"260385009", "LA6577-6", "NEG", "LA9634-2", "2667000", "260415000"}
)  # negative / absent / not detected
EQUIVOCAL_ANSWERS = frozenset({"LA4259-3", "82334004", "IND", "419984006"})
ORIGIN_GERMLINE = frozenset({"LA6683-2"})
ORIGIN_SOMATIC = frozenset({"LA6684-0"})
SIGNIFICANCE = {
    "LA6668-3": "pathogenic",
    "LA26332-9": "likely_pathogenic",
    "LA26333-7": "uncertain",
    "LA26334-5": "likely_benign",
    "LA6675-8": "benign",
}
HIGH_ANSWERS = frozenset({"75540009", "H", "HH"})  # high
LOW_ANSWERS = frozenset({"62482003", "L", "LL"})  # low
ECOG_ANSWERS = {
    "LA9622-7": 0,
    "LA9623-5": 1,
    "LA9624-3": 2,
    "LA9625-0": 3,
    "LA9626-8": 4,
    "LA9627-6": 5,
}

# --- Condition.code (SNOMED CT) ------------------------------------------------------------
SECONDARY_SITE_CODES = {
    "94222008": "bone",  # Secondary malignant neoplasm of bone
    "94381002": "liver",  # Secondary malignant neoplasm of liver
    "94391008": "lung",  # Secondary malignant neoplasm of lung
    "94225005": "brain",  # Secondary malignant neoplasm of brain
    "94181007": "axillary_nodes",  # Secondary malignant neoplasm of axillary lymph nodes
    "94409002": "nodes",  # Secondary malignant neoplasm of lymph node(s)
    "94297009": "pleura",  # Secondary malignant neoplasm of pleura
    "94168003": "adrenal",  # Secondary malignant neoplasm of adrenal gland
    "94360002": "peritoneum",  # Secondary malignant neoplasm of peritoneum
}
GENERIC_SECONDARY_CODES = frozenset({"128462008", "14799000"})  # secondary (metastatic) neoplasm
HISTOLOGY_CODES = {
    "408643008": "invasive_ductal",  # Infiltrating duct carcinoma of breast (disorder)
    "82711006": "invasive_ductal",  # Infiltrating duct carcinoma (morphology)
    "278054005": "invasive_lobular",  # Infiltrating lobular carcinoma of breast
    "89740008": "invasive_lobular",  # Lobular carcinoma (morphology)
    "30156004": "mixed_ductal_lobular",  # Infiltrating duct and lobular carcinoma (morphology)
    "32968003": "inflammatory",  # Inflammatory carcinoma (morphology)
}

# --- body sites (SNOMED CT) ----------------------------------------------------------------
#: code -> (site category, name used when the resource gives no display text)
BODY_SITES = {
    "76752008": ("breast_chest_wall", "breast"),
    "73056007": ("breast_chest_wall", "right breast"),
    "80248007": ("breast_chest_wall", "left breast"),
    "12738006": ("brain", "brain"),
    "8935007": ("brain", "cerebral meninges"),  # leptomeningeal site
    "719537008": ("bone", "right acetabulum"),
    "122496007": ("bone", "lumbar vertebral column"),
    "421060004": ("bone", "vertebral column"),
    "272673000": ("bone", "bone"),
}
BODY_SITE_CATEGORY = {code: category for code, (category, _name) in BODY_SITES.items()}
LEPTOMENINGEAL_SITES = frozenset({"8935007"})

# --- procedures (SNOMED CT) ----------------------------------------------------------------
RADIOTHERAPY_CODES = frozenset(
    {
        "53438000",  # Radiation therapy procedure or service
        "1217123003",  # Radiotherapy course of treatment (mCODE course summary)
        "448385000",  # Megavoltage radiation therapy using photons
        "445232009",  # Boost radiation therapy
        "33195004",  # Teleradiotherapy procedure
        "108290001",  # Radiation oncology AND/OR radiotherapy
        "152198000",  # Brachytherapy
        "1162782007",  # Three dimensional external beam radiation therapy
        "441799006",  # Intensity modulated radiation therapy
        "385798007",  # Radiation therapy care
    }
)
MCODE_RT_DOSE_EXT = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume"
)
MCODE_RT_SESSIONS_EXT = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-sessions"
)
MCODE_HISTOLOGY_EXT = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"
)
MCODE_RELATED_PRIMARY_EXT = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-related-primary-cancer-condition"
)
ASSERTED_DATE_EXT = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"

# --- medication status reasons (SNOMED CT) -------------------------------------------------
STOP_REASON_CODES = {
    "266721009": "progression",  # Absent response to treatment
    "182992009": "completed",  # Treatment completed
    "281647001": "toxicity",  # Adverse reaction
    "407563006": "toxicity",  # Treatment not tolerated
    "160932005": "other",  # Financial problem
    "105480006": "other",  # Refusal of treatment by patient
}

# --- genes (HGNC id -> symbol) for the genes trials ask about ------------------------------
HGNC_SYMBOLS = {
    "HGNC:8975": "PIK3CA",
    "HGNC:3467": "ESR1",
    "HGNC:391": "AKT1",
    "HGNC:9588": "PTEN",
    "HGNC:1100": "BRCA1",
    "HGNC:1101": "BRCA2",
    "HGNC:26144": "PALB2",
    "HGNC:3430": "ERBB2",
    "HGNC:11998": "TP53",
    "HGNC:11389": "STK11",
    "HGNC:1582": "CCND1",
    "HGNC:3688": "FGFR1",
    "HGNC:6973": "MDM2",
    "HGNC:1925": "CHEK2",
    "HGNC:795": "ATM",
    "HGNC:1748": "CDH1",
}

# --- laboratory LOINC codes -> lab vocabulary analyte ids (osteotrials.vocab.labs) ---------
LAB_LOINC = {
    "751-8": "anc",  # Neutrophils [#/volume] in Blood by Automated count
    "753-4": "anc",  # Neutrophils [#/volume] in Blood by Manual count
    "26499-4": "anc",  # Neutrophils [#/volume] in Blood
    "6690-2": "wbc",  # Leukocytes [#/volume] in Blood by Automated count
    "777-3": "platelets",  # Platelets [#/volume] in Blood by Automated count
    "26515-7": "platelets",  # Platelets [#/volume] in Blood
    "718-7": "hemoglobin",  # Hemoglobin [Mass/volume] in Blood
    "2160-0": "creatinine",  # Creatinine [Mass/volume] in Serum or Plasma
    "1975-2": "bilirubin",  # Bilirubin.total [Mass/volume] in Serum or Plasma
    "1920-8": "ast",  # Aspartate aminotransferase [Enzymatic activity/volume] in S/P
    "1742-6": "alt",  # Alanine aminotransferase [Enzymatic activity/volume] in S/P
    "6768-6": "alp",  # Alkaline phosphatase [Enzymatic activity/volume] in S/P
    "1751-7": "albumin",  # Albumin [Mass/volume] in Serum or Plasma
    "17861-6": "calcium",  # Calcium [Mass/volume] in Serum or Plasma
    "2345-7": "glucose",  # Glucose [Mass/volume] in Serum or Plasma
    "4548-4": "hba1c",  # Hemoglobin A1c/Hemoglobin.total in Blood
    "2532-0": "ldh",  # Lactate dehydrogenase [Enzymatic activity/volume] in S/P
}
