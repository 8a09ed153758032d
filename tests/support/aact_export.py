"""Turn API v2 study dicts (our real snapshot records) into AACT rows, for import tests.

The DDL follows AACT's published schema (``ctgov`` tables, column names and
types as in the data dictionary), limited to the tables osteotrials reads plus
a few columns it ignores, so that the importer is shown to select by name.

``legacy=True`` writes the enum labels AACT used before its 2023 move to API v2
(``Recruiting``, ``Phase 1/Phase 2``, ``Parallel Assignment``, ``Anticipated``),
``legacy=False`` the API v2 spellings AACT uses now.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DDL: dict[str, str] = {
    "studies": """
        nct_id character varying, nlm_download_date_description character varying,
        study_first_submitted_date date, study_first_posted_date date,
        study_first_posted_date_type character varying, last_update_posted_date date,
        last_update_posted_date_type character varying, start_month_year character varying,
        start_date_type character varying, start_date date,
        verification_month_year character varying, completion_month_year character varying,
        completion_date_type character varying, completion_date date,
        primary_completion_month_year character varying,
        primary_completion_date_type character varying, primary_completion_date date,
        study_type character varying, acronym character varying, brief_title text,
        official_title text, overall_status character varying,
        last_known_status character varying, phase character varying, enrollment integer,
        enrollment_type character varying, source character varying,
        number_of_arms integer, why_stopped character varying, has_dmc boolean""",
    "brief_summaries": "id integer, nct_id character varying, description text",
    "detailed_descriptions": "id integer, nct_id character varying, description text",
    "conditions": (
        "id integer, nct_id character varying, name character varying, "
        "downcase_name character varying"
    ),
    "keywords": (
        "id integer, nct_id character varying, name character varying, "
        "downcase_name character varying"
    ),
    "browse_conditions": (
        "id integer, nct_id character varying, mesh_term character varying, "
        "downcase_mesh_term character varying, mesh_type character varying"
    ),
    "browse_interventions": (
        "id integer, nct_id character varying, mesh_term character varying, "
        "downcase_mesh_term character varying, mesh_type character varying"
    ),
    "interventions": (
        "id integer, nct_id character varying, intervention_type character varying, "
        "name character varying, description text"
    ),
    "intervention_other_names": (
        "id integer, nct_id character varying, intervention_id integer, name character varying"
    ),
    "design_groups": (
        "id integer, nct_id character varying, group_type character varying, "
        "title character varying, description text"
    ),
    "design_group_interventions": (
        "id integer, nct_id character varying, design_group_id integer, intervention_id integer"
    ),
    "design_outcomes": (
        "id integer, nct_id character varying, outcome_type character varying, measure text, "
        "time_frame text, population character varying, description text"
    ),
    "designs": """
        id integer, nct_id character varying, allocation character varying,
        intervention_model character varying, observational_model character varying,
        primary_purpose character varying, time_perspective character varying,
        masking character varying, masking_description text,
        intervention_model_description text, subject_masked boolean,
        caregiver_masked boolean, investigator_masked boolean,
        outcomes_assessor_masked boolean""",
    "eligibilities": """
        id integer, nct_id character varying, sampling_method character varying,
        gender character varying, minimum_age character varying,
        maximum_age character varying, healthy_volunteers character varying,
        population text, criteria text, gender_description text, gender_based boolean,
        adult boolean, child boolean, older_adult boolean""",
    "facilities": """
        id integer, nct_id character varying, status character varying,
        name character varying, city character varying, state character varying,
        zip character varying, country character varying,
        latitude numeric, longitude numeric""",
    "sponsors": (
        "id integer, nct_id character varying, agency_class character varying, "
        "lead_or_collaborator character varying, name character varying"
    ),
    "calculated_values": """
        id integer, nct_id character varying, number_of_facilities integer,
        nlm_download_date date, has_us_facility boolean, minimum_age_num integer,
        maximum_age_num integer, minimum_age_unit character varying,
        maximum_age_unit character varying""",
}


def columns(table: str) -> list[str]:
    return [part.split()[0] for part in DDL[table].replace("\n", " ").split(",")]


_LEGACY_SPECIAL = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "NON_RANDOMIZED": "Non-Randomized",
    "NA": "N/A",
    "PARALLEL": "Parallel Assignment",
    "SINGLE_GROUP": "Single Group Assignment",
    "CROSSOVER": "Crossover Assignment",
    "FACTORIAL": "Factorial Assignment",
    "SEQUENTIAL": "Sequential Assignment",
    "NONE": "None (Open Label)",
    "ESTIMATED": "Anticipated",
}


def legacy_label(value: str | None) -> str | None:
    """API v2 enum → the label AACT used before 2023."""
    if value is None:
        return None
    if value in _LEGACY_SPECIAL:
        return _LEGACY_SPECIAL[value]
    if value.startswith("EARLY_PHASE"):
        return "Early Phase " + value.removeprefix("EARLY_PHASE")
    if value.startswith("PHASE"):
        return "Phase " + value.removeprefix("PHASE")
    return " ".join(w.capitalize() for w in value.split("_"))


def legacy_month_year(date: str) -> str:
    """``2015-08`` → ``August 2015``; ``2017-12-13`` → ``December 13, 2017``."""
    parts = date.split("-")
    month = dt.date(2000, int(parts[1]), 1).strftime("%B") if len(parts) > 1 else None
    if month is None:
        return date
    return f"{month} {int(parts[2])}, {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def _full_date(date: str | None) -> dt.date | None:
    if not date:
        return None
    parts = [int(p) for p in date[:10].split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(parts[0], parts[1], parts[2])


class Exporter:
    """Accumulates AACT rows (one list of dicts per table) from API v2 studies."""

    def __init__(self, *, legacy: bool = False) -> None:
        self.legacy = legacy
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._ids = itertools.count(1)

    def _e(self, value: str | None) -> str | None:
        return legacy_label(value) if self.legacy else value

    def _add(self, table: str, **row: Any) -> int:
        rid = next(self._ids)
        if "id" in columns(table):
            row["id"] = rid
        self.rows[table].append(row)
        return rid

    def add(self, study: dict[str, Any]) -> None:
        ps = study["protocolSection"]
        nct = ps["identificationModule"]["nctId"]
        ident = ps["identificationModule"]
        st = ps.get("statusModule", {})
        design = ps.get("designModule", {})
        prov = study.get("provenance") or {}

        def date_cols(prefix: str, key: str) -> dict[str, Any]:
            struct = st.get(key) or {}
            date = struct.get("date")
            return {
                f"{prefix}_month_year": (
                    (legacy_month_year(date) if self.legacy else date) if date else None
                ),
                f"{prefix}_date": _full_date(date),
                f"{prefix}_date_type": self._e(struct.get("type")),
            }

        enrollment = design.get("enrollmentInfo") or {}
        phases = design.get("phases") or []
        row: dict[str, Any] = {
            "nct_id": nct,
            "brief_title": ident.get("briefTitle"),
            "official_title": ident.get("officialTitle"),
            "acronym": ident.get("acronym"),
            "overall_status": self._e(st.get("overallStatus")),
            "last_known_status": self._e(st.get("lastKnownStatus")),
            "why_stopped": st.get("whyStopped"),
            "study_type": self._e(design.get("studyType")),
            "phase": "/".join(self._e(p) or "" for p in phases) if phases else None,
            "enrollment": enrollment.get("count"),
            "enrollment_type": self._e(enrollment.get("type")),
            "source": "osteotrials test export",
            **date_cols("start", "startDateStruct"),
            **date_cols("primary_completion", "primaryCompletionDateStruct"),
            **date_cols("completion", "completionDateStruct"),
        }
        for col, key in (
            ("study_first_posted_date", "studyFirstPostDateStruct"),
            ("last_update_posted_date", "lastUpdatePostDateStruct"),
        ):
            struct = st.get(key) or {}
            row[col] = _full_date(struct.get("date"))
            row[f"{col}_type"] = self._e(struct.get("type"))
        self.rows["studies"].append(row)

        desc = ps.get("descriptionModule", {})
        if desc.get("briefSummary") is not None:
            self._add("brief_summaries", nct_id=nct, description=desc["briefSummary"])
        if desc.get("detailedDescription") is not None:
            self._add("detailed_descriptions", nct_id=nct, description=desc["detailedDescription"])
        cond = ps.get("conditionsModule", {})
        for name in cond.get("conditions", []):
            self._add("conditions", nct_id=nct, name=name, downcase_name=name.lower())
        for name in cond.get("keywords", []):
            self._add("keywords", nct_id=nct, name=name, downcase_name=name.lower())
        derived = study.get("derivedSection", {})
        for table, key in (
            ("browse_conditions", "conditionBrowseModule"),
            ("browse_interventions", "interventionBrowseModule"),
        ):
            module = derived.get(key, {})
            for mesh in module.get("meshes", []):
                term = mesh["term"]
                self._add(
                    table,
                    nct_id=nct,
                    mesh_term=term,
                    downcase_mesh_term=term.lower(),
                    mesh_type="mesh-list",
                )
            for mesh in module.get("ancestors", []):
                term = mesh["term"]
                self._add(
                    table,
                    nct_id=nct,
                    mesh_term=term,
                    downcase_mesh_term=term.lower(),
                    mesh_type="mesh-ancestor",
                )

        sponsors = ps.get("sponsorCollaboratorsModule", {})
        lead = sponsors.get("leadSponsor")
        if lead:
            self._add(
                "sponsors",
                nct_id=nct,
                name=lead["name"],
                agency_class=lead.get("class"),
                lead_or_collaborator="lead",
            )
        for collab in sponsors.get("collaborators", []):
            self._add(
                "sponsors",
                nct_id=nct,
                name=collab["name"],
                agency_class=collab.get("class"),
                lead_or_collaborator="collaborator",
            )

        info = design.get("designInfo")
        if info:
            mask = info.get("maskingInfo", {})
            who = set(mask.get("whoMasked", []))
            masking = mask.get("masking")
            if self.legacy and masking and masking != "NONE" and who:
                names = {
                    "PARTICIPANT": "Participant",
                    "CARE_PROVIDER": "Care Provider",
                    "INVESTIGATOR": "Investigator",
                    "OUTCOMES_ASSESSOR": "Outcomes Assessor",
                }
                masked = ", ".join(names[w] for w in mask["whoMasked"])
                masking_text: str | None = f"{legacy_label(masking)} ({masked})"
            else:
                masking_text = self._e(masking)
            self._add(
                "designs",
                nct_id=nct,
                allocation=self._e(info.get("allocation")),
                intervention_model=self._e(info.get("interventionModel")),
                intervention_model_description=info.get("interventionModelDescription"),
                primary_purpose=self._e(info.get("primaryPurpose")),
                masking=masking_text,
                subject_masked=True if "PARTICIPANT" in who else None,
                caregiver_masked=True if "CARE_PROVIDER" in who else None,
                investigator_masked=True if "INVESTIGATOR" in who else None,
                outcomes_assessor_masked=True if "OUTCOMES_ASSESSOR" in who else None,
            )

        arms = ps.get("armsInterventionsModule", {})
        group_ids: dict[str, int] = {}
        for g in arms.get("armGroups", []):
            gid = self._add(
                "design_groups",
                nct_id=nct,
                group_type=self._e(g.get("type")),
                title=g["label"],
                description=g.get("description"),
            )
            group_ids.setdefault(g["label"], gid)
        inter_ids: dict[str, int] = {}
        pairs: list[tuple[int, int]] = []
        for i in arms.get("interventions", []):
            iid = self._add(
                "interventions",
                nct_id=nct,
                intervention_type=self._e(i.get("type")),
                name=i["name"],
                description=i.get("description"),
            )
            kind = i.get("type")
            display = (
                " ".join(w.capitalize() for w in kind.split("_")) + ": " + i["name"]
                if kind
                else i["name"]
            )
            inter_ids.setdefault(display, iid)
            for other in i.get("otherNames", []):
                self._add("intervention_other_names", nct_id=nct, intervention_id=iid, name=other)
            for label in i.get("armGroupLabels", []):
                if label in group_ids and (group_ids[label], iid) not in pairs:
                    pairs.append((group_ids[label], iid))
        for g in arms.get("armGroups", []):
            for display in g.get("interventionNames", []):
                pair = (group_ids[g["label"]], inter_ids.get(display, -1))
                if pair[1] != -1 and pair not in pairs:
                    pairs.append(pair)
        for gid, iid in pairs:
            self._add(
                "design_group_interventions", nct_id=nct, design_group_id=gid, intervention_id=iid
            )

        outcomes = ps.get("outcomesModule", {})
        for kind, key in (("primary", "primaryOutcomes"), ("secondary", "secondaryOutcomes")):
            for o in outcomes.get(key, []):
                self._add(
                    "design_outcomes",
                    nct_id=nct,
                    outcome_type=kind,
                    measure=o["measure"],
                    time_frame=o.get("timeFrame"),
                    description=o.get("description"),
                )

        elig = ps.get("eligibilityModule", {})
        std = set(elig.get("stdAges", []))
        hv = elig.get("healthyVolunteers")
        self._add(
            "eligibilities",
            nct_id=nct,
            criteria=elig.get("eligibilityCriteria"),
            gender=self._e(elig.get("sex")),
            gender_based=elig.get("genderBased"),
            gender_description=elig.get("genderDescription"),
            minimum_age=elig.get("minimumAge"),
            maximum_age=elig.get("maximumAge"),
            healthy_volunteers=(
                None
                if hv is None
                else ("Accepts Healthy Volunteers" if hv else "No")
                if self.legacy
                else ("t" if hv else "f")
            ),
            child=True if "CHILD" in std else None,
            adult=True if "ADULT" in std else None,
            older_adult=True if "OLDER_ADULT" in std else None,
        )

        for loc in ps.get("contactsLocationsModule", {}).get("locations", []):
            geo = loc.get("geoPoint") or {}
            self._add(
                "facilities",
                nct_id=nct,
                name=loc.get("facility"),
                status=self._e(loc.get("status")),
                city=loc.get("city"),
                state=loc.get("state"),
                zip=loc.get("zip"),
                country=loc.get("country"),
                latitude=geo.get("lat"),
                longitude=geo.get("lon"),
            )

        self._add(
            "calculated_values",
            nct_id=nct,
            number_of_facilities=len(ps.get("contactsLocationsModule", {}).get("locations", [])),
            nlm_download_date=_full_date(prov.get("sourceDate")),
        )

    def add_all(self, studies: Iterable[dict[str, Any]]) -> Exporter:
        for study in studies:
            self.add(study)
        return self


def load_postgres(dsn: str, exporter: Exporter) -> None:
    """Create the AACT tables in the DSN's current schema and COPY the rows in."""
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for table, ddl in DDL.items():
            cur.execute(f'CREATE TABLE "{table}" ({ddl})')  # type: ignore[arg-type]
            cols = columns(table)
            col_sql = ", ".join(cols)
            with cur.copy(f'COPY "{table}" ({col_sql}) FROM STDIN') as copy:  # type: ignore[arg-type]
                for row in exporter.rows.get(table, []):
                    copy.write_row([row.get(c) for c in cols])


def _flat_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_flat_files(exporter: Exporter, target: Path, *, as_zip: bool = False) -> Path:
    """AACT's pipe-delimited export: one ``<table>.txt`` per table (or a zip of them)."""
    target.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for table in DDL:
        path = target / f"{table}.txt"
        cols = columns(table)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="|", quotechar='"', lineterminator="\n")
            writer.writerow(cols)
            for row in exporter.rows.get(table, []):
                writer.writerow([_flat_value(row.get(c)) for c in cols])
        paths.append(path)
    if not as_zip:
        return target
    archive = target / "aact_flat_files.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in paths:
            zf.write(path, f"20260101_export/{path.name}")
            path.unlink()
    return archive
