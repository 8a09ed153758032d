"""The patient model: what a trial matcher may know about one person.

Every field is optional. A missing value means *unknown*, never "normal" or
"absent": a matcher must treat ``None`` as a fact it does not have. Lists that
make a claim when empty (``regimens``, ``bone_lesions``, ``other_cancers`` ...)
are ``None`` when unknown and ``[]`` when the person has none.

Validation here is structural and self-contained (ranges, enumerations, dates
not in the future, date order). Checks that need the vocabularies (drug names,
lab units) live in :mod:`osteotrials.patient.validate`, because ``model``
imports nothing else of ours.

Dates in the future are refused relative to ``as_of``: pass
``context={"as_of": date(...)}`` to ``Patient.model_validate``; without it the
reference is today's date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "BiomarkerResult",
    "BodyMeasures",
    "BoneLesion",
    "BoneModifyingAgent",
    "Cardiac",
    "CnsMetastases",
    "Comorbidity",
    "CurrentMedication",
    "Diagnosis",
    "Disease",
    "Infections",
    "LabResult",
    "MenopauseFacts",
    "NodalLesion",
    "OtherCancer",
    "Patient",
    "Performance",
    "RadiotherapyCourse",
    "Receptors",
    "Regimen",
    "Reproductive",
    "SkeletalEvent",
    "Surgery",
    "VisceralLesion",
    "as_of_from_context",
]


def as_of_from_context(info: ValidationInfo) -> date:
    """The reference date for "not in the future" checks: ``context['as_of']`` or today."""
    context = info.context
    if isinstance(context, dict):
        value = context.get("as_of")
        if isinstance(value, date):
            return value
    return date.today()


def _not_future(value: date, info: ValidationInfo) -> date:
    as_of = as_of_from_context(info)
    if value > as_of:
        raise ValueError(f"date {value.isoformat()} is in the future (after {as_of.isoformat()})")
    return value


#: A calendar date that may not lie after the validation ``as_of`` date.
PastDate = Annotated[date, AfterValidator(_not_future)]


class _Model(BaseModel):
    # extra="forbid": a misspelt key in a patient file is an error, not silently unknown.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _check_order(start: date | None, stop: date | None, start_name: str, stop_name: str) -> None:
    if start is not None and stop is not None and stop < start:
        raise ValueError(
            f"{stop_name} {stop.isoformat()} is before {start_name} {start.isoformat()}"
        )


# --------------------------------------------------------------------------- demographics

Sex = Literal["female", "male", "other"]


class MenopauseFacts(_Model):
    """Menopausal status as stated, and the facts the NCCN rules derive it from."""

    status: Literal["pre", "peri", "post"] | None = Field(
        None, description="Status as stated by the clinician (derivation prefers the rules)."
    )
    bilateral_oophorectomy: bool | None = None
    oophorectomy_date: PastDate | None = None
    amenorrhea_months: float | None = Field(
        None, ge=0, description="Months since the last menstrual period."
    )
    amenorrhea_on_treatment: bool | None = Field(
        None,
        description=(
            "Whether chemotherapy, tamoxifen, toremifene or ovarian suppression was given "
            "during the amenorrhoea (then it does not count as menopause)."
        ),
    )
    fsh_estradiol_postmenopausal: bool | None = Field(
        None, description="FSH and estradiol both in the laboratory's postmenopausal range."
    )
    on_ovarian_suppression: bool | None = Field(
        None, description="Currently on an LHRH/GnRH agonist or antagonist."
    )
    hysterectomy: bool | None = None


# --------------------------------------------------------------------------- diagnosis

Histology = Literal[
    "invasive_ductal",
    "invasive_lobular",
    "mixed_ductal_lobular",
    "metaplastic",
    "mucinous",
    "inflammatory",
    "other",
]

_STAGE = re.compile(r"^(0|I|IA|IB|II|IIA|IIB|III|IIIA|IIIB|IIIC|IV)$")


class Diagnosis(_Model):
    histology: Histology | None = None
    histology_text: str | None = Field(None, description="Histology in the report's own words.")
    presentation: Literal["de_novo", "recurrent"] | None = Field(
        None, description="de_novo: metastatic at first diagnosis; recurrent: after early disease."
    )
    initial_diagnosis_date: PastDate | None = None
    metastatic_diagnosis_date: PastDate | None = None
    stage_at_diagnosis: str | None = Field(
        None, description="AJCC anatomic stage group at first diagnosis: 0, I, IA ... IIIC, IV."
    )

    @field_validator("stage_at_diagnosis", mode="before")
    @classmethod
    def _stage(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).strip().upper().removeprefix("STAGE").strip()
        text = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(text, text)
        if not _STAGE.match(text):
            raise ValueError(f"{value!r} is not an AJCC stage group (0, I, IA ... IIIC, IV)")
        return text

    @model_validator(mode="after")
    def _order(self) -> Diagnosis:
        _check_order(
            self.initial_diagnosis_date,
            self.metastatic_diagnosis_date,
            "initial_diagnosis_date",
            "metastatic_diagnosis_date",
        )
        return self


# --------------------------------------------------------------------------- receptors

HER2Ihc = Literal["0", "1+", "2+", "3+"]


def _her2_ihc(value: Any) -> Any:
    """Accept 0-3 as numbers or text ("2", "2+", " 3+ ") and spell them "0", "1+" ..."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    if isinstance(value, str):
        text = value.strip().rstrip("+").strip()
        if text in {"0", "1", "2", "3"}:
            return "0" if text == "0" else f"{text}+"
    return value


class Receptors(_Model):
    """ER/PR by IHC (% positive nuclei) and HER2 by IHC and ISH (ASCO/CAP)."""

    er_percent: float | None = Field(None, description="ER: % of tumour nuclei staining (0-100).")
    er_status: Literal["positive", "negative"] | None = Field(
        None, description="ER as reported when no percentage is known."
    )
    pr_percent: float | None = Field(None, description="PR: % of tumour nuclei staining (0-100).")
    pr_status: Literal["positive", "negative"] | None = None
    her2_ihc: Annotated[HER2Ihc | None, BeforeValidator(_her2_ihc)] = Field(
        None, description='HER2 IHC score: "0", "1+", "2+" or "3+".'
    )
    her2_ihc_zero_staining: Literal["none", "faint"] | None = Field(
        None,
        description=(
            'Only with IHC "0": "faint" = faint/incomplete membrane staining in <=10% of '
            'cells (HER2-ultralow); "none" = no staining at all (HER2-null).'
        ),
    )
    her2_ish: Literal["amplified", "not_amplified", "equivocal"] | None = None
    her2_ish_ratio: float | None = Field(None, ge=0, description="HER2/CEP17 ratio.")
    her2_copies_per_cell: float | None = Field(None, ge=0, description="Mean HER2 signals/cell.")
    her2_status: Literal["positive", "negative"] | None = Field(
        None, description="HER2 as reported when IHC/ISH details are not known."
    )
    specimen: Literal["primary", "metastasis"] | None = None
    tested_on: PastDate | None = None

    @field_validator("er_percent", "pr_percent")
    @classmethod
    def _percent(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and not 0 <= value <= 100:
            label = "ER" if info.field_name == "er_percent" else "PR"
            raise ValueError(f"{label} {value:g} % is not a percentage of stained nuclei (0-100)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Receptors:
        if self.her2_ihc_zero_staining is not None and self.her2_ihc not in (None, "0"):
            raise ValueError(
                f"her2_ihc_zero_staining is only meaningful with her2_ihc '0', "
                f"not {self.her2_ihc!r}"
            )
        for label, pct, status in (
            ("ER", self.er_percent, self.er_status),
            ("PR", self.pr_percent, self.pr_status),
        ):
            if pct is not None and status is not None and (pct >= 1) != (status == "positive"):
                raise ValueError(
                    f"{label} {pct:g} % contradicts {label.lower()}_status {status!r} "
                    "(>= 1 % is positive)"
                )
        return self


# --------------------------------------------------------------------------- disease sites

BoneRegion = Literal[
    "skull",
    "cervical_spine",
    "thoracic_spine",
    "lumbar_spine",
    "sacrum",
    "pelvis",
    "rib",
    "sternum",
    "scapula",
    "clavicle",
    "femur",
    "humerus",
    "other_long_bone",
    "other",
]

Modality = Literal["ct", "mri", "pet_ct", "bone_scan", "xray", "clinical"]


class BoneLesion(_Model):
    site: str | None = Field(None, description='Where, in words: "L3 vertebral body".')
    region: BoneRegion | None = None
    type: Literal["lytic", "blastic", "mixed"] | None = Field(
        None, description="Radiographic appearance (lytic / blastic (sclerotic) / mixed)."
    )
    soft_tissue_component_mm: float | None = Field(
        None, ge=0, description="Longest diameter of an identifiable soft-tissue mass, mm."
    )
    modality: Modality | None = None
    irradiated: bool | None = None
    imaged_on: PastDate | None = None


VisceralOrgan = Literal[
    "liver",
    "lung",
    "pleura",
    "peritoneum",
    "adrenal",
    "ovary",
    "skin",
    "soft_tissue",
    "breast",
    "chest_wall",
    "other",
]


class VisceralLesion(_Model):
    """A non-nodal, non-bone, non-CNS lesion (liver, lung, pleura ... soft tissue)."""

    organ: VisceralOrgan | None = None
    site: str | None = None
    longest_diameter_mm: float | None = Field(None, ge=0)
    modality: Modality | None = None
    imaged_on: PastDate | None = None


class NodalLesion(_Model):
    site: str | None = Field(None, description='e.g. "left axilla", "mediastinal".')
    short_axis_mm: float | None = Field(None, ge=0, description="Short-axis diameter, mm.")
    modality: Modality | None = None
    imaged_on: PastDate | None = None


class Disease(_Model):
    """Metastatic sites. ``None`` lists are unknown; ``[]`` means none at that kind of site."""

    bone_lesions: list[BoneLesion] | None = None
    visceral_lesions: list[VisceralLesion] | None = None
    nodal_lesions: list[NodalLesion] | None = None
    measurable_disease: bool | None = Field(
        None, description="Measurable disease by RECIST 1.1 as stated by the clinician."
    )
    bone_marrow_involvement: bool | None = None
    assessed_on: PastDate | None = None


class CnsMetastases(_Model):
    """Brain / leptomeningeal disease, in the ASCO-Friends categories (domain.md §1.9)."""

    status: Literal["none", "treated_stable", "active", "leptomeningeal", "present"] | None = Field(
        None,
        description=(
            "none / treated_stable / active / leptomeningeal; 'present' = brain metastases "
            "known to exist but their category is unknown (e.g. read from a FHIR Condition)."
        ),
    )
    stable_since: PastDate | None = Field(None, description="Date imaging first showed stability.")
    last_cns_treatment_date: PastDate | None = Field(
        None, description="Last SRS / WBRT / neurosurgery."
    )
    on_steroids: bool | None = None
    steroids_stopped_on: PastDate | None = None
    symptomatic: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CnsMetastases:
        if self.status == "none" and (
            self.stable_since is not None or self.last_cns_treatment_date is not None
        ):
            raise ValueError("status 'none' contradicts stable_since / last_cns_treatment_date")
        return self


# --------------------------------------------------------------------------- treatment

#: "early" = neoadjuvant or adjuvant, which one unknown (e.g. before the metastatic diagnosis).
Setting = Literal["neoadjuvant", "adjuvant", "early", "metastatic"]
StopReason = Literal["progression", "toxicity", "completed", "other"]


class Regimen(_Model):
    """One systemic regimen: drugs given together in one setting."""

    drugs: list[str] = Field(min_length=1, description="Drug names (generic or brand).")
    setting: Setting | None = None
    start_date: PastDate | None = None
    stop_date: PastDate | None = None
    ongoing: bool | None = None
    stop_reason: StopReason | None = None
    after_progression: bool | None = Field(
        None,
        description=(
            "Whether this regimen was started because the disease progressed. When known it "
            "decides whether the regimen opens a new line of therapy."
        ),
    )
    note: str | None = None

    @field_validator("drugs")
    @classmethod
    def _drug_names(cls, value: list[str]) -> list[str]:
        cleaned = [name.strip() for name in value]
        if any(not name for name in cleaned):
            raise ValueError("drug names must not be empty")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> Regimen:
        _check_order(self.start_date, self.stop_date, "start_date", "stop_date")
        if self.ongoing and (self.stop_date is not None or self.stop_reason is not None):
            raise ValueError("an ongoing regimen cannot have a stop_date or stop_reason")
        return self


class RadiotherapyCourse(_Model):
    site: str | None = Field(None, description='Target in words: "T10-L1", "whole brain".')
    site_category: Literal["bone", "brain", "breast_chest_wall", "nodal", "visceral", "other"] | (
        None
    ) = None
    technique: Literal["conventional", "sbrt", "srs", "wbrt", "other"] | None = None
    dose_gy: float | None = Field(None, gt=0, le=200)
    fractions: int | None = Field(None, ge=1, le=100)
    start_date: PastDate | None = None
    end_date: PastDate | None = None
    setting: Setting | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RadiotherapyCourse:
        _check_order(self.start_date, self.end_date, "start_date", "end_date")
        return self


class BoneModifyingAgent(_Model):
    drug: str = Field(description="zoledronic acid, denosumab, pamidronate ...")
    start_date: PastDate | None = None
    stop_date: PastDate | None = None
    schedule: str | None = Field(None, description='Free text, e.g. "4 mg IV every 12 weeks".')
    interval_weeks: int | None = Field(None, ge=1, le=52)

    @model_validator(mode="after")
    def _consistent(self) -> BoneModifyingAgent:
        _check_order(self.start_date, self.stop_date, "start_date", "stop_date")
        return self


class Surgery(_Model):
    procedure: str | None = Field(None, description='"left mastectomy", "femoral nailing".')
    site_category: Literal["breast", "axilla", "bone", "spine", "brain", "other"] | None = None
    date: PastDate | None = None


class SkeletalEvent(_Model):
    type: Literal[
        "pathologic_fracture",
        "spinal_cord_compression",
        "radiation_to_bone",
        "surgery_to_bone",
        "hypercalcemia",
    ]
    site: str | None = None
    date: PastDate | None = None


# --------------------------------------------------------------------------- status, labs


class Performance(_Model):
    ecog: int | None = Field(None, description="ECOG performance status 0-5.")
    karnofsky: int | None = Field(None, description="Karnofsky score 0-100 in steps of 10.")
    assessed_on: PastDate | None = None

    @field_validator("ecog")
    @classmethod
    def _ecog(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 5:
            raise ValueError(f"ECOG {value} is not an ECOG grade (0-5)")
        return value

    @field_validator("karnofsky")
    @classmethod
    def _kps(cls, value: int | None) -> int | None:
        if value is not None and (not 0 <= value <= 100 or value % 10):
            raise ValueError(f"Karnofsky {value} is not a Karnofsky score (0-100 in steps of 10)")
        return value


class LabResult(_Model):
    """One laboratory value as reported, with the reporting lab's own limits when known."""

    analyte: str = Field(description='Name as on the report: "ANC", "creatinine", "ALT".')
    value: float
    unit: str = Field(description='Unit as on the report: "10^9/L", "mg/dL", "U/L".')
    date: PastDate | None = None
    uln: float | None = Field(None, description="The lab's upper limit of normal, same unit.")
    lln: float | None = Field(None, description="The lab's lower limit of normal, same unit.")

    @field_validator("analyte", "unit")
    @classmethod
    def _not_blank(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError(f"{info.field_name} must not be empty")
        return value.strip()

    @model_validator(mode="after")
    def _limits(self) -> LabResult:
        if self.uln is not None and self.lln is not None and self.lln > self.uln:
            raise ValueError(f"lln {self.lln:g} is above uln {self.uln:g} for {self.analyte}")
        return self


class Cardiac(_Model):
    lvef_percent: float | None = Field(None, ge=0, le=100)
    lvef_date: PastDate | None = None
    qtc_ms: float | None = Field(None, ge=200, le=800)
    qtc_formula: Literal["fridericia", "bazett", "other"] | None = None
    qtc_date: PastDate | None = None


class BodyMeasures(_Model):
    weight_kg: float | None = Field(None, gt=0, le=400)
    height_cm: float | None = Field(None, gt=0, le=260)
    measured_on: PastDate | None = None


class BiomarkerResult(_Model):
    """A gene variant or other biomarker: PIK3CA, ESR1, AKT1, PTEN, BRCA1/2, PALB2, ERBB2,
    PD-L1, MSI, TMB ..."""

    gene: str = Field(description="HGNC symbol or marker name, e.g. PIK3CA, BRCA1, PD-L1.")
    result: Literal["detected", "not_detected", "unknown"] | None = None
    variant: str | None = Field(None, description='e.g. "H1047R", "c.68_69delAG".')
    classification: (
        Literal["pathogenic", "likely_pathogenic", "uncertain", "likely_benign", "benign"] | None
    ) = None
    assay: Literal["tissue", "ctdna", "blood_germline"] | None = None
    origin: Literal["germline", "somatic"] | None = None
    score: float | None = Field(None, ge=0, description="PD-L1 CPS/TPS/IC, TMB mut/Mb ...")
    score_type: Literal["CPS", "TPS", "IC", "mut_per_mb", "other"] | None = None
    tested_on: PastDate | None = None

    @field_validator("gene")
    @classmethod
    def _gene(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("gene must not be empty")
        return text.upper()


class Reproductive(_Model):
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    childbearing_potential: bool | None = None


class OtherCancer(_Model):
    type: str = Field(description='"melanoma", "papillary thyroid carcinoma" ...')
    diagnosis_date: PastDate | None = None
    last_treatment_date: PastDate | None = None
    status: Literal["active", "remission", "cured"] | None = None


class Infections(_Model):
    hiv: Literal["negative", "positive"] | None = None
    hiv_viral_load_undetectable: bool | None = None
    hbv: Literal["negative", "resolved", "chronic", "active"] | None = None
    hcv: Literal["negative", "cured", "active"] | None = None
    active_infection: bool | None = Field(
        None, description="An active infection needing systemic treatment."
    )
    active_infection_text: str | None = None


class Comorbidity(_Model):
    name: str
    since: PastDate | None = None
    controlled: bool | None = None


class CurrentMedication(_Model):
    name: str
    dose: str | None = None
    since: PastDate | None = None


# --------------------------------------------------------------------------- the patient


class Patient(_Model):
    """Everything a matcher may know about one person with metastatic breast cancer.

    Every field is optional: ``None`` always means *unknown*.
    """

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        json_schema_extra={
            "title": "osteotrials patient",
            "description": (
                "A person with metastatic breast cancer. Every field is optional; a missing "
                "field means unknown, never normal. Dates are ISO (YYYY-MM-DD) and may not "
                "lie in the future."
            ),
        },
    )

    label: str | None = Field(
        None, description="A non-identifying label, e.g. 'example 1'. Never a name."
    )
    age_years: int | None = Field(None, ge=0, le=120, description="Age when birth date unknown.")
    birth_date: PastDate | None = None
    sex: Sex | None = None
    postal_code: str | None = Field(None, description="US ZIP (5 digits) or other postcode.")
    country: str | None = Field(None, description='ISO 3166 alpha-2 country code, e.g. "US".')

    menopause: MenopauseFacts = Field(default_factory=MenopauseFacts)
    diagnosis: Diagnosis = Field(default_factory=Diagnosis)
    receptors: Receptors = Field(default_factory=Receptors)
    disease: Disease = Field(default_factory=Disease)
    cns: CnsMetastases = Field(default_factory=CnsMetastases)

    regimens: list[Regimen] | None = Field(
        None, description="Systemic therapy history; [] means never treated systemically."
    )
    radiotherapy: list[RadiotherapyCourse] | None = None
    bone_modifying_agents: list[BoneModifyingAgent] | None = None
    surgeries: list[Surgery] | None = None
    skeletal_events: list[SkeletalEvent] | None = None

    performance: Performance = Field(default_factory=Performance)
    labs: list[LabResult] = Field(default_factory=list)
    cardiac: Cardiac = Field(default_factory=Cardiac)
    body: BodyMeasures = Field(default_factory=BodyMeasures)
    biomarkers: list[BiomarkerResult] = Field(default_factory=list)
    reproductive: Reproductive = Field(default_factory=Reproductive)
    other_cancers: list[OtherCancer] | None = None
    infections: Infections = Field(default_factory=Infections)
    comorbidities: list[Comorbidity] | None = None
    current_medications: list[CurrentMedication] | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _sex(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().lower()
            return {"f": "female", "woman": "female", "m": "male", "man": "male"}.get(text, text)
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip().upper()
            if text in {"USA", "UNITED STATES", "UNITED STATES OF AMERICA"}:
                return "US"
            if not re.fullmatch(r"[A-Z]{2}", text):
                raise ValueError(f"{value!r} is not an ISO 3166 alpha-2 country code like 'US'")
            return text
        return value

    @field_validator("postal_code", mode="before")
    @classmethod
    def _postal(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(
                f"postal code {value} must be text (quote it, e.g. '02115'; a number "
                "loses leading zeros)"
            )
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Patient:
        if (
            self.postal_code is not None
            and self.country == "US"
            and not re.fullmatch(r"\d{5}(-\d{4})?", self.postal_code)
        ):
            raise ValueError(f"postal_code {self.postal_code!r} is not a US ZIP code (5 digits)")
        if self.sex == "male" and (self.reproductive.pregnant or self.reproductive.breastfeeding):
            raise ValueError("sex 'male' contradicts pregnant/breastfeeding true")
        if self.birth_date is not None and self.age_years is not None:
            # age is derived from birth_date; a stated age may have been recorded up to
            # two years before as_of, but never be older than the birth date allows.
            as_of = as_of_from_context(info)
            born = self.birth_date
            years = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
            if not years - 2 <= self.age_years <= years:
                raise ValueError(
                    f"age_years {self.age_years} does not fit birth_date "
                    f"{self.birth_date.isoformat()}"
                )
        return self
