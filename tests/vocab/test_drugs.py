"""Drug vocabulary: exact, synonym, code-name and fuzzy lookup; classes; data file."""

from __future__ import annotations

import json

import pytest

from osteotrials.vocab import drugs
from paths import SNAPSHOT_JSONL


@pytest.mark.parametrize(
    ("name", "generic", "cls"),
    [
        ("PD-0332991", "palbociclib", "cdk46_inhibitor"),
        ("pd 0332991", "palbociclib", "cdk46_inhibitor"),
        ("Ibrance", "palbociclib", "cdk46_inhibitor"),
        ("LEE011", "ribociclib", "cdk46_inhibitor"),
        ("LY2835219", "abemaciclib", "cdk46_inhibitor"),
        ("DS-8201a", "trastuzumab deruxtecan", "adc"),
        ("Enhertu", "trastuzumab deruxtecan", "anti_her2_antibody"),
        ("T-DM1", "trastuzumab emtansine", "adc"),
        ("Trodelvy", "sacituzumab govitecan", "adc"),
        ("Faslodex", "fulvestrant", "serd"),
        ("elacestrant", "elacestrant", "serd"),
        ("Femara", "letrozole", "aromatase_inhibitor"),
        ("Nolvadex", "tamoxifen", "serm"),
        ("Zoladex", "goserelin", "ovarian_suppression"),
        ("Piqray", "alpelisib", "pi3k_akt_mtor_inhibitor"),
        ("AZD5363", "capivasertib", "pi3k_akt_mtor_inhibitor"),
        ("GDC-0077", "inavolisib", "pi3k_akt_mtor_inhibitor"),
        ("Lynparza", "olaparib", "parp_inhibitor"),
        ("Tykerb", "lapatinib", "her2_tki"),
        ("Keytruda", "pembrolizumab", "immune_checkpoint_inhibitor"),
        ("Abraxane", "nab-paclitaxel", "taxane"),
        ("Adriamycin", "doxorubicin", "anthracycline"),
        ("Doxil", "liposomal doxorubicin", "anthracycline"),
        ("5-FU", "fluorouracil", "antimetabolite"),
        ("Halaven", "eribulin", "vinca_eribulin"),
        ("Cytoxan", "cyclophosphamide", "alkylating"),
        ("Zometa", "zoledronic acid", "bone_modifying_agent"),
        ("Xgeva", "denosumab", "bone_modifying_agent"),
        ("Xofigo", "radium-223", "radiopharmaceutical"),
        ("Metastron", "strontium-89", "radiopharmaceutical"),
    ],
)
def test_exact_and_synonym_lookup(name: str, generic: str, cls: str) -> None:
    drug = drugs.lookup(name)
    assert drug is not None
    assert drug.name == generic
    assert cls in drug.classes


def test_umbrella_classes() -> None:
    assert "endocrine" in drugs.lookup("fulvestrant").classes  # type: ignore[union-attr]
    assert "endocrine" in drugs.lookup("goserelin").classes  # type: ignore[union-attr]
    assert "chemotherapy" in drugs.lookup("capecitabine").classes  # type: ignore[union-attr]
    assert "chemotherapy" not in drugs.lookup("palbociclib").classes  # type: ignore[union-attr]
    assert "endocrine" not in drugs.lookup("paclitaxel").classes  # type: ignore[union-attr]
    # aromatase inhibitors by kind, each still an aromatase inhibitor and endocrine
    exemestane = drugs.lookup("exemestane").classes  # type: ignore[union-attr]
    letrozole = drugs.lookup("Femara").classes  # type: ignore[union-attr]
    assert {"steroidal_aromatase_inhibitor", "aromatase_inhibitor", "endocrine"} <= exemestane
    assert "nonsteroidal_aromatase_inhibitor" in letrozole
    assert "steroidal_aromatase_inhibitor" not in letrozole


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Prior treatment for breast cancer with a steroidal aromatase inhibitor;", "steroidal"),
        ("Disease refractory to non steroidal aromatase inhibitors (NSAI),", "nonsteroidal"),
        ("Prior therapy with a non-steroidal aromatase inhibitor", "nonsteroidal"),
    ],
)
def test_aromatase_inhibitor_kinds_in_text(text: str, kind: str) -> None:
    (found,) = {c for c, _s, _e in drugs.find_classes(text)}
    assert f"{kind}_aromatase_inhibitor" in found
    other = "steroidal" if kind == "nonsteroidal" else "nonsteroidal"
    assert f"{other}_aromatase_inhibitor" not in found


def test_adc_payload_classes() -> None:
    payloads = {d.name: d.payload_class for d in drugs.all_drugs() if "adc" in d.classes}
    assert payloads["trastuzumab deruxtecan"] == "topoI_DXd"
    assert payloads["datopotamab deruxtecan"] == "topoI_DXd"
    assert payloads["sacituzumab govitecan"] == "topoI_SN38"
    assert payloads["trastuzumab emtansine"] == "maytansinoid"
    assert all(p in drugs.PAYLOAD_CLASSES for p in payloads.values())
    assert all(d.payload_class is None for d in drugs.all_drugs() if "adc" not in d.classes)


# Misspellings as they occur in the snapshot (Zolendronic, Letrozol, Anastrazole,
# epirubicine, doxorubicine, carboplatine) and common typing errors.
@pytest.mark.parametrize(
    ("typo", "generic"),
    [
        ("Zolendronic acid", "zoledronic acid"),
        ("Letrozol", "letrozole"),
        ("Anastrazole", "anastrozole"),
        ("epirubicine", "epirubicin"),
        ("doxorubicine", "doxorubicin"),
        ("carboplatine", "carboplatin"),
        ("palbocilib", "palbociclib"),
        ("ribocyclib", "ribociclib"),
        ("olaparab", "olaparib"),
        ("trastuzamab", "trastuzumab"),
        ("fulvestrand", "fulvestrant"),
        ("exemestine", "exemestane"),
        ("lapatanib", "lapatinib"),
    ],
)
def test_fuzzy_matches_real_misspellings(typo: str, generic: str) -> None:
    drug = drugs.lookup(typo)
    assert drug is not None and drug.name == generic
    assert drugs.lookup(typo, fuzzy=False) is None or typo.lower() == "zolendronic acid"


@pytest.mark.parametrize(
    "name",
    [
        "metformin",
        "prednisone",
        "dexamethasone",
        "warfarin",
        "ketoconazole",
        "estradiol",
        "placebo",
        "insulin",
        "progesterone",
        "testosterone",
        "",
        "  ",
        "AI",
        "alendronic",
    ],
)
def test_fuzzy_rejects_unrelated_names(name: str) -> None:
    assert drugs.lookup(name) is None


def test_threshold_sits_above_every_cross_drug_similarity_that_matters() -> None:
    # The nearest distinct vocabulary names must not be confused at the threshold:
    # an ambiguous near-miss (alendronic ~ zoledronic/ibandronic) returns None.
    assert drugs.lookup("alendronic") is None
    assert drugs.lookup("alendronate").name == "alendronate"  # type: ignore[union-attr]
    assert drugs.FUZZY_THRESHOLD >= 80


def test_names_are_unique_and_version_present() -> None:
    assert drugs.version()
    seen: dict[str, str] = {}
    for drug in drugs.all_drugs():
        for name in (drug.name, *drug.synonyms):
            key = drugs._key(name)
            assert seen.setdefault(key, drug.name) == drug.name, name


def test_find_drugs_and_classes_in_snapshot_text() -> None:
    text = (
        "Prior treatment with IV bolus 5-FU, continuous 5-FU infusion, capecitabine "
        "or other oral fluoropyrimidines"
    )
    names = [d.name for d, _s, _e in drugs.find_drugs(text)]
    assert names == ["fluorouracil", "fluorouracil", "capecitabine"]
    classes = drugs.find_classes(text)
    assert any("antimetabolite" in c for c, _s, _e in classes)
    for _d, start, end in drugs.find_drugs(text):
        assert drugs.lookup(text[start:end]) is not None


def test_required_mbc_drugs_are_covered() -> None:
    required = [
        "palbociclib",
        "ribociclib",
        "abemaciclib",
        "letrozole",
        "anastrozole",
        "exemestane",
        "fulvestrant",
        "tamoxifen",
        "elacestrant",
        "camizestrant",
        "imlunestrant",
        "giredestrant",
        "goserelin",
        "leuprolide",
        "alpelisib",
        "capivasertib",
        "inavolisib",
        "everolimus",
        "olaparib",
        "talazoparib",
        "trastuzumab",
        "pertuzumab",
        "margetuximab",
        "lapatinib",
        "neratinib",
        "tucatinib",
        "pyrotinib",
        "paclitaxel",
        "docetaxel",
        "doxorubicin",
        "epirubicin",
        "capecitabine",
        "gemcitabine",
        "methotrexate",
        "carboplatin",
        "cisplatin",
        "eribulin",
        "vinorelbine",
        "ixabepilone",
        "cyclophosphamide",
        "pamidronate",
        "denosumab",
        "clodronate",
        "ibandronate",
        "pembrolizumab",
        "atezolizumab",
        "durvalumab",
    ]
    for name in required:
        assert drugs.lookup(name, fuzzy=False) is not None, name


def test_snapshot_intervention_names_mostly_resolve() -> None:
    """Drug-type interventions of the snapshot: the common MBC drugs resolve."""
    resolved = 0
    total = 0
    with SNAPSHOT_JSONL.open() as fh:
        for line in fh:
            rec = json.loads(line)
            arms = rec["protocolSection"].get("armsInterventionsModule") or {}
            for iv in arms.get("interventions") or []:
                if iv.get("type") != "DRUG":
                    continue
                total += 1
                if drugs.find_drugs(iv["name"]) or drugs.lookup(iv["name"]):
                    resolved += 1
    assert total > 50
    assert resolved / total > 0.6


@pytest.mark.parametrize(
    "text",
    [
        # heart scans that measure LVEF, not radiopharmaceutical therapy: read as one, "LVEF
        # >= 50% ... by radionuclide ventriculography" required a radiopharmaceutical and
        # failed every patient (snapshot text, NCT01004172 and NCT00721630)
        "Left ventricular ejection fraction >/= 50%, as determined by radionuclide "
        "ventriculography (RVG) or echocardiogram within 60 days prior to initiation of "
        "protocol therapy",
        "as measured by multigated radionuclide angiography (MUGA) scan",
    ],
)
def test_radionuclide_heart_scans_are_no_radiopharmaceutical(text: str) -> None:
    assert not any("radiopharmaceutical" in c for c, _s, _e in drugs.find_classes(text))


def test_radionuclide_treatment_is_a_radiopharmaceutical() -> None:
    text = "Radiation therapy within 4 weeks or radionuclide treatment within 6 weeks"
    assert any("radiopharmaceutical" in c for c, _s, _e in drugs.find_classes(text))
