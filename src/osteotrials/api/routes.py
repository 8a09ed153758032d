"""REST API: the same JSON shapes as the CLI's ``--json`` output.

- ``GET  /api/trials?q=...``                 -> ``search --json`` (list of hits)
- ``GET  /api/trials/{nct_id}``              -> ``show --json`` (the trial object)
- ``GET  /api/trials/{nct_id}/criteria``     -> ``criteria --json`` (list of items)
- ``GET  /api/patient-schema``               -> ``patient-schema`` (JSON Schema)
- ``POST /api/match``      (patient body)    -> ``match --json``
- ``POST /api/questions``  (patient body)    -> ``questions --json``
- ``POST /api/visit-sheet?nct_id=...&format=html|pdf`` (patient body) -> the visit sheet

Patient bodies are validated against the patient schema; errors come back as
422 with each error's field path (``receptors.er_percent``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from osteotrials.api.service import TrialService
from osteotrials.cli.corpus import trial_json
from osteotrials.cli.match import trial_json as match_trial_json
from osteotrials.match import match_patient
from osteotrials.model.patient import Patient
from osteotrials.model.verdict import MatchResult
from osteotrials.patient import check_patient

NCT_ID = re.compile(r"^NCT\d{8}$")

router = APIRouter(prefix="/api", tags=["trials"])


class JSON(Response):
    """JSON written with orjson: match answers are large (hundreds of kilobytes for 20
    trials with every criterion), and this skips FastAPI's slower generic encoder."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def service(request: Request) -> TrialService:
    svc = request.app.state.service
    assert isinstance(svc, TrialService)
    return svc


def normalise_nct(nct_id: str) -> str:
    nct = nct_id.strip().upper()
    if not NCT_ID.match(nct):
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["path", "nct_id"],
                    "path": "nct_id",
                    "msg": f"{nct_id!r} is not an NCT id (NCT followed by 8 digits)",
                    "type": "value_error",
                }
            ],
        )
    return nct


@router.get("/trials", summary="Search trials (same shape as `search --json`)")
def search_trials(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Search words")],
    status: Annotated[Literal["recruiting", "open", "all"], Query()] = "open",
    phase: Annotated[str | None, Query(pattern=r"^[0-4]$|^(EARLY_)?PHASE[1-4]$|^NA$")] = None,
    type: Annotated[Literal["interventional", "observational"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[dict[str, Any]]:
    phase_value = f"PHASE{phase}" if phase is not None and phase.isdigit() else phase
    hits = service(request).search(
        q,
        status=status,
        phase=phase_value,
        study_type=type.upper() if type else None,
        limit=limit,
    )
    return [hit.model_dump(mode="json") for hit in hits]


@router.get("/trials/{nct_id}", summary="One trial (same shape as `show --json`)")
def get_trial(request: Request, nct_id: str) -> dict[str, Any]:
    nct = normalise_nct(nct_id)
    trial = service(request).trial(nct)
    if trial is None:
        raise HTTPException(status_code=404, detail=f"No trial {nct} in this database.")
    return trial_json(trial)


@router.get(
    "/trials/{nct_id}/criteria",
    summary="The trial's eligibility criteria, item by item (same shape as `criteria --json`)",
)
def get_criteria(request: Request, nct_id: str) -> list[dict[str, Any]]:
    nct = normalise_nct(nct_id)
    svc = service(request)
    if svc.trial(nct) is None:
        raise HTTPException(status_code=404, detail=f"No trial {nct} in this database.")
    compiled = svc.compiled(nct)
    if compiled is None:
        raise HTTPException(
            status_code=503, detail="The eligibility engine is not available in this install."
        )
    return [item.model_dump(mode="json") for item in compiled.items]


@router.get("/patient-schema", summary="JSON Schema of the patient document")
def patient_schema() -> dict[str, Any]:
    return Patient.model_json_schema()


# --------------------------------------------------------------------------- matching


class MatchOptions:
    """Query options shared by the matching endpoints (as the CLI's options)."""

    def __init__(
        self,
        status: Annotated[
            Literal["recruiting", "open", "all"], Query(description="Trial status filter")
        ] = "all",
        near: Annotated[
            str | None, Query(pattern=r"^\d{5}$", description="Measure distances from this ZIP")
        ] = None,
        radius_km: Annotated[
            float | None, Query(gt=0, le=20000, description="Only trials with a site this near")
        ] = None,
        as_of: Annotated[date | None, Query(description="Evaluate on this date")] = None,
    ) -> None:
        self.status = status
        self.near = near
        self.radius_km = radius_km
        self.as_of = as_of


def _loc(path: str) -> list[str | int]:
    """``labs[0].unit`` -> ``["labs", 0, "unit"]``."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    return [int(p) if p.isdigit() else p for p in parts if p]


def checked_patient(patient: Patient) -> Patient:
    """Vocabulary checks (lab units, drug names) beyond the schema; errors are 422."""
    errors = [issue for issue in check_patient(patient) if issue.severity == "error"]
    if errors:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["body", *_loc(issue.path)],
                    "path": issue.path,
                    "msg": issue.message,
                    "type": "value_error",
                }
                for issue in errors
            ],
        )
    return patient


def _match(
    request: Request, patient: Patient, options: MatchOptions, *, limit: int | None, questions: int
) -> MatchResult:
    svc = service(request)
    checked = checked_patient(patient)
    index = svc.index()
    try:
        with svc.match_lock:
            return match_patient(
                checked,
                index,
                as_of=options.as_of,
                status=options.status,
                near=options.near,
                radius_km=options.radius_km,
                limit=limit,
                questions=questions,
            )
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None


@router.post(
    "/match", summary="Match a patient (same shape as `match --json`)", response_class=JSON
)
def match(
    request: Request,
    patient: Patient,
    options: Annotated[MatchOptions, Depends()],
    limit: Annotated[int | None, Query(ge=1, le=5000)] = None,
) -> Response:
    result = _match(request, patient, options, limit=limit, questions=0)
    return JSON([match_trial_json(t) for t in result.trials])


@router.post(
    "/questions",
    summary="Next best questions (same shape as `questions --json`)",
    response_class=JSON,
)
def questions(
    request: Request,
    patient: Patient,
    options: Annotated[MatchOptions, Depends()],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    result = _match(request, patient, options, limit=0, questions=limit)
    return JSON([q.model_dump(mode="json") for q in result.questions])


@router.post(
    "/visit-sheet",
    summary="The visit sheet for chosen trials, as HTML or PDF",
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def visit_sheet_endpoint(
    request: Request,
    patient: Patient,
    nct_id: Annotated[list[str], Query(min_length=1, max_length=20)],
    format: Annotated[Literal["html", "pdf"], Query()] = "html",
) -> Response:
    from osteotrials.report import visit_sheet
    from osteotrials.web.results import build_sheet

    ids = [normalise_nct(n) for n in nct_id]
    svc = service(request)
    missing = [n for n in ids if svc.trial(n) is None]
    if missing:
        raise HTTPException(status_code=404, detail=f"No trial {', '.join(missing)}.")
    sheet = build_sheet(svc, checked_patient(patient), ids)
    if format == "pdf":
        return Response(
            visit_sheet.render_pdf(sheet),
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="visit-sheet.pdf"'},
        )
    return HTMLResponse(visit_sheet.render_html(sheet, stylesheet_href="/visit-sheet.css"))
