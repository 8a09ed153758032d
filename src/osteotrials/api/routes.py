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
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from osteotrials.api.service import TrialService
from osteotrials.cli.corpus import trial_json
from osteotrials.model.patient import Patient

NCT_ID = re.compile(r"^NCT\d{8}$")

router = APIRouter(prefix="/api", tags=["trials"])


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
