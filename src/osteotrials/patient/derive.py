"""Facts derived from a :class:`~osteotrials.model.patient.Patient`, all in one place.

``derive(patient, as_of=...)`` returns a :class:`DerivedFacts`. Every derivation
returns ``None`` (unknown) when its inputs are missing; nothing is guessed. The
clinical rules follow ``shared/docs/domain.md`` §1.1-1.9 and are described in
``docs/patient.md``; the ones a clinician may want to change are fields of
:class:`DeriveConfig` / :class:`LineRules`.

Lines of therapy are reported as a range (``minimum``/``maximum``) because the
record may not say why a regimen stopped; ``count`` is set only when the range
is a single number. A matcher can still decide "at most 2 prior lines" when
``maximum <= 2`` (met) or ``minimum > 2`` (not met).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from osteotrials.model.patient import Patient, Regimen
from osteotrials.vocab import drugs, labs

__all__ = [
    "CONVENTIONAL_KARNOFSKY_TO_ECOG",
    "BiomarkerSummary",
    "CanonicalLab",
    "DeriveConfig",
    "DerivedFacts",
    "DrugExposure",
    "LineCount",
    "LineRules",
    "LinesOfTherapy",
    "TherapyLine",
    "add_months",
    "age_on",
    "cockcroft_gault",
    "derive",
    "ecog_from_karnofsky",
]

Day = date  # alias: a field called ``date`` would shadow the type inside a model

LineType = Literal["endocrine", "chemotherapy", "targeted"]
LINE_TYPES: tuple[LineType, ...] = ("endocrine", "chemotherapy", "targeted")
Decision = Literal["new_line", "same_line", "uncertain"]
DrugLookup = Callable[[str], drugs.Drug | None]

#: Karnofsky -> ECOG, conventional table (domain.md §1.5).
CONVENTIONAL_KARNOFSKY_TO_ECOG: dict[int, int] = {
    100: 0,
    90: 0,
    80: 1,
    70: 1,
    60: 2,
    50: 2,
    40: 3,
    30: 3,
    20: 4,
    10: 4,
    0: 5,
}

#: Umbrella class ids of the drug vocabulary; "same class" comparisons ignore them.
_UMBRELLA_CLASSES = frozenset({"endocrine", "chemotherapy", "targeted", "her2_directed"})


# --------------------------------------------------------------------------- configuration


class LineRules(BaseModel):
    """How lines of therapy are counted (domain.md §1.7). Every rule is a setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endocrine_classes: frozenset[str] = frozenset({"endocrine"})
    chemotherapy_classes: frozenset[str] = frozenset({"chemotherapy"})
    targeted_classes: frozenset[str] = Field(
        default=frozenset(
            {
                "targeted",
                "cdk46_inhibitor",
                "pi3k_akt_mtor_inhibitor",
                "parp_inhibitor",
                "her2_tki",
                "anti_her2_antibody",
                "adc",
                "immune_checkpoint_inhibitor",
            }
        ),
        description="Classes counted as targeted/ADC lines (ADCs are counted here, not as chemo).",
    )
    never_line_classes: frozenset[str] = Field(
        default=frozenset({"bone_modifying_agent", "radiopharmaceutical"}),
        description="Drugs of these classes never make or change a line (rule 6).",
    )
    ovarian_suppression_alone_is_line: bool = Field(
        False,
        description=(
            "Ovarian suppression given alone is a companion to endocrine therapy, "
            "not a line of its own; its addition or removal never changes a line."
        ),
    )
    toxicity_switch_same_class: Decision = Field(
        "same_line", description="Switch within the same drug classes for toxicity (rule 2)."
    )
    toxicity_switch_other_class: Decision = Field(
        "new_line", description="Switch to other drug classes for toxicity, without progression."
    )
    completed_then_other_regimen: Decision = Field(
        "uncertain",
        description=(
            "A regimen stopped as completed, followed by a different one (not a subset of its "
            "drugs): progression in between is not recorded."
        ),
    )
    unknown_reason_switch: Decision = Field(
        "uncertain", description="A regimen change whose reason is unknown or 'other'."
    )
    adjuvant_endocrine_relapse_months: int = Field(
        12, description="Relapse on or within this many months of adjuvant endocrine therapy..."
    )
    count_adjuvant_endocrine_early_relapse: bool = Field(
        True, description="...counts as one endocrine line (and one line in total)."
    )
    adjuvant_chemo_relapse_months: int = Field(
        6, description="Window for the relapse-after-adjuvant-chemotherapy flag (T-DXd label)."
    )


class DeriveConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lines: LineRules = Field(default_factory=LineRules)
    karnofsky_to_ecog: dict[int, int] = Field(
        default_factory=lambda: dict(CONVENTIONAL_KARNOFSKY_TO_ECOG)
    )
    postmenopausal_age_years: int = 60
    er_low_max_percent: float = 10.0
    recist_min_mm: float = 10.0
    recist_xray_min_mm: float = 20.0
    recist_node_short_axis_mm: float = 15.0
    recist_bone_soft_tissue_mm: float = 10.0
    bone_dominant_large_node_mm: float = 30.0
    bone_dominant_max_large_nodes: int = 2
    bone_dominant_max_soft_tissue_components: int = 5
    crcl_weight: Literal["actual", "ideal", "adjusted"] = "actual"


# --------------------------------------------------------------------------- result types


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineCount(_Out):
    minimum: int
    maximum: int | None = Field(None, description="None when the treatment history is unknown.")
    count: int | None = Field(None, description="Set only when minimum == maximum.")


class TherapyLine(_Out):
    """One line in the most detailed reading (uncertain boundaries split)."""

    number: int
    regimen_indexes: list[int]
    drugs: list[str]
    types: list[str]
    start_date: date | None = None
    stop_date: date | None = None
    stop_reason: str | None = None
    ongoing: bool | None = None
    certain: bool = Field(description="False when this line might be part of the previous one.")


class LinesOfTherapy(_Out):
    endocrine: LineCount
    chemotherapy: LineCount
    targeted: LineCount
    total: LineCount
    non_endocrine: LineCount = Field(
        description="Lines with any agent that is not endocrine therapy: the count for "
        '"no more than 2 prior regimens other than endocrine therapy".'
    )
    lines: list[TherapyLine] = Field(default_factory=list)
    adjuvant_endocrine_early_relapse_counted: bool | None = None
    rules: LineRules


class DrugExposure(_Out):
    name: str = Field(description="As written in the record.")
    canonical: str | None = Field(None, description="Generic name from the drug vocabulary.")
    classes: list[str] = Field(default_factory=list)
    payload_class: str | None = None
    setting: str = Field(description="neoadjuvant / adjuvant / early / metastatic / unknown")
    source: Literal["regimen", "bone_modifying_agent"]
    index: int
    start_date: date | None = None
    stop_date: date | None = None
    ongoing: bool | None = None
    stop_reason: str | None = None


class CanonicalLab(_Out):
    analyte: str
    value: float
    unit: str
    date: Day | None = None
    uln: float | None = Field(None, description="The patient's lab ULN in the canonical unit.")
    lln: float | None = None
    reported_value: float
    reported_unit: str
    reported_name: str


class BiomarkerSummary(_Out):
    gene: str
    detected: bool | None = Field(None, description="True if any result detected it.")
    germline_detected: bool | None = None
    somatic_detected: bool | None = None
    variants: list[str] = Field(default_factory=list)
    assays: list[str] = Field(default_factory=list)
    score: float | None = None
    score_type: str | None = None


Her2Category = Literal[
    "positive", "low", "ultralow", "zero", "zero_or_ultralow", "equivocal", "negative"
]
MenopausalStatus = Literal["pre", "peri", "post", "indeterminate_ofs", "not_applicable"]


class DerivedFacts(_Out):
    """Everything derived; ``None`` means unknown. ``notes`` explain non-obvious results."""

    as_of: date
    age_years: int | None = None
    age_basis: Literal["birth_date", "stated"] | None = None
    sex: str | None = None

    er_positive: bool | None = None
    er_low: bool | None = Field(None, description="ER 1-10 % (a subset of ER-positive).")
    er_category: Literal["negative", "low", "positive"] | None = Field(
        None, description="negative <1 %, low 1-10 %, positive >10 %; None if % unknown."
    )
    pr_positive: bool | None = None
    hr_positive: bool | None = None
    her2_category: Her2Category | None = None
    her2_positive: bool | None = None
    her2_ish_amplified: bool | None = None
    triple_negative: bool | None = None

    menopausal_status: MenopausalStatus | None = None
    menopausal_basis: str | None = None
    on_ovarian_suppression: bool | None = None

    measurable_disease: bool | None = None
    measurable_basis: Literal["lesions", "stated"] | None = None
    measurable_lesions: list[str] = Field(default_factory=list)
    bone_metastases: bool | None = None
    visceral_metastases: bool | None = None
    liver_metastases: bool | None = None
    lung_metastases: bool | None = None
    nodal_metastases: bool | None = None
    cns_metastases: bool | None = None
    cns_status: str | None = None
    bone_only: bool | None = None
    bone_dominant: bool | None = None

    lines: LinesOfTherapy
    relapse_within_adjuvant_endocrine_window: bool | None = None
    relapse_within_adjuvant_chemo_window: bool | None = None
    prior_drugs: list[DrugExposure] = Field(default_factory=list)
    prior_classes: dict[str, list[str]] = Field(
        default_factory=dict, description="Drug class id -> settings it was given in."
    )
    prior_payload_classes: dict[str, list[str]] = Field(default_factory=dict)
    current_drugs: list[str] = Field(default_factory=list)
    unknown_drugs: list[str] = Field(default_factory=list)

    ecog: int | None = None
    ecog_basis: Literal["stated", "karnofsky"] | None = None
    creatinine_clearance_ml_min: float | None = None
    creatinine_clearance_basis: str | None = None
    bmi: float | None = None
    lvef_percent: float | None = None
    qtc_ms: float | None = None
    labs: dict[str, CanonicalLab] = Field(default_factory=dict)
    biomarkers: dict[str, BiomarkerSummary] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    regimens_known: bool = Field(
        False, description="Whether the systemic treatment history was given (even if empty)."
    )
    bone_agents_known: bool = False

    # ---- three-valued helpers for the matcher ----------------------------------------

    def had_class(self, class_id: str, settings: Iterable[str] | None = None) -> bool | None:
        """Was a drug of ``class_id`` given (in one of ``settings``, e.g. ``["metastatic"]``)?

        True when the record shows it; False only when the history is known, every drug
        is in the vocabulary and no matching exposure exists; otherwise None.
        """
        return self._had(lambda e: class_id in e.classes, settings, class_id)

    def had_payload(self, payload_class: str, settings: Iterable[str] | None = None) -> bool | None:
        """Was an ADC with this payload class (topoI_DXd, topoI_SN38 ...) given?"""
        return self._had(lambda e: e.payload_class == payload_class, settings, None)

    def had_drug(self, canonical_name: str, settings: Iterable[str] | None = None) -> bool | None:
        """Was this drug (canonical generic name from the drug vocabulary) given?"""
        return self._had(lambda e: e.canonical == canonical_name, settings, None)

    def _had(
        self,
        match: Callable[[DrugExposure], bool],
        settings: Iterable[str] | None,
        class_id: str | None,
    ) -> bool | None:
        wanted = None if settings is None else set(settings)
        uncertain = False
        for exposure in self.prior_drugs:
            if exposure.canonical is None:
                uncertain = True  # an unknown drug might be one
                continue
            if not match(exposure):
                continue
            if wanted is None or exposure.setting in wanted:
                return True
            if exposure.setting == "unknown" or (
                exposure.setting == "early" and wanted & {"adjuvant", "neoadjuvant"}
            ):
                uncertain = True
        bma_query = class_id in ("bone_modifying_agent", "bisphosphonate", "rank_ligand_inhibitor")
        known = self.bone_agents_known if bma_query else self.regimens_known
        if not known or uncertain:
            return None
        return False

    def lab(self, name: str) -> CanonicalLab | None:
        """The latest value of a lab by any name the lab vocabulary knows ("ANC", "Hb")."""
        analyte = labs.normalise_analyte(name)
        return None if analyte is None else self.labs.get(analyte)

    def biomarker(self, gene: str) -> BiomarkerSummary | None:
        return self.biomarkers.get(gene.strip().upper())


# --------------------------------------------------------------------------- small helpers


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, when: date) -> int:
    """Full years of age on ``when``."""
    before_birthday = (when.month, when.day) < (birth_date.month, birth_date.day)
    return when.year - birth_date.year - int(before_birthday)


def ecog_from_karnofsky(karnofsky: int, table: dict[int, int] | None = None) -> int | None:
    """ECOG for a Karnofsky score by the conventional table (or ``table``)."""
    return (table or CONVENTIONAL_KARNOFSKY_TO_ECOG).get(karnofsky)


def cockcroft_gault(
    *, age_years: float, weight_kg: float, sex: str, creatinine_umol_l: float
) -> float | None:
    """Creatinine clearance (mL/min) by Cockcroft-Gault, SI form of domain.md §1.6.

    ``(140 - age) x weight / (72 x SCr mg/dL)``, x 0.85 for women; SCr mg/dL =
    µmol/L / 88.4. Returns None for a sex other than female/male or a non-positive
    creatinine.
    """
    if sex not in ("female", "male") or creatinine_umol_l <= 0:
        return None
    scr_mg_dl = creatinine_umol_l / 88.4
    crcl = (140 - age_years) * weight_kg / (72 * scr_mg_dl)
    return crcl * 0.85 if sex == "female" else crcl


def _tri_any(values: Iterable[bool | None]) -> bool | None:
    """True if any is True; False if all are False (and there is at least one); else None."""
    seen = list(values)
    if any(v is True for v in seen):
        return True
    if seen and all(v is False for v in seen):
        return False
    return None


# --------------------------------------------------------------------------- receptors


def _er(p: Patient, cfg: DeriveConfig) -> tuple[bool | None, bool | None, str | None]:
    r = p.receptors
    if r.er_percent is not None:
        pct = r.er_percent
        positive = pct >= 1
        low = 1 <= pct <= cfg.er_low_max_percent
        category = "negative" if pct < 1 else "low" if low else "positive"
        return positive, low, category
    if r.er_status == "negative":
        return False, False, "negative"
    if r.er_status == "positive":
        return True, None, None
    return None, None, None


def _pr(p: Patient) -> bool | None:
    r = p.receptors
    if r.pr_percent is not None:
        return r.pr_percent >= 1
    if r.pr_status is not None:
        return r.pr_status == "positive"
    return None


def _ish_amplified(p: Patient) -> bool | None:
    """ISH result, else the 2018 ASCO/CAP dual-probe groups from ratio and copies."""
    r = p.receptors
    if r.her2_ish == "amplified":
        return True
    if r.her2_ish == "not_amplified":
        return False
    ratio, copies = r.her2_ish_ratio, r.her2_copies_per_cell
    if ratio is None or copies is None:
        return None
    if ratio >= 2.0:
        return copies >= 4.0  # group 1 positive; group 2 negative unless IHC 3+
    if copies >= 6.0:  # group 3: positive only with IHC 2+/3+
        if r.her2_ihc in ("2+", "3+"):
            return True
        return False if r.her2_ihc in ("0", "1+") else None
    return False  # groups 4 and 5


def _her2(p: Patient, notes: list[str]) -> tuple[Her2Category | None, bool | None, bool | None]:
    r = p.receptors
    amplified = _ish_amplified(p)
    category: Her2Category | None
    if r.her2_ihc == "3+" or amplified is True:
        category = "positive"
    elif r.her2_ihc == "2+":
        category = "low" if amplified is False else "equivocal"
    elif r.her2_ihc == "1+":
        category = "low"
    elif r.her2_ihc == "0":
        category = {"faint": "ultralow", "none": "zero", None: "zero_or_ultralow"}[
            r.her2_ihc_zero_staining
        ]  # type: ignore[assignment]
    elif amplified is False or r.her2_status == "negative":
        category = "negative"
    elif r.her2_status == "positive":
        category = "positive"
    else:
        category = None
    if category == "equivocal" and r.her2_status is not None:
        category = "positive" if r.her2_status == "positive" else "low"
        notes.append(f"HER2 IHC 2+ without ISH detail: the reported status {r.her2_status} is used")
    if (
        r.her2_status is not None
        and category not in (None, "equivocal")
        and (category == "positive") != (r.her2_status == "positive")
    ):
        notes.append(
            f"HER2 status reported {r.her2_status} but IHC/ISH give {category}; IHC/ISH are used"
        )
    positive: bool | None
    if category == "positive":
        positive = True
    elif category in ("low", "ultralow", "zero", "zero_or_ultralow", "negative"):
        positive = False
    else:
        positive = None
    return category, positive, amplified


# --------------------------------------------------------------------------- menopause


def _is_current(regimen: Regimen) -> bool:
    return regimen.ongoing is True


def _current_drugs(p: Patient, lookup: DrugLookup) -> list[drugs.Drug]:
    found: list[drugs.Drug] = []
    for regimen in p.regimens or []:
        if _is_current(regimen):
            found += [d for d in (lookup(n) for n in regimen.drugs) if d is not None]
    for med in p.current_medications or []:
        drug = lookup(med.name)
        if drug is not None:
            found.append(drug)
    return found


def _menopause(
    p: Patient, age: int | None, current: list[drugs.Drug], cfg: DeriveConfig
) -> tuple[MenopausalStatus | None, str | None, bool | None]:
    m = p.menopause
    on_ofs_drug = any("ovarian_suppression" in d.classes for d in current)
    on_ofs: bool | None = True if (m.on_ovarian_suppression or on_ofs_drug) else None
    if on_ofs is None and m.on_ovarian_suppression is False:
        on_ofs = False
    if p.sex == "male":
        return "not_applicable", "male", on_ofs
    if m.bilateral_oophorectomy:
        return "post", "prior bilateral oophorectomy (NCCN a)", on_ofs
    if age is not None and age >= cfg.postmenopausal_age_years and p.sex == "female":
        return "post", f"age {age} >= {cfg.postmenopausal_age_years} (NCCN b)", on_ofs
    if on_ofs:
        return (
            "indeterminate_ofs",
            "on ovarian suppression: status cannot be assigned (NCCN)",
            on_ofs,
        )
    labs_post = m.fsh_estradiol_postmenopausal
    if (
        m.amenorrhea_months is not None
        and m.amenorrhea_months >= 12
        and m.amenorrhea_on_treatment is False
        and labs_post is True
    ):
        return (
            "post",
            "amenorrhoea >= 12 months without chemotherapy/tamoxifen/toremifene/ovarian "
            "suppression, FSH and estradiol postmenopausal (NCCN c)",
            on_ofs,
        )
    on_serm = any(d.name in ("tamoxifen", "toremifene") for d in current)
    if on_serm and labs_post is True:
        return (
            "post",
            "on tamoxifen/toremifene with FSH and estradiol postmenopausal (NCCN d)",
            on_ofs,
        )
    if m.status is not None:
        return m.status, "as stated", on_ofs
    return None, None, on_ofs


# --------------------------------------------------------------------------- disease sites


def _measurable(
    p: Patient, cfg: DeriveConfig, notes: list[str]
) -> tuple[bool | None, Literal["lesions", "stated"] | None, list[str]]:
    d = p.disease
    measurable: list[str] = []
    undetermined = False
    for lesion in d.visceral_lesions or []:
        where = lesion.site or lesion.organ or "lesion"
        threshold = cfg.recist_xray_min_mm if lesion.modality == "xray" else cfg.recist_min_mm
        if lesion.modality == "bone_scan" or lesion.longest_diameter_mm is None:
            undetermined = True
        elif lesion.longest_diameter_mm >= threshold:
            measurable.append(f"{where} {lesion.longest_diameter_mm:g} mm")
    for node in d.nodal_lesions or []:
        where = node.site or "lymph node"
        if node.short_axis_mm is None:
            undetermined = True
        elif node.short_axis_mm >= cfg.recist_node_short_axis_mm:
            measurable.append(f"node {where} {node.short_axis_mm:g} mm short axis")
    for bone in d.bone_lesions or []:
        where = bone.site or bone.region or "bone lesion"
        if bone.type == "blastic":
            continue  # never measurable (RECIST 1.1)
        if bone.type is None or bone.soft_tissue_component_mm is None:
            undetermined = True
        elif bone.soft_tissue_component_mm >= cfg.recist_bone_soft_tissue_mm:
            measurable.append(
                f"{bone.type} bone lesion {where} with {bone.soft_tissue_component_mm:g} mm "
                "soft-tissue component"
            )
    lists_known = None not in (d.visceral_lesions, d.nodal_lesions, d.bone_lesions)
    if measurable:
        derived: bool | None = True
    elif lists_known and not undetermined:
        derived = False
    else:
        derived = None
    if derived is not None:
        if d.measurable_disease is not None and d.measurable_disease != derived:
            notes.append(
                f"measurable disease stated {d.measurable_disease} but the lesions give "
                f"{derived} by RECIST 1.1; the lesions are used"
            )
        return derived, "lesions", measurable
    if d.measurable_disease is not None:
        return d.measurable_disease, "stated", measurable
    return None, None, measurable


def _sites(p: Patient, cfg: DeriveConfig) -> dict[str, bool | None]:
    d = p.disease
    visceral = [v for v in d.visceral_lesions or [] if v.organ not in ("breast", "chest_wall")]
    out: dict[str, bool | None] = {}
    out["bone"] = None if d.bone_lesions is None else bool(d.bone_lesions)
    if d.visceral_lesions is None:
        out["visceral"] = out["liver"] = out["lung"] = None
        if any(v.organ == "liver" for v in visceral):
            out["liver"] = True
    else:
        out["visceral"] = bool(visceral)
        out["liver"] = any(v.organ == "liver" for v in visceral)
        out["lung"] = any(v.organ in ("lung", "pleura") for v in visceral)
    out["nodal"] = None if d.nodal_lesions is None else bool(d.nodal_lesions)
    status = p.cns.status
    out["cns"] = None if status is None else status != "none"

    # bone-only: bone metastases and nothing else (the breast primary and chest wall
    # are local disease and do not count).
    if out["bone"] is False or out["visceral"] or out["nodal"] or out["cns"]:
        bone_only: bool | None = False
    elif out["bone"] and out["visceral"] is False and out["nodal"] is False and out["cns"] is False:
        bone_only = True
    else:
        bone_only = None
    out["bone_only"] = bone_only

    # bone-dominant (FEATURE / EA1183): bone disease with at most limited nodal disease
    # and limited soft-tissue components; no visceral or CNS disease.
    if bone_only:
        out["bone_dominant"] = True
    elif out["bone"] is False or out["visceral"] or out["cns"]:
        out["bone_dominant"] = False
    elif (
        out["bone"]
        and out["visceral"] is False
        and out["cns"] is False
        and (d.nodal_lesions is not None)
    ):
        sizes = [n.short_axis_mm for n in d.nodal_lesions]
        large = sum(1 for s in sizes if s is not None and s > cfg.bone_dominant_large_node_mm)
        unknown = sum(1 for s in sizes if s is None)
        soft = [
            b.soft_tissue_component_mm
            for b in d.bone_lesions or []
            if b.type in ("lytic", "mixed")
            and b.soft_tissue_component_mm is not None
            and b.soft_tissue_component_mm >= cfg.recist_bone_soft_tissue_mm
        ]
        max_large, max_soft = (
            cfg.bone_dominant_max_large_nodes,
            cfg.bone_dominant_max_soft_tissue_components,
        )
        if large > max_large or len(soft) > max_soft:
            out["bone_dominant"] = False
        elif large + unknown <= max_large:
            out["bone_dominant"] = True
        else:
            out["bone_dominant"] = None
    else:
        out["bone_dominant"] = None
    return out


# --------------------------------------------------------------------------- lines of therapy


@dataclass
class _Reg:
    index: int
    regimen: Regimen
    names: frozenset[str]  # canonical names of counting drugs + raw names of unknown ones
    specific: frozenset[str]  # specific classes (no umbrella, no OFS) of counting drugs
    definite_types: frozenset[str]
    possible_types: frozenset[str]
    counts_definitely: bool
    counts_possibly: bool
    has_unknown: bool
    drug_names: list[str] = field(default_factory=list)


def _classify(index: int, regimen: Regimen, lookup: DrugLookup, rules: LineRules) -> _Reg:
    names: set[str] = set()
    specific: set[str] = set()
    types: set[str] = set()
    counting = False
    has_unknown = False
    display: list[str] = []
    for raw in regimen.drugs:
        drug = lookup(raw)
        if drug is None:
            has_unknown = True
            names.add(raw.lower())
            display.append(raw)
            continue
        display.append(drug.name)
        if drug.classes & rules.never_line_classes:
            continue
        is_ofs = "ovarian_suppression" in drug.classes
        names.add(drug.name)
        if is_ofs and not rules.ovarian_suppression_alone_is_line:
            continue  # a companion: never decides the line or its identity
        counting = True
        specific |= drug.classes - _UMBRELLA_CLASSES - {"ovarian_suppression"}
        if drug.classes & rules.endocrine_classes:
            types.add("endocrine")
        if drug.classes & rules.chemotherapy_classes:
            types.add("chemotherapy")
        if drug.classes & rules.targeted_classes:
            types.add("targeted")
    possible = set(types) | (set(LINE_TYPES) if has_unknown else set())
    return _Reg(
        index=index,
        regimen=regimen,
        names=frozenset(names),
        specific=frozenset(specific),
        definite_types=frozenset(types),
        possible_types=frozenset(possible),
        counts_definitely=counting,
        counts_possibly=counting or has_unknown,
        has_unknown=has_unknown,
        drug_names=display,
    )


def _boundary(prev: _Reg, cur: _Reg, rules: LineRules) -> Decision:
    """Does ``cur`` start a new line after ``prev``? (domain.md §1.7 rules 2-4)"""
    r_prev, r_cur = prev.regimen, cur.regimen
    if r_cur.after_progression is not None:
        return "new_line" if r_cur.after_progression else "same_line"
    if r_prev.stop_reason == "progression":
        return "new_line"
    overlapping = r_prev.ongoing is True or (
        r_prev.stop_date is not None
        and r_cur.start_date is not None
        and r_cur.start_date < r_prev.stop_date
    )
    if overlapping:
        return "same_line"  # an agent added to a running regimen without progression
    if cur.names <= prev.names:
        return "same_line"  # agents dropped (maintenance) without progression
    if r_prev.stop_reason == "toxicity":
        same_class = cur.specific == prev.specific and not (cur.has_unknown or prev.has_unknown)
        return rules.toxicity_switch_same_class if same_class else rules.toxicity_switch_other_class
    if r_prev.stop_reason == "completed":
        return rules.completed_then_other_regimen
    return rules.unknown_reason_switch


def _group(
    regs: list[_Reg], rules: LineRules, split_uncertain: bool
) -> list[list[tuple[_Reg, bool]]]:
    """Group regimens into lines; each member carries whether its boundary was certain."""
    lines: list[list[tuple[_Reg, bool]]] = []
    for reg in regs:
        if not lines:
            lines.append([(reg, True)])
            continue
        decision = _boundary(lines[-1][-1][0], reg, rules)
        if decision == "new_line" or (decision == "uncertain" and split_uncertain):
            lines.append([(reg, decision == "new_line")])
        else:
            lines[-1].append((reg, decision == "same_line"))
    return lines


def _ordered(regs: list[_Reg], notes: list[str]) -> list[_Reg]:
    if all(r.regimen.start_date is not None for r in regs):
        return sorted(regs, key=lambda r: (r.regimen.start_date or date.min, r.index))
    if len(regs) > 1:
        notes.append("some metastatic regimens have no start date: the file's order is used")
    return regs


def _relapse_window(
    p: Patient, lookup: DrugLookup, classes: frozenset[str], months: int
) -> bool | None:
    """Metastatic relapse on, or within ``months`` after, an (neo)adjuvant regimen
    containing a drug of ``classes``."""
    if p.diagnosis.presentation == "de_novo":
        return False
    if p.regimens is None:
        return None
    relapse = p.diagnosis.metastatic_diagnosis_date
    results: list[bool | None] = []
    for regimen in p.regimens:
        if regimen.setting not in ("adjuvant", "neoadjuvant", "early"):
            continue
        found = [lookup(n) for n in regimen.drugs]
        if not any(d is not None and d.classes & classes for d in found):
            if any(d is None for d in found):
                results.append(None)
            continue
        if relapse is None:
            results.append(None)
        elif regimen.start_date is not None and relapse < regimen.start_date:
            results.append(False)
        elif regimen.ongoing:
            results.append(True)
        elif regimen.stop_date is None:
            results.append(None)
        else:
            results.append(relapse <= add_months(regimen.stop_date, months))
    if not results:
        return False
    return _tri_any(results)


def _lines(
    p: Patient, lookup: DrugLookup, rules: LineRules, early_et: bool | None, notes: list[str]
) -> LinesOfTherapy:
    classified = [_classify(i, r, lookup, rules) for i, r in enumerate(p.regimens or [])]
    certain_list = [
        r for r in classified if r.regimen.setting == "metastatic" and r.counts_definitely
    ]
    possible_list = [
        r for r in classified if r.regimen.setting in ("metastatic", None) and r.counts_possibly
    ]
    certain_list = _ordered(certain_list, [])
    possible_list = _ordered(possible_list, notes)
    low = _group(certain_list, rules, split_uncertain=False)
    high = _group(possible_list, rules, split_uncertain=True)

    def count(groups: list[list[tuple[_Reg, bool]]], kind: str | None, definite: bool) -> int:
        n = 0
        for group in groups:
            if kind is None:
                n += 1
                continue
            types: set[str] = set()
            for reg, _ in group:
                types |= reg.definite_types if definite else reg.possible_types
            if kind == "non_endocrine":  # any type but endocrine ("other than endocrine")
                n += bool(types - {"endocrine"})
            else:
                n += kind in types
        return n

    extra_low = 1 if (early_et is True and rules.count_adjuvant_endocrine_early_relapse) else 0
    extra_high = (
        1 if (early_et is not False and rules.count_adjuvant_endocrine_early_relapse) else 0
    )
    unknown_history = p.regimens is None

    def make(kind: str | None) -> LineCount:
        lo = count(low, kind, True) + (extra_low if kind in (None, "endocrine") else 0)
        hi = count(high, kind, False) + (extra_high if kind in (None, "endocrine") else 0)
        if unknown_history:
            # No treatment history at all: nothing is known beyond the adjuvant rule.
            return LineCount(minimum=lo, maximum=None, count=None)
        return LineCount(minimum=lo, maximum=hi, count=lo if lo == hi else None)

    detail: list[TherapyLine] = []
    for number, group in enumerate(high, start=1):
        regs = [reg for reg, _ in group]
        first, last = regs[0].regimen, regs[-1].regimen
        types: set[str] = set()
        for reg in regs:
            types |= reg.definite_types
        names: list[str] = []
        for reg in regs:
            names += [n for n in reg.drug_names if n not in names]
        detail.append(
            TherapyLine(
                number=number,
                regimen_indexes=[reg.index for reg in regs],
                drugs=names,
                types=sorted(types),
                start_date=first.start_date,
                stop_date=last.stop_date,
                stop_reason=last.stop_reason,
                ongoing=last.ongoing,
                certain=group[0][1]
                and all(r.regimen.setting == "metastatic" and r.counts_definitely for r in regs),
            )
        )
    if unknown_history:
        notes.append("treatment history unknown (regimens not given): lines of therapy unknown")
    return LinesOfTherapy(
        endocrine=make("endocrine"),
        chemotherapy=make("chemotherapy"),
        targeted=make("targeted"),
        total=make(None),
        non_endocrine=make("non_endocrine"),
        lines=detail,
        adjuvant_endocrine_early_relapse_counted=(None if early_et is None else bool(extra_low)),
        rules=rules,
    )


# ------------------------------------------------------------------ drugs, labs, biomarkers


def _exposures(p: Patient, lookup: DrugLookup) -> tuple[list[DrugExposure], list[str]]:
    out: list[DrugExposure] = []
    unknown: list[str] = []
    for i, regimen in enumerate(p.regimens or []):
        for name in regimen.drugs:
            drug = lookup(name)
            if drug is None and name not in unknown:
                unknown.append(name)
            out.append(
                DrugExposure(
                    name=name,
                    canonical=drug.name if drug else None,
                    classes=sorted(drug.classes) if drug else [],
                    payload_class=drug.payload_class if drug else None,
                    setting=regimen.setting or "unknown",
                    source="regimen",
                    index=i,
                    start_date=regimen.start_date,
                    stop_date=regimen.stop_date,
                    ongoing=regimen.ongoing,
                    stop_reason=regimen.stop_reason,
                )
            )
    for i, agent in enumerate(p.bone_modifying_agents or []):
        drug = lookup(agent.drug)
        if drug is None and agent.drug not in unknown:
            unknown.append(agent.drug)
        out.append(
            DrugExposure(
                name=agent.drug,
                canonical=drug.name if drug else None,
                classes=sorted(drug.classes) if drug else [],
                payload_class=drug.payload_class if drug else None,
                setting="metastatic",
                source="bone_modifying_agent",
                index=i,
                start_date=agent.start_date,
                stop_date=agent.stop_date,
                ongoing=None if agent.stop_date is None else False,
            )
        )
    return out, unknown


def _canonical_labs(p: Patient) -> dict[str, CanonicalLab]:
    latest: dict[str, CanonicalLab] = {}
    for lab in p.labs:
        analyte = labs.normalise_analyte(lab.analyte)
        if analyte is None:
            continue
        try:
            value = labs.to_canonical(analyte, lab.value, lab.unit)
            uln = None if lab.uln is None else labs.to_canonical(analyte, lab.uln, lab.unit)
            lln = None if lab.lln is None else labs.to_canonical(analyte, lab.lln, lab.unit)
        except labs.UnitError:
            continue  # reported as an error by validate.check_patient
        entry = CanonicalLab(
            analyte=analyte,
            value=value,
            unit=labs.canonical_unit(analyte),
            date=lab.date,
            uln=uln,
            lln=lln,
            reported_value=lab.value,
            reported_unit=lab.unit,
            reported_name=lab.analyte,
        )
        old = latest.get(analyte)
        if old is None or (entry.date or date.min) >= (old.date or date.min):
            latest[analyte] = entry
    return latest


def _detected(results: list[str | None], *, tested_only: bool = False) -> bool | None:
    """True if any result is "detected"; False if every result is "not_detected"."""
    if tested_only:
        results = [r for r in results if r in ("detected", "not_detected")]
    if not results:
        return None
    return _tri_any(None if r in (None, "unknown") else r == "detected" for r in results)


def _biomarkers(p: Patient) -> dict[str, BiomarkerSummary]:
    grouped: dict[str, list[tuple[str | None, str | None, str | None]]] = {}
    out: dict[str, BiomarkerSummary] = {}
    for b in p.biomarkers:
        summary = out.setdefault(b.gene, BiomarkerSummary(gene=b.gene))
        grouped.setdefault(b.gene, []).append((b.result, b.origin, b.assay))
        if b.variant and b.variant not in summary.variants:
            summary.variants.append(b.variant)
        if b.assay and b.assay not in summary.assays:
            summary.assays.append(b.assay)
        if b.score is not None:
            summary.score, summary.score_type = b.score, b.score_type
    for gene, results in grouped.items():
        summary = out[gene]
        summary.detected = _detected([r for r, _, _ in results])
        summary.germline_detected = _detected(
            [r for r, o, a in results if o == "germline" or (o is None and a == "blood_germline")],
            tested_only=True,
        )
        summary.somatic_detected = _detected(
            [r for r, o, _ in results if o == "somatic"], tested_only=True
        )
    return out


# --------------------------------------------------------------------------- entry point


def derive(
    patient: Patient,
    *,
    as_of: date | None = None,
    config: DeriveConfig | None = None,
    drug_lookup: DrugLookup | None = None,
) -> DerivedFacts:
    """Derive every fact a matcher needs from ``patient`` as of ``as_of`` (default today)."""
    cfg = config or DeriveConfig()
    when = as_of or date.today()
    lookup: DrugLookup = drug_lookup or drugs.lookup
    notes: list[str] = []
    p = patient

    age: int | None = None
    age_basis: Literal["birth_date", "stated"] | None = None
    if p.birth_date is not None:
        age, age_basis = age_on(p.birth_date, when), "birth_date"
    elif p.age_years is not None:
        age, age_basis = p.age_years, "stated"

    er_pos, er_low, er_cat = _er(p, cfg)
    pr_pos = _pr(p)
    hr_pos: bool | None = None
    if er_pos or pr_pos:
        hr_pos = True
    elif er_pos is False and pr_pos is False:
        hr_pos = False
    her2_cat, her2_pos, amplified = _her2(p, notes)
    if er_pos is False and pr_pos is False and her2_pos is False:
        tnbc: bool | None = True
    elif er_pos or pr_pos or her2_pos:
        tnbc = False
    else:
        tnbc = None

    current = _current_drugs(p, lookup)
    meno, meno_basis, on_ofs = _menopause(p, age, current, cfg)
    if p.menopause.status is not None and meno not in (None, p.menopause.status, "not_applicable"):
        notes.append(
            f"menopausal status stated {p.menopause.status!r}, derived {meno!r} ({meno_basis})"
        )

    measurable, measurable_basis, measurable_lesions = _measurable(p, cfg, notes)
    sites = _sites(p, cfg)

    early_et = _relapse_window(
        p, lookup, cfg.lines.endocrine_classes, cfg.lines.adjuvant_endocrine_relapse_months
    )
    early_chemo = _relapse_window(
        p, lookup, cfg.lines.chemotherapy_classes, cfg.lines.adjuvant_chemo_relapse_months
    )
    lines = _lines(p, lookup, cfg.lines, early_et, notes)

    exposures, unknown = _exposures(p, lookup)
    prior_classes: dict[str, list[str]] = {}
    payloads: dict[str, list[str]] = {}
    for exp in exposures:
        for cls in exp.classes:
            settings = prior_classes.setdefault(cls, [])
            if exp.setting not in settings:
                settings.append(exp.setting)
        if exp.payload_class:
            settings = payloads.setdefault(exp.payload_class, [])
            if exp.setting not in settings:
                settings.append(exp.setting)

    ecog: int | None = p.performance.ecog
    ecog_basis: Literal["stated", "karnofsky"] | None = "stated" if ecog is not None else None
    if ecog is None and p.performance.karnofsky is not None:
        ecog = ecog_from_karnofsky(p.performance.karnofsky, cfg.karnofsky_to_ecog)
        ecog_basis = "karnofsky" if ecog is not None else None

    canonical = _canonical_labs(p)
    crcl, crcl_basis = _crcl(p, age, canonical, cfg)
    bmi = None
    if p.body.weight_kg is not None and p.body.height_cm is not None:
        bmi = round(p.body.weight_kg / (p.body.height_cm / 100) ** 2, 1)
    lvef = p.cardiac.lvef_percent
    if lvef is None and "lvef" in canonical:
        lvef = canonical["lvef"].value
    qtc = p.cardiac.qtc_ms
    if qtc is None and "qtc" in canonical:
        qtc = canonical["qtc"].value

    return DerivedFacts(
        as_of=when,
        age_years=age,
        age_basis=age_basis,
        sex=p.sex,
        er_positive=er_pos,
        er_low=er_low,
        er_category=er_cat,
        pr_positive=pr_pos,
        hr_positive=hr_pos,
        her2_category=her2_cat,
        her2_positive=her2_pos,
        her2_ish_amplified=amplified,
        triple_negative=tnbc,
        menopausal_status=meno,
        menopausal_basis=meno_basis,
        on_ovarian_suppression=on_ofs,
        measurable_disease=measurable,
        measurable_basis=measurable_basis,
        measurable_lesions=measurable_lesions,
        bone_metastases=sites["bone"],
        visceral_metastases=sites["visceral"],
        liver_metastases=sites["liver"],
        lung_metastases=sites["lung"],
        nodal_metastases=sites["nodal"],
        cns_metastases=sites["cns"],
        cns_status=p.cns.status,
        bone_only=sites["bone_only"],
        bone_dominant=sites["bone_dominant"],
        lines=lines,
        relapse_within_adjuvant_endocrine_window=early_et,
        relapse_within_adjuvant_chemo_window=early_chemo,
        prior_drugs=exposures,
        prior_classes=prior_classes,
        prior_payload_classes=payloads,
        current_drugs=sorted({d.name for d in current}),
        unknown_drugs=unknown,
        ecog=ecog,
        ecog_basis=ecog_basis,
        creatinine_clearance_ml_min=crcl,
        creatinine_clearance_basis=crcl_basis,
        bmi=bmi,
        lvef_percent=lvef,
        qtc_ms=qtc,
        labs=canonical,
        biomarkers=_biomarkers(p),
        notes=notes,
        regimens_known=p.regimens is not None,
        bone_agents_known=p.bone_modifying_agents is not None,
    )


def _crcl(
    p: Patient, age: int | None, canonical: dict[str, CanonicalLab], cfg: DeriveConfig
) -> tuple[float | None, str | None]:
    creatinine = canonical.get("creatinine")
    weight = p.body.weight_kg
    if age is None or weight is None or p.sex not in ("female", "male") or creatinine is None:
        return None, None
    basis = "actual body weight"
    if cfg.crcl_weight != "actual":
        if p.body.height_cm is None:
            return None, None
        inches_over_5ft = max(0.0, p.body.height_cm / 2.54 - 60)
        ibw = (50.0 if p.sex == "male" else 45.5) + 2.3 * inches_over_5ft
        if cfg.crcl_weight == "ideal":
            weight, basis = ibw, "ideal body weight"
        else:
            weight, basis = ibw + 0.4 * (weight - ibw), "adjusted body weight"
    value = cockcroft_gault(
        age_years=age, weight_kg=weight, sex=p.sex, creatinine_umol_l=creatinine.value
    )
    if value is None:
        return None, None
    day = creatinine.date.isoformat() if creatinine.date else "undated"
    return round(value, 1), f"Cockcroft-Gault, {basis}, creatinine of {day}"
