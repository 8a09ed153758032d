"""The osteotrials registry format: documented CSV tables, validated row by row.

A registry is a directory of UTF-8 CSV files with a header row. Dates are
ISO ``YYYY-MM-DD``; booleans are ``yes``/``no``; an empty cell is a missing
value. ``patients``, ``lesions``, ``rt_courses`` and ``pain_assessments``
are required; the other tables may be absent (treated as empty).

==================== =========================================================
table                columns (``*`` = value required)
==================== =========================================================
patients.csv         patient_id*, sex* (F/M), age* (years at index),
                     weight_kg, height_cm, serum_creatinine_mg_dl,
                     cdk46_inhibitor* (palbociclib/ribociclib/abemaciclib/none),
                     endocrine_partner, bone_agent (zoledronic_acid/denosumab/
                     none), bone_agent_schedule (q4w/q12w), index_date* (first
                     day of the index RT course), last_followup_date*
lesions.csv          lesion_id*, patient_id*, site* (spine/pelvis/rib/femur/
                     humerus/sternum/skull/scapula/other), lesion_type*
                     (lytic/blastic/mixed), index_site* (yes/no)
rt_courses.csv       course_id*, patient_id*, lesion_id*, start_date*,
                     end_date*, total_dose_gy*, fractions*, technique*
                     (3dcrt/imrt/vmat/sbrt), stereotactic* (yes/no)
systemic_therapy.csv patient_id*, date*, drug*, action* (start/
                     dose_reduction/interruption/resume/discontinuation/
                     administration), dose_mg, reason (toxicity/progression/
                     completed/other), duration_days
pain_assessments.csv patient_id*, date*, timepoint* (``baseline`` or months
                     after RT as ``1m``, ``3m``...), worst_nrs* (0-10 at the
                     index site), opioids (``none``, or ``drug amount unit``
                     items separated by ``;`` e.g. ``oxycodone_oral 20 mg/day;
                     fentanyl_transdermal 25 ug/h``; empty = not recorded),
                     nsaids (yes/no)
adverse_events.csv   patient_id*, term*, grade* (1-5, CTCAE v5.0),
                     onset_date*, attribution* (rt/cdk46i/rt_and_cdk46i/
                     other/unrelated)
labs.csv             patient_id*, date*, test* (neutrophils/platelets/
                     hemoglobin/alt/ast/bilirubin/creatinine/qtc/
                     calcium_corrected), value*, unit*, lln, uln
pet_scans.csv        patient_id*, date*, timepoint* (baseline/followup),
                     sulpeak*, liver_sul_mean, liver_sul_sd, tlg,
                     uptake_time_min, scanner, new_lesions (yes/no)
events.csv           patient_id*, date*, event* (progression/death/
                     pathologic_fracture/spinal_cord_compression/
                     radiation_to_bone/surgery_to_bone/hypercalcemia),
                     lesion_id
==================== =========================================================

Validation collects every problem (unknown units, impossible dates, NRS
outside 0-10, negative doses, unknown ids, duplicate keys, unknown columns)
as :class:`~osteotrials.outcomes.errors.RowError` and raises one
:class:`~osteotrials.outcomes.errors.RegistryValidationError`: an invalid
registry imports nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osteotrials.outcomes import _reference as ref
from osteotrials.outcomes import ctcae
from osteotrials.outcomes.errors import OutcomesError, RegistryValidationError, RowError

Parser = Callable[[str], Any]

CDK46 = ("palbociclib", "ribociclib", "abemaciclib", "none")
SITES = ("spine", "pelvis", "rib", "femur", "humerus", "sternum", "skull", "scapula", "other")
ACTIONS = (
    "start",
    "dose_reduction",
    "interruption",
    "resume",
    "discontinuation",
    "administration",
)
ATTRIBUTIONS = ("rt", "cdk46i", "rt_and_cdk46i", "other", "unrelated")
EVENTS = (
    "progression",
    "death",
    "pathologic_fracture",
    "spinal_cord_compression",
    "radiation_to_bone",
    "surgery_to_bone",
    "hypercalcemia",
)
LAB_TESTS = (
    "neutrophils",
    "platelets",
    "hemoglobin",
    "alt",
    "ast",
    "bilirubin",
    "creatinine",
    "qtc",
    "calcium_corrected",
)
_TIMEPOINT = re.compile(r"^(baseline|[1-9][0-9]?m)$")


# ---------------------------------------------------------------- parsers
def _date(s: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise ValueError(f"{s!r} is not a date in YYYY-MM-DD form")
    try:
        d = dt.date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{s!r} is not a real calendar date") from None
    if d.year < 1900:
        raise ValueError(f"{s!r} is before 1900")
    return d


def _float(lo: float | None = None, hi: float | None = None, what: str = "value") -> Parser:
    def parse(s: str) -> float:
        try:
            v = float(s)
        except ValueError:
            raise ValueError(f"{s!r} is not a number") from None
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"{s!r} is not a finite number")
        if lo is not None and v < lo:
            raise ValueError(
                f"{what} {s} is negative" if lo == 0 else f"{what} {s} is below {lo:g}"
            )
        if hi is not None and v > hi:
            raise ValueError(f"{what} {s} is above {hi:g}")
        return v

    return parse


def _int(lo: int | None = None, hi: int | None = None, what: str = "value") -> Parser:
    def parse(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise ValueError(f"{s!r} is not a whole number") from None
        if lo is not None and v < lo:
            raise ValueError(
                f"{what} {s} is outside {lo}-{hi}"
                if hi is not None
                else f"{what} {s} is below {lo}"
            )
        if hi is not None and v > hi:
            raise ValueError(f"{what} {s} is outside {lo}-{hi}")
        return v

    return parse


def _choice(*values: str) -> Parser:
    def parse(s: str) -> str:
        v = s.strip().lower()
        if v not in values:
            raise ValueError(f"{s!r} is not one of {', '.join(values)}")
        return v

    return parse


def _bool(s: str) -> bool:
    v = s.strip().lower()
    if v in ("yes", "y", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{s!r} is not yes/no")


def _text(s: str) -> str:
    return s.strip()


def _timepoint(s: str) -> str:
    v = s.strip().lower()
    if not _TIMEPOINT.match(v):
        raise ValueError(f"{s!r} is not 'baseline' or a month like '3m'")
    return v


def _all_ome_drugs() -> dict[str, str]:
    out: dict[str, str] = {}
    for prof in ref.load("ome_profiles.yaml")["profiles"].values():
        for drug, spec in prof["factors"].items():
            out[drug] = str(spec["unit"])
    return out


Opioid = tuple[str, float, str]


def parse_opioids(s: str) -> tuple[Opioid, ...]:
    """Parse the ``opioids`` cell: ``none`` or ``drug amount unit; ...``."""
    v = s.strip()
    if v.lower() == "none":
        return ()
    drugs = _all_ome_drugs()
    items: list[Opioid] = []
    for part in v.split(";"):
        tokens = part.split()
        if len(tokens) != 3:
            raise ValueError(f"{part.strip()!r} is not 'drug amount unit'")
        drug, amount_s, unit = tokens[0].lower(), tokens[1], tokens[2].replace("µ", "u")
        if drug not in drugs:
            raise ValueError(f"unknown opioid {drug!r}; known: {', '.join(sorted(drugs))}")
        if unit not in ("mg/day", "ug/h"):
            raise ValueError(f"unknown unit {unit!r} for {drug} (use mg/day, or ug/h for patches)")
        if unit != drugs[drug]:
            raise ValueError(f"{drug} must be given in {drugs[drug]}, not {unit}")
        try:
            amount = float(amount_s)
        except ValueError:
            raise ValueError(f"amount {amount_s!r} of {drug} is not a number") from None
        if amount < 0:
            raise ValueError(f"dose of {drug} is negative ({amount_s})")
        items.append((drug, amount, unit))
    return tuple(items)


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class Patient:
    patient_id: str
    sex: str
    age: int
    weight_kg: float | None
    height_cm: float | None
    serum_creatinine_mg_dl: float | None
    cdk46_inhibitor: str
    endocrine_partner: str | None
    bone_agent: str | None
    bone_agent_schedule: str | None
    index_date: dt.date
    last_followup_date: dt.date


@dataclass(frozen=True)
class Lesion:
    lesion_id: str
    patient_id: str
    site: str
    lesion_type: str
    index_site: bool


@dataclass(frozen=True)
class RTCourse:
    course_id: str
    patient_id: str
    lesion_id: str
    start_date: dt.date
    end_date: dt.date
    total_dose_gy: float
    fractions: int
    technique: str
    stereotactic: bool

    @property
    def label(self) -> str:
        """``"27 Gy/3 fx"`` style regimen label."""
        return f"{self.total_dose_gy:g} Gy/{self.fractions} fx"


@dataclass(frozen=True)
class TherapyEvent:
    patient_id: str
    date: dt.date
    drug: str
    action: str
    dose_mg: float | None
    reason: str | None
    duration_days: int | None


@dataclass(frozen=True)
class PainAssessment:
    patient_id: str
    date: dt.date
    timepoint: str
    worst_nrs: int
    opioids: tuple[Opioid, ...] | None  # None = not recorded
    nsaids: bool | None


@dataclass(frozen=True)
class AdverseEvent:
    patient_id: str
    term: str
    grade: int
    onset_date: dt.date
    attribution: str


@dataclass(frozen=True)
class LabValue:
    patient_id: str
    date: dt.date
    test: str
    value: float
    unit: str
    lln: float | None
    uln: float | None


@dataclass(frozen=True)
class PetScanRecord:
    patient_id: str
    date: dt.date
    timepoint: str
    sulpeak: float
    liver_sul_mean: float | None
    liver_sul_sd: float | None
    tlg: float | None
    uptake_time_min: float | None
    scanner: str | None
    new_lesions: bool | None


@dataclass(frozen=True)
class ClinicalEvent:
    patient_id: str
    date: dt.date
    event: str
    lesion_id: str | None


@dataclass
class Registry:
    """A validated registry. Build it with :func:`load_registry`."""

    source: str
    patients: dict[str, Patient]
    lesions: list[Lesion] = field(default_factory=list)
    rt_courses: list[RTCourse] = field(default_factory=list)
    systemic_therapy: list[TherapyEvent] = field(default_factory=list)
    pain_assessments: list[PainAssessment] = field(default_factory=list)
    adverse_events: list[AdverseEvent] = field(default_factory=list)
    labs: list[LabValue] = field(default_factory=list)
    pet_scans: list[PetScanRecord] = field(default_factory=list)
    events: list[ClinicalEvent] = field(default_factory=list)


# ---------------------------------------------------------------- schema
@dataclass(frozen=True)
class Column:
    parse: Parser
    required: bool = True


SCHEMA: dict[str, tuple[type, dict[str, Column]]] = {
    "patients": (
        Patient,
        {
            "patient_id": Column(_text),
            "sex": Column(lambda s: _choice("f", "m")(s).upper()),
            "age": Column(_int(18, 120, "age")),
            "weight_kg": Column(_float(1, 400, "weight"), False),
            "height_cm": Column(_float(50, 250, "height"), False),
            "serum_creatinine_mg_dl": Column(_float(0.05, 30, "creatinine"), False),
            "cdk46_inhibitor": Column(_choice(*CDK46)),
            "endocrine_partner": Column(_text, False),
            "bone_agent": Column(_choice("zoledronic_acid", "denosumab", "none"), False),
            "bone_agent_schedule": Column(_choice("q4w", "q12w"), False),
            "index_date": Column(_date),
            "last_followup_date": Column(_date),
        },
    ),
    "lesions": (
        Lesion,
        {
            "lesion_id": Column(_text),
            "patient_id": Column(_text),
            "site": Column(_choice(*SITES)),
            "lesion_type": Column(_choice("lytic", "blastic", "mixed")),
            "index_site": Column(_bool),
        },
    ),
    "rt_courses": (
        RTCourse,
        {
            "course_id": Column(_text),
            "patient_id": Column(_text),
            "lesion_id": Column(_text),
            "start_date": Column(_date),
            "end_date": Column(_date),
            "total_dose_gy": Column(_float(0, 100, "total dose (Gy)")),
            "fractions": Column(_int(1, 50, "fractions")),
            "technique": Column(_choice("3dcrt", "imrt", "vmat", "sbrt")),
            "stereotactic": Column(_bool),
        },
    ),
    "systemic_therapy": (
        TherapyEvent,
        {
            "patient_id": Column(_text),
            "date": Column(_date),
            "drug": Column(lambda s: s.strip().lower()),
            "action": Column(_choice(*ACTIONS)),
            "dose_mg": Column(_float(0, None, "dose"), False),
            "reason": Column(_choice("toxicity", "progression", "completed", "other"), False),
            "duration_days": Column(_int(0, 3650, "duration"), False),
        },
    ),
    "pain_assessments": (
        PainAssessment,
        {
            "patient_id": Column(_text),
            "date": Column(_date),
            "timepoint": Column(_timepoint),
            "worst_nrs": Column(_int(0, 10, "NRS")),
            "opioids": Column(parse_opioids, False),
            "nsaids": Column(_bool, False),
        },
    ),
    "adverse_events": (
        AdverseEvent,
        {
            "patient_id": Column(_text),
            "term": Column(_text),
            "grade": Column(_int(1, 5, "CTCAE grade")),
            "onset_date": Column(_date),
            "attribution": Column(_choice(*ATTRIBUTIONS)),
        },
    ),
    "labs": (
        LabValue,
        {
            "patient_id": Column(_text),
            "date": Column(_date),
            "test": Column(_choice(*LAB_TESTS)),
            "value": Column(_float(0, None, "lab value")),
            "unit": Column(_text),
            "lln": Column(_float(0, None, "LLN"), False),
            "uln": Column(_float(0, None, "ULN"), False),
        },
    ),
    "pet_scans": (
        PetScanRecord,
        {
            "patient_id": Column(_text),
            "date": Column(_date),
            "timepoint": Column(_choice("baseline", "followup")),
            "sulpeak": Column(_float(0, 100, "SULpeak")),
            "liver_sul_mean": Column(_float(0, 20, "liver SULmean"), False),
            "liver_sul_sd": Column(_float(0, 20, "liver SUL SD"), False),
            "tlg": Column(_float(0, None, "TLG"), False),
            "uptake_time_min": Column(_float(0, 600, "uptake time"), False),
            "scanner": Column(_text, False),
            "new_lesions": Column(_bool, False),
        },
    ),
    "events": (
        ClinicalEvent,
        {
            "patient_id": Column(_text),
            "date": Column(_date),
            "event": Column(_choice(*EVENTS)),
            "lesion_id": Column(_text, False),
        },
    ),
}
REQUIRED_TABLES = ("patients", "lesions", "rt_courses", "pain_assessments")


def _read_table(
    directory: Path, table: str, errors: list[RowError]
) -> list[tuple[int, dict[str, Any]]]:
    """Parse one CSV into (spreadsheet row, values) pairs, appending problems."""
    fname = f"{table}.csv"
    path = directory / fname
    _cls, columns = SCHEMA[table]
    if not path.exists():
        if table in REQUIRED_TABLES:
            errors.append(RowError(fname, 0, "-", "required file is missing"))
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        errors.append(RowError(fname, 0, "-", "file is not UTF-8 text"))
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c, spec in columns.items() if spec.required and c not in header]
    for c in missing:
        errors.append(RowError(fname, 1, c, "required column is missing"))
    for c in header:
        if c not in columns:
            errors.append(RowError(fname, 1, c, f"unknown column (expected: {', '.join(columns)})"))
    if missing:
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    for raw in reader:
        # the physical line the record ends on = its spreadsheet row (blank lines count)
        i = reader.line_num
        if None in raw:
            errors.append(RowError(fname, i, "-", "row has more cells than the header"))
            continue
        values: dict[str, Any] = {}
        ok = True
        for c, spec in columns.items():
            cell = (raw.get(c) or "").strip()
            if cell == "":
                if spec.required:
                    errors.append(RowError(fname, i, c, "value is required"))
                    ok = False
                values[c] = None
                continue
            try:
                values[c] = spec.parse(cell)
            except ValueError as exc:
                errors.append(RowError(fname, i, c, str(exc)))
                ok = False
        if ok:
            out.append((i, values))
    return out


def load_registry(directory: str | Path) -> Registry:
    """Read and validate a registry directory (format in the module docstring).

    Raises :class:`RegistryValidationError` listing every problem; nothing is
    returned unless the whole registry is valid.
    """
    d = Path(directory)
    if not d.is_dir():
        raise OutcomesError("registry_dir", f"{d} is not a directory")
    errors: list[RowError] = []
    rows = {t: _read_table(d, t, errors) for t in SCHEMA}

    def err(table: str, row: int, col: str, msg: str) -> None:
        errors.append(RowError(f"{table}.csv", row, col, msg))

    def unique(table: str, key: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, v in rows[table]:
            if v[key] in seen:
                err(table, i, key, f"duplicate {key} {v[key]!r} (first on row {seen[v[key]]})")
            else:
                seen[v[key]] = i
        return seen

    unique("patients", "patient_id")
    unique("lesions", "lesion_id")
    unique("rt_courses", "course_id")
    patients = {v["patient_id"]: v for _, v in rows["patients"]}
    lesion_owner = {v["lesion_id"]: v["patient_id"] for _, v in rows["lesions"]}

    for i, v in rows["patients"]:
        if v["last_followup_date"] < v["index_date"]:
            err("patients", i, "last_followup_date", "is before index_date")
        if v["bone_agent"] in ("zoledronic_acid", "denosumab") and v["bone_agent_schedule"] is None:
            err(
                "patients",
                i,
                "bone_agent_schedule",
                f"is required when bone_agent is {v['bone_agent']}",
            )
    for table in SCHEMA:
        if table == "patients":
            continue
        for i, v in rows[table]:
            if v["patient_id"] not in patients:
                err(table, i, "patient_id", f"unknown patient {v['patient_id']!r}")
            lid = v.get("lesion_id")
            if lid is not None and table in ("rt_courses", "events"):
                if lid not in lesion_owner:
                    err(table, i, "lesion_id", f"unknown lesion {lid!r}")
                elif lesion_owner[lid] != v["patient_id"]:
                    err(
                        table,
                        i,
                        "lesion_id",
                        f"lesion {lid!r} belongs to patient {lesion_owner[lid]!r}",
                    )
    for i, v in rows["rt_courses"]:
        if v["end_date"] < v["start_date"]:
            err("rt_courses", i, "end_date", "is before start_date")
    for i, v in rows["labs"]:
        try:
            v["unit"] = ctcae.canonical_unit(v["test"], v["unit"])
        except OutcomesError as exc:
            err("labs", i, "unit", exc.message)
    seen_tp: dict[tuple[str, str], int] = {}
    for i, v in rows["pain_assessments"]:
        k = (v["patient_id"], v["timepoint"])
        if k in seen_tp:
            err(
                "pain_assessments",
                i,
                "timepoint",
                f"duplicate {k[1]} for {k[0]} (row {seen_tp[k]})",
            )
        seen_tp[k] = i
    deaths: dict[str, tuple[int, dt.date]] = {}
    for i, v in rows["events"]:
        p = patients.get(v["patient_id"])
        if p is not None and v["date"] > p["last_followup_date"]:
            err("events", i, "date", "is after the patient's last_followup_date")
        if v["event"] == "death":
            if v["patient_id"] in deaths:
                err("events", i, "event", f"second death for {v['patient_id']!r}")
            deaths[v["patient_id"]] = (i, v["date"])
    for table, col in (
        ("events", "date"),
        ("pain_assessments", "date"),
        ("adverse_events", "onset_date"),
    ):
        for i, v in rows[table]:
            death = deaths.get(v["patient_id"])
            if (
                death is not None
                and v[col] > death[1]
                and not (table == "events" and v["event"] == "death")
            ):
                err(table, i, col, f"is after the patient's death on {death[1].isoformat()}")

    if errors:
        raise RegistryValidationError(sorted(errors, key=lambda e: (e.file, e.row, e.column)))

    def build(table: str) -> list[Any]:
        cls, _ = SCHEMA[table]
        return [cls(**v) for _, v in rows[table]]

    return Registry(
        source=str(d),
        patients={p.patient_id: p for p in build("patients")},
        lesions=build("lesions"),
        rt_courses=build("rt_courses"),
        systemic_therapy=build("systemic_therapy"),
        pain_assessments=build("pain_assessments"),
        adverse_events=build("adverse_events"),
        labs=build("labs"),
        pet_scans=build("pet_scans"),
        events=build("events"),
    )
