"""ClinicalTrials.gov API v2 study JSON -> :class:`~osteotrials.model.Trial`.

Missing modules are normal in real records (secondary sources keep only a few
fields), so every field is optional except the NCT id. Wrong types are errors
that name the field path, never silently coerced.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from osteotrials.model import (
    ArmGroup,
    Design,
    Eligibility,
    Intervention,
    Location,
    Outcome,
    Provenance,
    Trial,
)
from osteotrials.model.trial import RecordVersionBasis
from osteotrials.sources.errors import RecordError

NCT_ID = re.compile(r"^NCT\d{8}$")

# Keys that hold people's contact details anywhere in a record. Dropped from the
# stored raw record: osteotrials keeps no names, e-mails or phone numbers.
_PERSONAL_KEYS = frozenset(
    {
        "email",
        "phone",
        "phoneExt",
        "contacts",
        "centralContacts",
        "overallOfficials",
        "pointOfContact",
        "investigatorFullName",
        "investigatorTitle",
        "investigatorAffiliation",
    }
)

_AGE_UNITS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?\s*$")


def _without_personal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_personal(v) for k, v in value.items() if k not in _PERSONAL_KEYS}
    if isinstance(value, list):
        return [_without_personal(v) for v in value]
    return value


# Contact details appear only in these modules of an API v2 record, so only
# they are copied and cleaned (a full recursive copy would double ingest time).
_PERSONAL_MODULES = (
    ("protocolSection", "contactsLocationsModule"),
    ("protocolSection", "sponsorCollaboratorsModule"),
    ("resultsSection", "moreInfoModule"),
)


def scrub_personal(study: dict[str, Any]) -> dict[str, Any]:
    """A copy of an API v2 study without contact people, e-mails or phone numbers."""
    out = dict(study)
    for section, module in _PERSONAL_MODULES:
        part = out.get(section)
        if isinstance(part, dict) and module in part:
            part = dict(part)
            part[module] = _without_personal(part[module])
            out[section] = part
    return out


def age_in_years(text: str | None) -> float | None:
    """Parse an API v2 age such as ``"18 Years"`` or ``"6 Months"`` into years."""
    if text is None:
        return None
    match = _AGE.match(text)
    if not match:
        return None  # "N/A" and friends: no limit stated
    unit = match.group(2).lower()
    factor = _AGE_UNITS.get(unit)
    return None if factor is None else round(float(match.group(1)) * factor, 4)


def content_hash(record: dict[str, Any]) -> str:
    """A short, stable hash of a record's content (used when it has no date)."""
    body = {k: v for k, v in record.items() if k != "provenance"}
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return "sha256:" + hashlib.sha256(canonical).hexdigest()[:12]


class _Fields:
    """Typed access to a nested JSON object, with errors naming the field path.

    The path is put together only for an error message (most records have none):
    each object keeps its parent and its key or index instead.
    """

    __slots__ = ("data", "key", "parent")

    def __init__(self, data: dict[str, Any], parent: _Fields | None = None, key: str = ""):
        self.data = data
        self.parent = parent
        self.key = key

    @property
    def path(self) -> str:
        if self.parent is None:
            return self.key
        return self.parent._where(self.key)

    def _where(self, key: str) -> str:
        path = self.path
        return f"{path}.{key}" if path else key

    def obj(self, key: str) -> _Fields:
        value = self.data.get(key)
        if value is None:
            return _Fields({}, self, key)
        if not isinstance(value, dict):
            raise RecordError(f"{self._where(key)} should be an object, got {type(value).__name__}")
        return _Fields(value, self, key)

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or type(value) is str:
            return value
        if not isinstance(value, str):
            raise RecordError(f"{self._where(key)} should be a string, got {type(value).__name__}")
        return value

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(f"{self._where(key)} should be an integer, got {value!r}")
        return value

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RecordError(f"{self._where(key)} should be a number, got {value!r}")
        return float(value)

    def flag(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise RecordError(f"{self._where(key)} should be true or false, got {value!r}")
        return value

    def objects(self, key: str) -> list[_Fields]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise RecordError(f"{self._where(key)} should be a list, got {type(value).__name__}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise RecordError(f"{self._where(key)}[{i}] should be an object, got {item!r}")
            out.append(_Fields(item, self, f"{key}[{i}]"))
        return out

    def strs(self, key: str) -> list[str]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RecordError(f"{self._where(key)} should be a list of strings, got {value!r}")
        return list(value)

    def date(self, key: str) -> str | None:
        return self.obj(key).text("date")


def record_version_of(
    last_update_posted: str | None, source_date: str | None, record: dict[str, Any]
) -> tuple[str, RecordVersionBasis]:
    """The record version and its basis (see :class:`Trial.record_version`)."""
    if last_update_posted:
        return last_update_posted, "last_update_posted"
    if source_date:
        return source_date[:10], "source_date"
    return content_hash(record), "content_hash"


def trial_from_study(study: Any, source_label: str | None = None) -> Trial:
    """Map one API v2 study object (an element of ``studies``) to a Trial.

    ``source_label`` names the source when the record carries no ``provenance``
    key (e.g. the file it was read from). Raises :class:`RecordError` naming the
    NCT id and field when the record is malformed.
    """
    if not isinstance(study, dict):
        raise RecordError(f"a study should be a JSON object, got {type(study).__name__}")
    root = _Fields(study)
    protocol = root.obj("protocolSection")
    ident = protocol.obj("identificationModule")
    nct_id = ident.text("nctId")
    if not nct_id:
        raise RecordError("no NCT id (protocolSection.identificationModule.nctId is missing)")
    nct_id = nct_id.strip().upper()
    if not NCT_ID.match(nct_id):
        raise RecordError(f"{nct_id!r} is not an NCT id (NCT followed by 8 digits)")
    try:
        return _map(study, root, protocol, ident, nct_id, source_label)
    except RecordError as exc:
        raise exc.at(record=nct_id) from None


def _map(
    study: dict[str, Any],
    root: _Fields,
    protocol: _Fields,
    ident: _Fields,
    nct_id: str,
    source_label: str | None,
) -> Trial:
    status = protocol.obj("statusModule")
    sponsors = protocol.obj("sponsorCollaboratorsModule")
    description = protocol.obj("descriptionModule")
    conditions = protocol.obj("conditionsModule")
    design = protocol.obj("designModule")
    design_info = design.obj("designInfo")
    arms = protocol.obj("armsInterventionsModule")
    outcomes = protocol.obj("outcomesModule")
    eligibility = protocol.obj("eligibilityModule")
    contacts = protocol.obj("contactsLocationsModule")
    derived = root.obj("derivedSection")
    prov = root.obj("provenance")
    enrollment = design.obj("enrollmentInfo")

    last_update = status.date("lastUpdatePostDateStruct")
    source_date = prov.text("sourceDate")
    version, basis = record_version_of(last_update, source_date, study)

    locations = [
        Location(
            facility=loc.text("facility"),
            status=loc.text("status"),
            city=loc.text("city"),
            state=loc.text("state"),
            zip=loc.text("zip"),
            country=loc.text("country"),
            lat=loc.obj("geoPoint").number("lat"),
            lon=loc.obj("geoPoint").number("lon"),
        )
        for loc in contacts.objects("locations")
    ]
    interventions = []
    for item in arms.objects("interventions"):
        name = item.text("name")
        if not name:
            raise RecordError(f"{item.path}.name is missing")
        interventions.append(
            Intervention(
                type=item.text("type"),
                name=name,
                description=item.text("description"),
                other_names=item.strs("otherNames"),
                arm_labels=item.strs("armGroupLabels"),
            )
        )
    arm_groups = []
    for item in arms.objects("armGroups"):
        label = item.text("label")
        if not label:
            raise RecordError(f"{item.path}.label is missing")
        arm_groups.append(
            ArmGroup(
                label=label,
                type=item.text("type"),
                description=item.text("description"),
                intervention_names=item.strs("interventionNames"),
            )
        )
    min_age = eligibility.text("minimumAge")
    max_age = eligibility.text("maximumAge")
    return Trial(
        nct_id=nct_id,
        brief_title=ident.text("briefTitle"),
        official_title=ident.text("officialTitle"),
        acronym=ident.text("acronym"),
        overall_status=status.text("overallStatus"),
        why_stopped=status.text("whyStopped"),
        start_date=status.date("startDateStruct"),
        primary_completion_date=status.date("primaryCompletionDateStruct"),
        completion_date=status.date("completionDateStruct"),
        first_posted=status.date("studyFirstPostDateStruct"),
        last_update_posted=last_update,
        lead_sponsor=sponsors.obj("leadSponsor").text("name"),
        collaborators=[n for c in sponsors.objects("collaborators") if (n := c.text("name"))],
        brief_summary=description.text("briefSummary"),
        detailed_description=description.text("detailedDescription"),
        conditions=conditions.strs("conditions"),
        keywords=conditions.strs("keywords"),
        condition_mesh_terms=_mesh(derived, "conditionBrowseModule"),
        intervention_mesh_terms=_mesh(derived, "interventionBrowseModule"),
        study_type=design.text("studyType"),
        phases=design.strs("phases"),
        design=Design(
            allocation=design_info.text("allocation"),
            intervention_model=design_info.text("interventionModel"),
            masking=design_info.obj("maskingInfo").text("masking"),
            primary_purpose=design_info.text("primaryPurpose"),
        ),
        enrollment=enrollment.integer("count"),
        enrollment_type=enrollment.text("type"),
        arm_groups=arm_groups,
        interventions=interventions,
        primary_outcomes=_outcomes(outcomes, "primaryOutcomes"),
        secondary_outcomes=_outcomes(outcomes, "secondaryOutcomes"),
        eligibility=Eligibility(
            criteria=eligibility.text("eligibilityCriteria"),
            sex=eligibility.text("sex"),
            minimum_age=min_age,
            maximum_age=max_age,
            minimum_age_years=age_in_years(min_age),
            maximum_age_years=age_in_years(max_age),
            healthy_volunteers=eligibility.flag("healthyVolunteers"),
            std_ages=eligibility.strs("stdAges"),
        ),
        locations=locations,
        provenance=Provenance(
            source=prov.text("source") or source_label,
            repository=prov.text("repository"),
            commit=prov.text("commit"),
            path=prov.text("path"),
            license=prov.text("license"),
            source_date=source_date,
        ),
        record_version=version,
        record_version_basis=basis,
        raw=scrub_personal(study),
    )


def _mesh(derived: _Fields, module: str) -> list[str]:
    return [t for m in derived.obj(module).objects("meshes") if (t := m.text("term"))]


def _outcomes(module: _Fields, key: str) -> list[Outcome]:
    out = []
    for item in module.objects(key):
        measure = item.text("measure")
        if measure:
            out.append(
                Outcome(
                    measure=measure,
                    time_frame=item.text("timeFrame"),
                    description=item.text("description"),
                )
            )
    return out
