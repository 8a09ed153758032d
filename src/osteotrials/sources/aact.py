"""AACT import: ClinicalTrials.gov as mirrored by CTTI's AACT, into API v2 study dicts.

AACT (https://aact.ctti-clinicaltrials.org) publishes the registry as a
PostgreSQL database (schema ``ctgov``) and as pipe-delimited flat files (one
``<table>.txt`` per table, a header row, ``|`` between fields, fields with
``|``, quotes or line breaks in double quotes). Both are read here into the
API v2 ``studies[]`` shape, so ``osteotrials.sources.ctgov_json.trial_from_study``
turns them into :class:`~osteotrials.model.trial.Trial` exactly like API records.

Tables and columns used (names from AACT's data dictionary; a table or an
optional column that is absent is skipped):

======================== =====================================================
``studies``              nct_id, brief_title, official_title, acronym,
                         overall_status, last_known_status, why_stopped,
                         start_month_year/start_date/start_date_type,
                         primary_completion_month_year/_date/_date_type,
                         completion_month_year/_date/_date_type,
                         study_first_posted_date/_type,
                         last_update_posted_date/_type, study_type, phase,
                         enrollment, enrollment_type
``brief_summaries``      description
``detailed_descriptions`` description
``conditions``           name
``keywords``             name
``browse_conditions``    mesh_term, mesh_type (``mesh-list`` rows only)
``browse_interventions`` mesh_term, mesh_type (``mesh-list`` rows only)
``interventions``        id, intervention_type, name, description
``intervention_other_names`` intervention_id, name
``design_groups``        id, group_type, title, description
``design_group_interventions`` design_group_id, intervention_id
``design_outcomes``      outcome_type (primary/secondary), measure,
                         time_frame, description
``designs``              allocation, intervention_model,
                         intervention_model_description, primary_purpose,
                         masking, subject_masked, caregiver_masked,
                         investigator_masked, outcomes_assessor_masked
``eligibilities``        criteria, gender, gender_based, gender_description,
                         minimum_age, maximum_age, healthy_volunteers,
                         adult, child, older_adult
``facilities``           name, status, city, state, zip, country, and
                         latitude/longitude when the export has them
``sponsors``             name, agency_class, lead_or_collaborator
``calculated_values``    nlm_download_date (becomes ``provenance.sourceDate``),
                         minimum_age_num/_unit, maximum_age_num/_unit (used
                         only when ``eligibilities`` has no age text)
======================== =====================================================

Enum values are accepted in both spellings AACT has used: the API v2 form
(``RECRUITING``, ``PHASE1/PHASE2``, ``PARALLEL``) since AACT moved to API v2
in 2023, and the legacy labels (``Recruiting``, ``Phase 1/Phase 2``,
``Parallel Assignment``). Contacts and investigators are never read.

Memory stays bounded: studies are read in batches of NCT ids (keyset paging on
``nct_id``); flat files are first staged into a temporary SQLite file indexed
by ``nct_id`` so that each batch is a few indexed look-ups.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

#: Columns read per table (optional ones are used when present).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "studies": (
        "nct_id",
        "brief_title",
        "official_title",
        "acronym",
        "overall_status",
        "last_known_status",
        "why_stopped",
        "start_month_year",
        "start_date",
        "start_date_type",
        "primary_completion_month_year",
        "primary_completion_date",
        "primary_completion_date_type",
        "completion_month_year",
        "completion_date",
        "completion_date_type",
        "study_first_posted_date",
        "study_first_posted_date_type",
        "last_update_posted_date",
        "last_update_posted_date_type",
        "study_type",
        "phase",
        "enrollment",
        "enrollment_type",
    ),
    "brief_summaries": ("nct_id", "description"),
    "detailed_descriptions": ("nct_id", "description"),
    "conditions": ("id", "nct_id", "name"),
    "keywords": ("id", "nct_id", "name"),
    "browse_conditions": ("id", "nct_id", "mesh_term", "mesh_type"),
    "browse_interventions": ("id", "nct_id", "mesh_term", "mesh_type"),
    "interventions": ("id", "nct_id", "intervention_type", "name", "description"),
    "intervention_other_names": ("id", "nct_id", "intervention_id", "name"),
    "design_groups": ("id", "nct_id", "group_type", "title", "description"),
    "design_group_interventions": ("id", "nct_id", "design_group_id", "intervention_id"),
    "design_outcomes": ("id", "nct_id", "outcome_type", "measure", "time_frame", "description"),
    "designs": (
        "nct_id",
        "allocation",
        "intervention_model",
        "intervention_model_description",
        "primary_purpose",
        "masking",
        "subject_masked",
        "caregiver_masked",
        "investigator_masked",
        "outcomes_assessor_masked",
    ),
    "eligibilities": (
        "nct_id",
        "criteria",
        "gender",
        "gender_based",
        "gender_description",
        "minimum_age",
        "maximum_age",
        "healthy_volunteers",
        "adult",
        "child",
        "older_adult",
    ),
    "facilities": (
        "id",
        "nct_id",
        "name",
        "status",
        "city",
        "state",
        "zip",
        "country",
        "latitude",
        "longitude",
    ),
    "sponsors": ("id", "nct_id", "name", "agency_class", "lead_or_collaborator"),
    "calculated_values": (
        "nct_id",
        "nlm_download_date",
        "minimum_age_num",
        "minimum_age_unit",
        "maximum_age_num",
        "maximum_age_unit",
    ),
}
CHILD_TABLES = tuple(t for t in TABLE_COLUMNS if t != "studies")

_LEGACY: dict[str, str] = {
    # statuses
    "active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "enrolling by invitation": "ENROLLING_BY_INVITATION",
    "not yet recruiting": "NOT_YET_RECRUITING",
    "no longer available": "NO_LONGER_AVAILABLE",
    "temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "approved for marketing": "APPROVED_FOR_MARKETING",
    "unknown status": "UNKNOWN",
    # design
    "n/a": "NA",
    "non-randomized": "NON_RANDOMIZED",
    "parallel assignment": "PARALLEL",
    "single group assignment": "SINGLE_GROUP",
    "crossover assignment": "CROSSOVER",
    "factorial assignment": "FACTORIAL",
    "sequential assignment": "SEQUENTIAL",
    "none (open label)": "NONE",
    "anticipated": "ESTIMATED",
    "expanded access": "EXPANDED_ACCESS",
}
_API_ENUM = re.compile(r"^[A-Z][A-Z0-9_]*$")
_MASK_WHO = (
    ("subject_masked", "PARTICIPANT"),
    ("caregiver_masked", "CARE_PROVIDER"),
    ("investigator_masked", "INVESTIGATOR"),
    ("outcomes_assessor_masked", "OUTCOMES_ASSESSOR"),
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}

Row = dict[str, Any]


class AactError(Exception):
    """An AACT source that cannot be read (missing ``studies`` table, bad file, ...)."""


# -- value helpers --------------------------------------------------------------
def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"t", "true", "yes", "y", "1", "accepts healthy volunteers"}:
        return True
    if text in {"f", "false", "no", "n", "0"}:
        return False
    return None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def enum(value: Any) -> str | None:
    """An AACT enum value in API v2 spelling (``Phase 2`` → ``PHASE2``)."""
    text = _text(value)
    if text is None:
        return None
    text = text.strip()
    if _API_ENUM.match(text):
        return text
    low = text.lower()
    if low in _LEGACY:
        return _LEGACY[low]
    if low.startswith("early phase"):
        return "EARLY_PHASE" + low.removeprefix("early phase").strip()
    if low.startswith("phase"):
        return "PHASE" + low.removeprefix("phase").strip()
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def phases(value: Any) -> list[str]:
    text = _text(value)
    if text is None:
        return []
    if text.strip().upper() in {"N/A", "NA"}:
        return ["NA"]
    return [p for p in (enum(part) for part in text.split("/")) if p]


def _partial_date(month_year: Any, full: Any) -> str | None:
    """API v2 date text: ``YYYY-MM`` or ``YYYY-MM-DD``, from AACT's month_year or date."""
    text = _text(month_year)
    if text:
        text = text.strip()
        if re.match(r"^\d{4}(-\d{2}){0,2}$", text):
            return text
        m = re.match(r"^([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})$", text)
        if m and m.group(1).lower() in _MONTHS:
            month = _MONTHS[m.group(1).lower()]
            if m.group(2):
                return f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}"
            return f"{m.group(3)}-{month:02d}"
    return _text(full)


def _date_struct(date: str | None, kind: Any) -> dict[str, Any] | None:
    if date is None:
        return None
    out: dict[str, Any] = {"date": date}
    k = enum(kind)
    if k:
        out["type"] = k
    return out


def _display_type(kind: str) -> str:
    """``DIETARY_SUPPLEMENT`` → ``Dietary Supplement`` (API v2 interventionNames prefix)."""
    return " ".join(w.capitalize() for w in kind.split("_"))


def _age(text: Any, num: Any, unit: Any) -> str | None:
    value = _text(text)
    if value is not None and value.strip().upper() not in {"N/A", "NA"}:
        return value.strip()
    n = _int(num)
    u = _text(unit)
    if value is None and n is not None and u:
        word = u.strip().capitalize()
        return f"{n} {word if word.endswith('s') else word + 's'}"
    return None


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is None or value == [] or value == {}:
        return
    target[key] = value


# -- one study ----------------------------------------------------------------
def study_from_rows(
    study: Row, children: Mapping[str, Sequence[Row]], *, source: str, origin: str | None = None
) -> dict[str, Any]:
    """One API v2 study dict from a ``studies`` row and its child-table rows."""
    nct = str(study["nct_id"]).strip()

    def one(table: str) -> Row:
        rows = children.get(table) or []
        return rows[0] if rows else {}

    ident: dict[str, Any] = {"nctId": nct}
    _put(ident, "briefTitle", _text(study.get("brief_title")))
    _put(ident, "officialTitle", _text(study.get("official_title")))
    _put(ident, "acronym", _text(study.get("acronym")))

    status: dict[str, Any] = {}
    _put(status, "overallStatus", enum(study.get("overall_status")))
    _put(status, "lastKnownStatus", enum(study.get("last_known_status")))
    _put(status, "whyStopped", _text(study.get("why_stopped")))
    for prefix, key in (
        ("start", "startDateStruct"),
        ("primary_completion", "primaryCompletionDateStruct"),
        ("completion", "completionDateStruct"),
    ):
        date = _partial_date(study.get(f"{prefix}_month_year"), study.get(f"{prefix}_date"))
        _put(status, key, _date_struct(date, study.get(f"{prefix}_date_type")))
    for col, key in (
        ("study_first_posted_date", "studyFirstPostDateStruct"),
        ("last_update_posted_date", "lastUpdatePostDateStruct"),
    ):
        _put(status, key, _date_struct(_text(study.get(col)), study.get(f"{col}_type")))

    sponsors: dict[str, Any] = {}
    collaborators: list[dict[str, Any]] = []
    for row in children.get("sponsors", []):
        name = _text(row.get("name"))
        if name is None:
            continue
        entry: dict[str, Any] = {"name": name}
        _put(entry, "class", enum(row.get("agency_class")))
        if (_text(row.get("lead_or_collaborator")) or "").lower() == "lead":
            sponsors.setdefault("leadSponsor", entry)
        else:
            collaborators.append(entry)
    _put(sponsors, "collaborators", collaborators)

    description: dict[str, Any] = {}
    _put(description, "briefSummary", _text(one("brief_summaries").get("description")))
    _put(description, "detailedDescription", _text(one("detailed_descriptions").get("description")))

    conditions: dict[str, Any] = {}
    _put(
        conditions,
        "conditions",
        [n for r in children.get("conditions", []) if (n := _text(r.get("name")))],
    )
    _put(
        conditions,
        "keywords",
        [n for r in children.get("keywords", []) if (n := _text(r.get("name")))],
    )

    design: dict[str, Any] = {}
    _put(design, "studyType", enum(study.get("study_type")))
    _put(design, "phases", phases(study.get("phase")))
    drow = one("designs")
    info: dict[str, Any] = {}
    _put(info, "allocation", enum(drow.get("allocation")))
    _put(info, "interventionModel", enum(drow.get("intervention_model")))
    _put(info, "interventionModelDescription", _text(drow.get("intervention_model_description")))
    _put(info, "primaryPurpose", enum(drow.get("primary_purpose")))
    masking: dict[str, Any] = {}
    mask = _text(drow.get("masking"))
    if mask:
        # Legacy "Double (Participant, Investigator)": the word before the parenthesis.
        masking["masking"] = enum(mask.split("(")[0].strip() or mask)
    who = [name for col, name in _MASK_WHO if _bool(drow.get(col))]
    _put(masking, "whoMasked", who)
    _put(info, "maskingInfo", masking)
    _put(design, "designInfo", info)
    enrollment: dict[str, Any] = {}
    _put(enrollment, "count", _int(study.get("enrollment")))
    if enrollment:
        _put(enrollment, "type", enum(study.get("enrollment_type")))
    _put(design, "enrollmentInfo", enrollment)

    # Arms and interventions, linked through design_group_interventions.
    interventions = list(children.get("interventions", []))
    groups = list(children.get("design_groups", []))
    links = list(children.get("design_group_interventions", []))
    other_names: dict[Any, list[str]] = defaultdict(list)
    for row in children.get("intervention_other_names", []):
        if (name := _text(row.get("name"))) is not None:
            other_names[_int(row.get("intervention_id"))].append(name)
    group_label = {_int(g.get("id")): _text(g.get("title")) for g in groups}
    by_intervention: dict[Any, list[str]] = defaultdict(list)
    by_group: dict[Any, list[Any]] = defaultdict(list)
    for link in links:
        gid, iid = _int(link.get("design_group_id")), _int(link.get("intervention_id"))
        label = group_label.get(gid)
        if label is not None:
            by_intervention[iid].append(label)
        by_group[gid].append(iid)
    intervention_display: dict[Any, str] = {}
    api_interventions: list[dict[str, Any]] = []
    for row in interventions:
        name = _text(row.get("name"))
        if name is None:
            continue
        iid = _int(row.get("id"))
        entry = {}
        kind = enum(row.get("intervention_type"))
        _put(entry, "type", kind)
        entry["name"] = name
        _put(entry, "description", _text(row.get("description")))
        _put(entry, "armGroupLabels", by_intervention.get(iid, []))
        _put(entry, "otherNames", other_names.get(iid, []))
        intervention_display[iid] = f"{_display_type(kind)}: {name}" if kind else name
        api_interventions.append(entry)
    order = {_int(r.get("id")): i for i, r in enumerate(interventions)}
    arm_groups: list[dict[str, Any]] = []
    for g in groups:
        label = _text(g.get("title"))
        if label is None:
            continue
        arm: dict[str, Any] = {"label": label}
        _put(arm, "type", enum(g.get("group_type")))
        _put(arm, "description", _text(g.get("description")))
        linked = sorted(by_group.get(_int(g.get("id")), []), key=lambda i: order.get(i, 1 << 30))
        _put(
            arm,
            "interventionNames",
            [intervention_display[i] for i in linked if i in intervention_display],
        )
        arm_groups.append(arm)
    arms: dict[str, Any] = {}
    _put(arms, "armGroups", arm_groups)
    _put(arms, "interventions", api_interventions)

    outcomes: dict[str, Any] = {}
    for kind, key in (("primary", "primaryOutcomes"), ("secondary", "secondaryOutcomes")):
        items = []
        for row in children.get("design_outcomes", []):
            if (_text(row.get("outcome_type")) or "").lower() != kind:
                continue
            measure = _text(row.get("measure"))
            if measure is None:
                continue
            item: dict[str, Any] = {"measure": measure}
            _put(item, "description", _text(row.get("description")))
            _put(item, "timeFrame", _text(row.get("time_frame")))
            items.append(item)
        _put(outcomes, key, items)

    erow = one("eligibilities")
    crow = one("calculated_values")
    elig: dict[str, Any] = {}
    _put(elig, "eligibilityCriteria", _text(erow.get("criteria")))
    _put(elig, "healthyVolunteers", _bool(erow.get("healthy_volunteers")))
    _put(elig, "sex", enum(erow.get("gender")))
    _put(elig, "genderBased", _bool(erow.get("gender_based")))
    _put(elig, "genderDescription", _text(erow.get("gender_description")))
    _put(
        elig,
        "minimumAge",
        _age(erow.get("minimum_age"), crow.get("minimum_age_num"), crow.get("minimum_age_unit")),
    )
    _put(
        elig,
        "maximumAge",
        _age(erow.get("maximum_age"), crow.get("maximum_age_num"), crow.get("maximum_age_unit")),
    )
    std = [
        name
        for col, name in (("child", "CHILD"), ("adult", "ADULT"), ("older_adult", "OLDER_ADULT"))
        if _bool(erow.get(col))
    ]
    _put(elig, "stdAges", std)

    locations: list[dict[str, Any]] = []
    for row in children.get("facilities", []):
        loc: dict[str, Any] = {}
        _put(loc, "facility", _text(row.get("name")))
        _put(loc, "status", enum(row.get("status")))
        for col in ("city", "state", "zip", "country"):
            _put(loc, col, _text(row.get(col)))
        lat, lon = _float(row.get("latitude")), _float(row.get("longitude"))
        if lat is not None and lon is not None:
            loc["geoPoint"] = {"lat": lat, "lon": lon}
        if loc:
            locations.append(loc)

    protocol: dict[str, Any] = {"identificationModule": ident}
    _put(protocol, "statusModule", status)
    _put(protocol, "sponsorCollaboratorsModule", sponsors)
    _put(protocol, "descriptionModule", description)
    _put(protocol, "conditionsModule", conditions)
    _put(protocol, "designModule", design)
    _put(protocol, "armsInterventionsModule", arms)
    _put(protocol, "outcomesModule", outcomes)
    _put(protocol, "eligibilityModule", elig)
    _put(protocol, "contactsLocationsModule", {"locations": locations} if locations else None)

    out: dict[str, Any] = {"protocolSection": protocol}
    derived: dict[str, Any] = {}
    for table, key in (
        ("browse_conditions", "conditionBrowseModule"),
        ("browse_interventions", "interventionBrowseModule"),
    ):
        terms = [
            {"term": t}
            for r in children.get(table, [])
            if (_text(r.get("mesh_type")) or "mesh-list").lower() == "mesh-list"
            and (t := _text(r.get("mesh_term")))
        ]
        _put(derived, key, {"meshes": terms} if terms else None)
    _put(out, "derivedSection", derived)
    out["provenance"] = {
        "source": source,
        "repository": None,
        "commit": None,
        "path": origin,
        "license": None,
        "sourceDate": _text(crow.get("nlm_download_date")),
        "fieldsFromSource": [],
    }
    return out


# -- row sources --------------------------------------------------------------
class RowSource(Protocol):
    def columns(self, table: str) -> set[str] | None: ...

    def study_rows(self, *, after: str | None, limit: int, since: dt.date | None) -> list[Row]: ...

    def child_rows(self, table: str, nct_ids: Sequence[str]) -> list[Row]: ...

    def count(self, *, since: dt.date | None) -> int: ...


def iter_studies(
    source: RowSource,
    *,
    label: str,
    origin: str | None = None,
    batch_size: int = 500,
    after: str | None = None,
    since: dt.date | None = None,
) -> Iterator[dict[str, Any]]:
    """API v2 study dicts in NCT id order, ``batch_size`` studies per round of queries."""
    if source.columns("studies") is None:
        raise AactError("the AACT source has no 'studies' table")
    tables = [t for t in CHILD_TABLES if source.columns(t) is not None]
    cursor = after
    while True:
        studies = source.study_rows(after=cursor, limit=batch_size, since=since)
        if not studies:
            return
        ids = [str(s["nct_id"]) for s in studies]
        grouped: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for table in tables:
            for row in source.child_rows(table, ids):
                grouped[str(row["nct_id"])][table].append(row)
        for study in studies:
            nct = str(study["nct_id"])
            yield study_from_rows(study, grouped.get(nct, {}), source=label, origin=origin)
        cursor = ids[-1]


def _select_list(wanted: Sequence[str], have: set[str]) -> list[str]:
    return [c for c in wanted if c in have]


class PostgresAact(AbstractContextManager["PostgresAact"]):
    """An AACT PostgreSQL database (``schema=None`` uses the connection's search_path)."""

    def __init__(self, dsn: str, *, schema: str | None = "ctgov") -> None:
        import psycopg
        from psycopg.rows import dict_row

        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(dsn, row_factory=dict_row, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise AactError(f"cannot connect to the AACT database: {exc}") from exc
        self.conn.read_only = True
        self.schema = schema
        info = self.conn.info
        #: Where the records came from, without credentials (for provenance).
        self.origin = f"postgresql://{info.host}:{info.port}/{info.dbname}" + (
            f"#{schema}" if schema else ""
        )
        self._columns: dict[str, set[str]] = {}
        with self.conn.cursor() as cur:
            if schema is None:
                cur.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema()"
                )
            else:
                cur.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = %s",
                    (schema,),
                )
            for row in cur.fetchall():
                self._columns.setdefault(row["table_name"], set()).add(row["column_name"])
        self.conn.commit()

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def _table(self, name: str) -> Any:
        from psycopg import sql

        if self.schema is None:
            return sql.Identifier(name)
        return sql.Identifier(self.schema, name)

    def columns(self, table: str) -> set[str] | None:
        return self._columns.get(table)

    def _cols(self, table: str) -> Any:
        from psycopg import sql

        have = self._columns.get(table, set())
        return sql.SQL(", ").join(
            sql.Identifier(c) for c in _select_list(TABLE_COLUMNS[table], have)
        )

    def study_rows(self, *, after: str | None, limit: int, since: dt.date | None) -> list[Row]:
        from psycopg import sql

        where = [sql.SQL("nct_id IS NOT NULL")]
        params: list[Any] = []
        if after is not None:
            where.append(sql.SQL("nct_id > %s"))
            params.append(after)
        if since is not None:
            where.append(sql.SQL("last_update_posted_date >= %s"))
            params.append(since)
        query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY nct_id LIMIT {}").format(
            self._cols("studies"), self._table("studies"), sql.SQL(" AND ").join(where), limit
        )
        with self.conn.cursor() as cur:
            cur.execute(query, params)
            rows = cur.fetchall()
        self.conn.commit()
        return rows

    def child_rows(self, table: str, nct_ids: Sequence[str]) -> list[Row]:
        from psycopg import sql

        order = (
            sql.SQL("nct_id, id") if "id" in self._columns.get(table, set()) else sql.SQL("nct_id")
        )
        query = sql.SQL("SELECT {} FROM {} WHERE nct_id = ANY(%s) ORDER BY {}").format(
            self._cols(table), self._table(table), order
        )
        with self.conn.cursor() as cur:
            cur.execute(query, (list(nct_ids),))
            rows = cur.fetchall()
        self.conn.commit()
        return rows

    def count(self, *, since: dt.date | None) -> int:
        from psycopg import sql

        query = sql.SQL("SELECT count(*) AS n FROM {}").format(self._table("studies"))
        params: list[Any] = []
        if since is not None:
            query = query + sql.SQL(" WHERE last_update_posted_date >= %s")
            params.append(since)
        with self.conn.cursor() as cur:
            cur.execute(query, params)
            row = cur.fetchone()
        self.conn.commit()
        return int(row["n"]) if row else 0


class FlatFileAact(AbstractContextManager["FlatFileAact"]):
    """AACT's pipe-delimited export (a directory or a zip), staged into a temporary SQLite file."""

    def __init__(self, path: str | Path, *, workdir: str | Path | None = None) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise AactError(f"{self.path}: no such file or directory")
        self._tmp = tempfile.TemporaryDirectory(prefix="aact-", dir=workdir)
        self.db = sqlite3.connect(Path(self._tmp.name) / "aact.sqlite")
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self._columns: dict[str, set[str]] = {}
        self._zip: zipfile.ZipFile | None = None
        csv.field_size_limit(sys.maxsize)
        try:
            for table, opener in self._members():
                with opener() as fh:
                    self._stage(table, fh)
        except BaseException:
            self.close()
            raise
        if self._zip is not None:
            self._zip.close()
        if "studies" not in self._columns:
            self.close()
            raise AactError(f"{self.path}: no studies.txt in the AACT export")

    def _members(self) -> Iterator[tuple[str, Any]]:
        wanted = set(TABLE_COLUMNS)
        if self.path.is_dir():
            for file in sorted(self.path.rglob("*.txt")):
                if file.stem in wanted:
                    # The caller opens it in a with-block.
                    yield file.stem, lambda f=file: open(f, encoding="utf-8", newline="")  # noqa: SIM115
        elif zipfile.is_zipfile(self.path):
            zf = zipfile.ZipFile(self.path)
            self._zip = zf
            for name in sorted(zf.namelist()):
                stem = Path(name).stem
                if name.endswith(".txt") and stem in wanted:

                    def opener(n: str = name) -> Any:
                        return io.TextIOWrapper(zf.open(n), encoding="utf-8", newline="")

                    yield stem, opener
        else:
            raise AactError(f"{self.path}: neither a directory nor a zip of AACT flat files")

    def _stage(self, table: str, fh: Any) -> None:
        reader = csv.reader(fh, delimiter="|", quotechar='"')
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        if "nct_id" not in header:
            raise AactError(f"{self.path}: {table}.txt has no nct_id column")
        cols = _select_list(TABLE_COLUMNS[table], set(header))
        idx = [header.index(c) for c in cols]
        col_sql = ", ".join(f'"{c}"' for c in cols)
        self.db.execute(f'CREATE TABLE "{table}" (_row INTEGER PRIMARY KEY, {col_sql})')
        insert = f'INSERT INTO "{table}" ({col_sql}) VALUES ({", ".join("?" for _ in cols)})'
        width = len(header)
        batch: list[list[str | None]] = []
        for n, rec in enumerate(reader, start=2):
            if not rec:
                continue
            if len(rec) != width:
                raise AactError(
                    f"{self.path}: {table}.txt line {n}: {len(rec)} fields, header has {width}"
                )
            batch.append([rec[i] if rec[i] != "" else None for i in idx])
            if len(batch) >= 5000:
                self.db.executemany(insert, batch)
                batch.clear()
        if batch:
            self.db.executemany(insert, batch)
        self.db.execute(f'CREATE INDEX "{table}_nct" ON "{table}" (nct_id)')
        self.db.commit()
        self._columns[table] = set(cols)

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        self.db.close()
        self._tmp.cleanup()

    def columns(self, table: str) -> set[str] | None:
        return self._columns.get(table)

    def study_rows(self, *, after: str | None, limit: int, since: dt.date | None) -> list[Row]:
        cols = ", ".join(
            f'"{c}"' for c in _select_list(TABLE_COLUMNS["studies"], self._columns["studies"])
        )
        where = ["nct_id IS NOT NULL"]
        params: list[Any] = []
        if after is not None:
            where.append("nct_id > ?")
            params.append(after)
        if since is not None:
            where.append("last_update_posted_date >= ?")
            params.append(since.isoformat())
        sql = f"SELECT {cols} FROM studies WHERE {' AND '.join(where)} ORDER BY nct_id LIMIT ?"
        return [dict(r) for r in self.db.execute(sql, [*params, limit])]

    def child_rows(self, table: str, nct_ids: Sequence[str]) -> list[Row]:
        cols = ", ".join(f'"{c}"' for c in _select_list(TABLE_COLUMNS[table], self._columns[table]))
        marks = ", ".join("?" for _ in nct_ids)
        sql = f'SELECT {cols} FROM "{table}" WHERE nct_id IN ({marks}) ORDER BY nct_id, _row'
        return [dict(r) for r in self.db.execute(sql, list(nct_ids))]

    def count(self, *, since: dt.date | None) -> int:
        if since is None:
            row = self.db.execute("SELECT count(*) FROM studies").fetchone()
        else:
            row = self.db.execute(
                "SELECT count(*) FROM studies WHERE last_update_posted_date >= ?",
                (since.isoformat(),),
            ).fetchone()
        return int(row[0])


def read_aact_db(
    dsn: str,
    *,
    schema: str | None = "ctgov",
    batch_size: int = 500,
    since: dt.date | None = None,
    after: str | None = None,
) -> Iterator[dict[str, Any]]:
    """API v2 study dicts from an AACT PostgreSQL database."""
    with PostgresAact(dsn, schema=schema) as src:
        yield from iter_studies(
            src, label="aact", origin=src.origin, batch_size=batch_size, since=since, after=after
        )


def read_aact_flat(
    path: str | Path,
    *,
    batch_size: int = 500,
    since: dt.date | None = None,
    after: str | None = None,
) -> Iterator[dict[str, Any]]:
    """API v2 study dicts from AACT's pipe-delimited flat files (directory or zip)."""
    with FlatFileAact(path) as src:
        yield from iter_studies(
            src,
            label="aact-flat",
            origin=str(Path(path).resolve()),
            batch_size=batch_size,
            since=since,
            after=after,
        )
