"""Compiled eligibility criteria: items, typed constraints, trial tags, coverage.

A trial's free-text criteria compile (``osteotrials.criteria.compile_trial``) into
``CriterionItem`` objects. Each item keeps its exact character span in the
original text and either carries typed ``Constraint`` objects or says why it
could not be typed (``unparsed_reason``). Nothing is dropped.

Constraint parameters are a flat mapping whose keys per family are listed in
``PARAM_KEYS`` (validated); ``docs/criteria.md`` documents their meaning.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ItemKind = Literal["inclusion", "exclusion"]
#: require: the stated condition must hold; exclude: it makes the person ineligible;
#: allow: the text explicitly permits it (neither required nor excluded).
Polarity = Literal["require", "exclude", "allow"]
#: ``no_condition``: a line that states there is no condition ("Age: Not specified",
#: "Menopausal status not specified"); like a header it takes no part in a verdict
ItemRole = Literal["criterion", "header", "note", "no_condition"]
TimeUnit = Literal["days", "weeks", "months", "years"]

FAMILIES: tuple[str, ...] = (
    "age",
    "sex",
    "diagnosis",
    "receptor",
    "disease_sites",
    "measurable_disease",
    "cns",
    "prior_therapy",
    "radiotherapy",
    "bone_agent",
    "biomarker",
    "performance_status",
    "lab",
    "cardiac",
    "menopause",
    "pregnancy",
    "life_expectancy",
    "other_malignancy",
    "infection",
    "comorbidity",
    "medication",
    "trial_participation",
    "surgery",
    "toxicity",
    "hypersensitivity",
    "administrative",
)

_COMMON = frozenset({"no_restriction", "terms", "negated"})

#: Allowed parameter keys per family (beyond the common ``no_restriction``, ``terms``).
PARAM_KEYS: dict[str, frozenset[str]] = {
    "age": frozenset({"min", "max", "min_inclusive", "max_inclusive", "symbol_lost"}),
    "sex": frozenset({"sex"}),
    "diagnosis": frozenset(
        {"cancer", "setting", "stage", "histology", "recurrence", "tumour_types", "confirmation"}
    ),
    "receptor": frozenset({"receptor", "status", "op", "value", "unit", "method", "er_low"}),
    "disease_sites": frozenset({"site", "extent", "lesion_type", "soft_tissue_component"}),
    "measurable_disease": frozenset({"requirement", "criteria", "bone_only"}),
    "cns": frozenset({"status", "steroids", "stable_weeks", "symptomatic"}),
    "prior_therapy": frozenset(
        {
            "drugs",
            "classes",
            "payload_classes",
            "setting",
            "min_lines",
            "max_lines",
            "line_scope",
            "progression",
            "resistance",
            "any_anticancer",
            "except_drugs",
            "except_classes",
            "planned",
            "dose_limit",
            "min_duration_days",
        }
    ),
    "radiotherapy": frozenset({"aspect", "site", "palliative"}),
    "bone_agent": frozenset({"drugs", "classes", "route", "min_duration_days"}),
    "biomarker": frozenset({"gene", "alteration", "germline", "assay", "status"}),
    "performance_status": frozenset(
        {"scale", "op", "value", "allowed", "ecog_max", "karnofsky_min", "symbol_lost"}
    ),
    "lab": frozenset(
        {
            "analyte",
            "op",
            "value",
            "unit",
            "canonical_value",
            "canonical_unit",
            "uln_multiple",
            "lln_multiple",
            "relative_to",
            "formula",
            "organ",
            "adequate",
            "symbol_lost",
            "unit_inferred",
        }
    ),
    "cardiac": frozenset(
        {"measure", "op", "value", "unit", "condition", "nyha_class", "uncontrolled"}
    ),
    "menopause": frozenset({"status", "ovarian_suppression"}),
    "pregnancy": frozenset({"aspect"}),
    "life_expectancy": frozenset({"op", "value", "unit", "months"}),
    "other_malignancy": frozenset({"years", "exceptions", "active_only"}),
    "infection": frozenset({"agent"}),
    "comorbidity": frozenset({"condition", "uncontrolled"}),
    "medication": frozenset({"drugs", "classes", "interaction"}),
    "trial_participation": frozenset({"aspect"}),
    "surgery": frozenset({"aspect"}),
    "toxicity": frozenset({"max_grade", "aspect"}),
    "hypersensitivity": frozenset({"drugs", "classes"}),
    "administrative": frozenset({"aspect"}),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: ``TimeWindow.anchor`` of a window counted back from the metastatic diagnosis ("eligible
#: if recurrence was first documented >12 months after the last exposure"); other anchors
#: name the study's start, which the matcher takes as the match date
RECURRENCE_ANCHOR = "recurrence"


class TimeWindow(_Model):
    """A time condition: ``within`` N units (recent), or ``at_least`` N units ago (washout)."""

    relation: Literal["within", "at_least", "more_than", "less_than"]
    value: float
    unit: TimeUnit
    days: float
    anchor: str | None = None
    text: str


class Logic(_Model):
    """How a constraint combines with the others and its exceptions."""

    #: constraints of one item sharing a group combine with ``connective``
    connective: Literal["and", "or"] = "and"
    group: int = 0
    #: conditions under which this constraint applies instead of the default one
    #: (any of: "liver_metastases", "gilbert_syndrome", "bone_metastases")
    conditions: list[str] = Field(default_factory=list)
    #: "unless ..." / "except ..." clauses, as written
    exceptions: list[str] = Field(default_factory=list)


class Constraint(_Model):
    family: str
    polarity: Polarity
    params: dict[str, Any] = Field(default_factory=dict)
    logic: Logic = Field(default_factory=Logic)
    time_window: TimeWindow | None = None
    #: character offsets into the trial's original criteria text
    span: tuple[int, int]
    text: str
    confidence: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _check(self) -> Constraint:
        if self.family not in PARAM_KEYS:
            raise ValueError(f"unknown constraint family {self.family!r}")
        unknown = set(self.params) - PARAM_KEYS[self.family] - _COMMON
        if unknown:
            raise ValueError(f"{self.family}: unknown parameters {sorted(unknown)}")
        return self


class CriterionItem(_Model):
    index: int
    text: str
    kind: ItemKind
    role: ItemRole = "criterion"
    #: section headers above the item, outermost first ("DISEASE CHARACTERISTICS", "Hepatic")
    section: list[str] = Field(default_factory=list)
    #: cohort / phase / arm the item is restricted to, as written ("For phase II only")
    cohort: str | None = None
    parent: int | None = None
    depth: int = 0
    #: character offsets of ``text`` in the original criteria text
    span: tuple[int, int]
    constraints: list[Constraint] = Field(default_factory=list)
    unparsed_reason: str | None = None

    @property
    def administrative(self) -> bool:
        return bool(self.constraints) and all(
            c.family == "administrative" for c in self.constraints
        )

    @property
    def typed(self) -> bool:
        return bool(self.constraints)

    @property
    def families(self) -> list[str]:
        return sorted({c.family for c in self.constraints})


class TrialTag(_Model):
    name: str
    kind: Literal["family", "bone_relevance"]
    evidence: str
    #: where the evidence was found: intervention, title, keyword, condition, criteria, outcome, arm
    source: str


class CompiledTrial(_Model):
    nct_id: str
    record_version: str
    parser_version: str
    vocab_versions: dict[str, str] = Field(default_factory=dict)
    items: list[CriterionItem] = Field(default_factory=list)
    tags: list[TrialTag] = Field(default_factory=list)

    def criteria_items(self) -> list[CriterionItem]:
        """Items that count for coverage (headers excluded)."""
        return [i for i in self.items if i.role not in ("header", "no_condition")]


class CoverageReport(_Model):
    trials: int
    items: int
    typed: int
    unparsed: int
    administrative: int
    typed_share: float
    by_family: dict[str, int]
    unparsed_reasons: dict[str, int]
    top_unparsed_patterns: list[tuple[str, int]]
    headers: int = 0
    #: lines that state there is no condition ("Not specified"), left out like headers
    no_condition: int = 0
