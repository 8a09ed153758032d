"""Legacy ClinicalTrials.gov XML (``<clinical_study>``) -> API v2-shaped study dict.

The retired XML format is converted to the API v2 JSON shape first, so one
mapper (:func:`osteotrials.sources.ctgov_json.trial_from_study`) builds every
Trial. Contact people (overall officials, contacts, investigators) are not read.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import xml.etree.ElementTree as ET
from typing import Any

from osteotrials.sources.errors import RecordError

_STATUS = {
    "not yet recruiting": "NOT_YET_RECRUITING",
    "recruiting": "RECRUITING",
    "enrolling by invitation": "ENROLLING_BY_INVITATION",
    "active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "suspended": "SUSPENDED",
    "terminated": "TERMINATED",
    "completed": "COMPLETED",
    "withdrawn": "WITHDRAWN",
    "unknown status": "UNKNOWN",
    "available": "AVAILABLE",
    "no longer available": "NO_LONGER_AVAILABLE",
    "temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "approved for marketing": "APPROVED_FOR_MARKETING",
    "withheld": "WITHHELD",
}
_PHASE = {
    "early phase 1": ["EARLY_PHASE1"],
    "phase 1": ["PHASE1"],
    "phase 2": ["PHASE2"],
    "phase 3": ["PHASE3"],
    "phase 4": ["PHASE4"],
    "phase 1/phase 2": ["PHASE1", "PHASE2"],
    "phase 2/phase 3": ["PHASE2", "PHASE3"],
    "n/a": ["NA"],
}
_GENDER = {"all": "ALL", "both": "ALL", "female": "FEMALE", "male": "MALE"}
_BULLET = re.compile(r"^(?P<marker>[-•*o]|\d+[.)])\s+(?P<rest>.*)$")


def _enum(text: str | None) -> str | None:
    """'Single Group Assignment' -> 'SINGLE_GROUP_ASSIGNMENT' (API v2 style)."""
    if text is None:
        return None
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_") or None


def _design_enum(text: str | None) -> str | None:
    value = _enum(text)
    if value is None:
        return None
    # API v2 drops the legacy suffixes: "Parallel Assignment" -> "PARALLEL".
    value = value.removesuffix("_ASSIGNMENT")
    return {"N_A": "NA", "NONE_OPEN_LABEL": "NONE"}.get(value, value)


def legacy_date(text: str | None) -> str | None:
    """'March 9, 2020' -> '2020-03-09'; 'December 2021' -> '2021-12'."""
    if not text:
        return None
    text = text.strip()
    for fmt, out in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m"), ("%Y-%m-%d", "%Y-%m-%d")):
        try:
            return dt.datetime.strptime(text, fmt).strftime(out)
        except ValueError:
            continue
    return text


def textblock_to_markdown(text: str) -> str:
    """Re-flow a legacy indented textblock into the API v2 markdown layout.

    Paragraphs are separated by blank lines; a paragraph that starts with a
    ``-`` (or number) marker becomes a ``* `` item, nested by its indentation;
    hard-wrapped lines are re-joined. The words are unchanged.
    """
    lines = textwrap.dedent(text.strip("\n")).splitlines()
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    indents = sorted(
        {len(p[0]) - len(p[0].lstrip()) for p in paragraphs if p and _BULLET.match(p[0].strip())}
    )
    out: list[str] = []
    for para in paragraphs:
        if not para:
            continue
        first = para[0].strip()
        joined = " ".join([first, *(line.strip() for line in para[1:])])
        match = _BULLET.match(first)
        if match:
            level = indents.index(len(para[0]) - len(para[0].lstrip()))
            body = " ".join([match.group("rest"), *(line.strip() for line in para[1:])])
            marker = match.group("marker")
            prefix = f"{marker} " if marker[0].isdigit() else "* "
            out.append("  " * level + prefix + body)
        else:
            if out:
                out.append("")
            out.append(joined)
            out.append("")
    return "\n".join(out).strip("\n").replace("\n\n\n", "\n\n")


def _text(node: ET.Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _all(node: ET.Element, path: str) -> list[str]:
    return [el.text.strip() for el in node.findall(path) if el.text and el.text.strip()]


def _textblock(node: ET.Element, path: str) -> str | None:
    raw = node.find(f"{path}/textblock")
    if raw is None or raw.text is None:
        return None
    return textblock_to_markdown(raw.text)


def study_from_xml(data: bytes | str) -> dict[str, Any]:
    """Parse one ``<clinical_study>`` document into an API v2-shaped study dict."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RecordError(f"invalid XML: {exc}") from None
    if root.tag != "clinical_study":
        raise RecordError(f"expected a <clinical_study> document, found <{root.tag}>")
    nct_id = _text(root, "id_info/nct_id")
    if not nct_id:
        raise RecordError("no NCT id (<id_info>/<nct_id> is missing)")

    def date_struct(tag: str) -> dict[str, str] | None:
        value = legacy_date(_text(root, tag))
        return {"date": value} if value else None

    ident: dict[str, Any] = {
        "nctId": nct_id,
        "briefTitle": _text(root, "brief_title"),
        "officialTitle": _text(root, "official_title"),
        "acronym": _text(root, "acronym"),
    }
    status_text = _text(root, "overall_status")
    status: dict[str, Any] = {
        "overallStatus": _STATUS.get(status_text.lower(), _enum(status_text))
        if status_text
        else None,
        "whyStopped": _text(root, "why_stopped"),
        "startDateStruct": date_struct("start_date"),
        "primaryCompletionDateStruct": date_struct("primary_completion_date"),
        "completionDateStruct": date_struct("completion_date"),
        "studyFirstPostDateStruct": date_struct("study_first_posted"),
        "lastUpdatePostDateStruct": date_struct("last_update_posted"),
    }
    sponsors: dict[str, Any] = {
        "leadSponsor": {"name": _text(root, "sponsors/lead_sponsor/agency")},
        "collaborators": [{"name": n} for n in _all(root, "sponsors/collaborator/agency")],
    }
    phase_text = _text(root, "phase")
    design_info: dict[str, Any] = {}
    sdi = root.find("study_design_info")
    if sdi is not None:
        design_info = {
            "allocation": _design_enum(_text(sdi, "allocation")),
            "interventionModel": _design_enum(_text(sdi, "intervention_model")),
            "primaryPurpose": _design_enum(_text(sdi, "primary_purpose")),
            "maskingInfo": {"masking": _masking(_text(sdi, "masking"))},
        }
    enrollment = root.find("enrollment")
    enrollment_info: dict[str, Any] | None = None
    if enrollment is not None and enrollment.text and enrollment.text.strip().isdigit():
        enrollment_info = {
            "count": int(enrollment.text.strip()),
            "type": _enum(enrollment.get("type")),
        }
    design: dict[str, Any] = {
        "studyType": _enum(_text(root, "study_type")),
        "phases": _PHASE.get(phase_text.lower(), [p for p in [_enum(phase_text)] if p])
        if phase_text
        else None,
        "designInfo": design_info or None,
        "enrollmentInfo": enrollment_info,
    }
    arms = {
        "armGroups": [
            {
                "label": _text(arm, "arm_group_label"),
                "type": _enum(_text(arm, "arm_group_type")),
                "description": _text(arm, "description"),
            }
            for arm in root.findall("arm_group")
        ],
        "interventions": [
            {
                "type": _enum(_text(iv, "intervention_type")),
                "name": _text(iv, "intervention_name"),
                "description": _text(iv, "description"),
                "armGroupLabels": _all(iv, "arm_group_label"),
                "otherNames": _all(iv, "other_name"),
            }
            for iv in root.findall("intervention")
        ],
    }
    outcomes = {
        key: [
            {
                "measure": _text(o, "measure"),
                "timeFrame": _text(o, "time_frame"),
                "description": _text(o, "description"),
            }
            for o in root.findall(tag)
        ]
        for key, tag in (
            ("primaryOutcomes", "primary_outcome"),
            ("secondaryOutcomes", "secondary_outcome"),
        )
    }
    elig_node = root.find("eligibility")
    eligibility: dict[str, Any] = {}
    if elig_node is not None:
        gender = _text(elig_node, "gender")
        healthy = _text(elig_node, "healthy_volunteers")
        eligibility = {
            "eligibilityCriteria": _textblock(elig_node, "criteria"),
            "sex": _GENDER.get(gender.lower()) if gender else None,
            "minimumAge": _age(_text(elig_node, "minimum_age")),
            "maximumAge": _age(_text(elig_node, "maximum_age")),
            "healthyVolunteers": {"yes": True, "no": False}.get(healthy.lower())
            if healthy
            else None,
        }
    locations = []
    for loc in root.findall("location"):
        locations.append(
            {
                "facility": _text(loc, "facility/name"),
                "status": _enum(_text(loc, "status")),
                "city": _text(loc, "facility/address/city"),
                "state": _text(loc, "facility/address/state"),
                "zip": _text(loc, "facility/address/zip"),
                "country": _text(loc, "facility/address/country"),
            }
        )
    protocol: dict[str, Any] = {
        "identificationModule": ident,
        "statusModule": status,
        "sponsorCollaboratorsModule": sponsors,
        "descriptionModule": {
            "briefSummary": _textblock(root, "brief_summary"),
            "detailedDescription": _textblock(root, "detailed_description"),
        },
        "conditionsModule": {
            "conditions": _all(root, "condition"),
            "keywords": _all(root, "keyword"),
        },
        "designModule": design,
        "armsInterventionsModule": arms,
        "outcomesModule": outcomes,
        "eligibilityModule": eligibility,
        "contactsLocationsModule": {"locations": locations},
    }
    derived = {
        "conditionBrowseModule": {
            "meshes": [{"term": t} for t in _all(root, "condition_browse/mesh_term")]
        },
        "interventionBrowseModule": {
            "meshes": [{"term": t} for t in _all(root, "intervention_browse/mesh_term")]
        },
    }
    study = {"protocolSection": _prune(protocol), "derivedSection": _prune(derived)}
    download = _text(root, "required_header/download_date")
    if download:
        # "ClinicalTrials.gov processed this data on July 24, 2020"
        study["provenance"] = {
            "source": "ctgov-legacy-xml",
            "sourceDate": legacy_date(download.rsplit(" on ", 1)[-1]),
        }
    return study


def _masking(text: str | None) -> str | None:
    if not text:
        return None
    head = text.split("(")[0].strip()  # "Double (Participant, Investigator)"
    return _design_enum(head)


def _age(text: str | None) -> str | None:
    if not text or text.upper() == "N/A":
        return None
    return text


def _prune(value: Any) -> Any:
    """Drop None values and empty containers, as API v2 omits absent fields."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value if v is not None]
    return value
