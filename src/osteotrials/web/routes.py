"""Server-rendered patient pages (Jinja2, autoescaped, no JavaScript needed).

Answers live only in server memory (:mod:`osteotrials.web.session`), keyed by
a random id in an HttpOnly cookie. Every form carries a CSRF token bound to the
session; patient data travels only in POST bodies, never in URLs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from osteotrials.api.service import TrialService
from osteotrials.model.patient import Patient
from osteotrials.patient import PatientError, parse_patient
from osteotrials.report import visit_sheet
from osteotrials.web import intake, plain, results
from osteotrials.web.session import COOKIE_NAME, Session, SessionStore, csrf_ok

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=select_autoescape(enabled_extensions=("html", "xml"), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(
    STEPS=intake.STEPS,
    plain=plain,
    VERDICT_WORDS=plain.VERDICT_WORDS,
    CRITERION_STATUS_WORDS=plain.CRITERION_STATUS_WORDS,
)
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 2_000_000
#: where "add to my visit sheet" may return to (never another site)
_LOCAL_BACK = re.compile(r"/(results|trials/NCT\d{8})(#[\w-]+)?")


# --------------------------------------------------------------------------- helpers


def _service(request: Request) -> TrialService:
    svc = request.app.state.service
    assert isinstance(svc, TrialService)
    return svc


def _sessions(request: Request) -> SessionStore:
    store = request.app.state.sessions
    assert isinstance(store, SessionStore)
    return store


def current_session(request: Request, *, create: bool = True) -> Session | None:
    """The visitor's session; a new one (cookie set on the response) when asked."""
    cached = getattr(request.state, "session", None)
    if isinstance(cached, Session):
        return cached
    session = _sessions(request).get(request.cookies.get(COOKIE_NAME))
    if session is None and create:
        session = _sessions(request).create()
        request.state.new_session = session.id
    request.state.session = session
    return session


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    session = current_session(request)
    assert session is not None
    ctx = {
        "request": request,
        "session": session,
        "csrf": session.csrf,
        "snapshot_date": _service(request).snapshot_date,
        **context,
    }
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    assert isinstance(response, HTMLResponse)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> dict[str, Any]:
    """The posted form as name -> value (or list of values for repeated names)."""
    form = await request.form(max_files=1, max_fields=200)
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        question = intake.QUESTION_BY_NAME.get(key)
        if len(values) > 1 or (question is not None and question.kind == "checkbox"):
            out[key] = values
        else:
            out[key] = values[0] if values else ""
    return out


async def _checked_form(request: Request) -> tuple[Session, dict[str, Any]]:
    session = current_session(request, create=False)
    form = await _form(request)
    token = form.get("csrf_token")
    if not csrf_ok(session, token if isinstance(token, str) else None):
        raise HTTPException(
            status_code=403,
            detail="This form has expired. Please go back, reload the page and try again.",
        )
    assert session is not None
    return session, form


def session_patient(session: Session) -> tuple[Patient | None, list[str]]:
    """The session's patient (intake answers or loaded file, plus next-question answers)."""
    if not session.has_answers():
        return None, []
    doc = (
        json.loads(json.dumps(session.loaded))
        if session.loaded
        else (intake.patient_document(session.answers))
    )
    for path, value in session.overrides.items():
        results.set_path(doc, path, value)
    try:
        loaded = parse_patient(doc, source="your answers")
    except PatientError as exc:
        return None, [str(issue) for issue in exc.errors]
    return loaded.patient, [str(w) for w in loaded.warnings]


# --------------------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html", {"title": "Find a trial you can join"})


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    return render(request, "about.html", {"title": "About clinical trials"})


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy.html", {"title": "Your privacy"})


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", status: str = "open") -> HTMLResponse:
    status_value = status if status in {"recruiting", "open", "all"} else "open"
    hits = []
    if q.strip():
        found = _service(request).search(q[:500], status=status_value, limit=30)  # type: ignore[arg-type]
        hits = [
            (hit, plain.status_text(hit.status), plain.phase_label(hit.phases)) for hit in found
        ]
    return render(
        request,
        "search.html",
        {"title": "Search trials", "q": q, "status": status_value, "hits": hits},
    )


@router.get("/intake", response_class=HTMLResponse)
def intake_start() -> RedirectResponse:
    return redirect(f"/intake/{intake.STEPS[0].slug}")


def _step_or_404(slug: str) -> tuple[int, intake.Step]:
    step = intake.STEP_BY_SLUG.get(slug)
    if step is None:
        raise HTTPException(status_code=404, detail="No such step.")
    return intake.STEPS.index(step), step


@router.get("/intake/{slug}", response_class=HTMLResponse)
def intake_step(request: Request, slug: str) -> HTMLResponse:
    index, step = _step_or_404(slug)
    session = current_session(request)
    assert session is not None
    return render(
        request,
        "intake_step.html",
        {
            "title": step.title,
            "step": step,
            "index": index,
            "answers": session.answers,
            "errors": {},
        },
    )


@router.post("/intake/{slug}", response_class=HTMLResponse)
async def intake_submit(request: Request, slug: str) -> Response:
    index, step = _step_or_404(slug)
    session, form = await _checked_form(request)
    answers, errors = intake.read_step(step, form)
    action = form.get("action", "next")
    if errors and action != "back":
        merged = {**session.answers, **answers}
        return render(
            request,
            "intake_step.html",
            {
                "title": step.title,
                "step": step,
                "index": index,
                "answers": merged,
                "errors": errors,
            },
            status_code=400,
        )
    if not errors:
        for q in step.questions:
            session.answers.pop(q.name, None)
        session.answers.update(answers)
        session.loaded = None
    if action == "back":
        return redirect(f"/intake/{intake.STEPS[max(index - 1, 0)].slug}")
    if index + 1 < len(intake.STEPS):
        return redirect(f"/intake/{intake.STEPS[index + 1].slug}")
    return redirect("/results")


@router.get("/results", response_class=HTMLResponse)
def results_page(request: Request) -> Response:
    session = current_session(request)
    assert session is not None
    if not session.has_answers():
        return redirect("/intake")
    patient, problems = session_patient(session)
    if patient is None:
        return render(
            request, "problems.html", {"title": "Please check your answers", "problems": problems}
        )
    view = results.match_view(_service(request), patient, session)
    flash, session.flash = session.flash, []
    return render(
        request,
        "results.html",
        {
            "title": "Trials for you",
            "view": view,
            "warnings": problems,
            "flash": flash,
            "summary": results.patient_summary(patient),
        },
    )


@router.post("/question", response_class=HTMLResponse)
async def answer_question(request: Request) -> Response:
    session, form = await _checked_form(request)
    field = str(form.get("field", ""))
    answer = str(form.get("answer") or form.get("answer_value") or "")
    patient, _problems = session_patient(session)
    if patient is None:
        return redirect("/results")
    before = dict(session.last_verdicts)
    message = results.apply_answer(_service(request), patient, session, field, answer)
    if message:
        session.flash.append(message)
    updated, _problems = session_patient(session)
    if updated is not None:
        after = results.snapshot(results.rank(_service(request), updated, session))
        if before:
            session.flash.extend(results.describe_changes(before, after))
    return redirect("/results#changes")


@router.post("/choose", response_class=HTMLResponse)
async def choose(request: Request) -> Response:
    session, form = await _checked_form(request)
    nct = str(form.get("nct_id", "")).upper()
    back = str(form.get("back", "/results"))
    if _service(request).trial(nct) is None:
        raise HTTPException(status_code=404, detail="No such trial.")
    if form.get("remove"):
        session.chosen = [n for n in session.chosen if n != nct]
    elif nct not in session.chosen:
        session.chosen.append(nct)
    return redirect(back if _LOCAL_BACK.fullmatch(back) else "/results")


@router.get("/trials/{nct_id}", response_class=HTMLResponse)
def trial_page(request: Request, nct_id: str) -> HTMLResponse:
    nct = nct_id.strip().upper()
    svc = _service(request)
    trial = svc.trial(nct) if len(nct) == 11 else None
    if trial is None:
        raise HTTPException(status_code=404, detail="No such trial in this database.")
    session = current_session(request)
    assert session is not None
    patient, _problems = session_patient(session)
    view = results.trial_view(svc, trial, patient)
    return render(request, "trial.html", {"title": trial.title or nct, "t": view})


@router.get("/visit-sheet", response_class=HTMLResponse)
def visit_sheet_page(request: Request) -> Response:
    session = current_session(request)
    assert session is not None
    patient, _ = session_patient(session)
    sheet = results.build_sheet(_service(request), patient, session.chosen)
    html = visit_sheet.render_html(sheet, stylesheet_href="/visit-sheet.css")
    return HTMLResponse(html)


@router.get("/visit-sheet.pdf")
def visit_sheet_pdf(request: Request) -> Response:
    session = current_session(request)
    assert session is not None
    patient, _ = session_patient(session)
    sheet = results.build_sheet(_service(request), patient, session.chosen)
    return Response(
        visit_sheet.render_pdf(sheet),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="osteotrials-visit-sheet.pdf"'},
    )


@router.get("/visit-sheet.css")
def visit_sheet_css() -> FileResponse:
    return FileResponse(visit_sheet.STYLESHEET, media_type="text/css")


@router.post("/forget")
async def forget(request: Request) -> Response:
    session, _form_data = await _checked_form(request)
    _sessions(request).delete(session.id)
    response = redirect("/?forgotten=1")
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.post("/my-answers")
async def download_answers(request: Request) -> Response:
    """The person's answers as a patient file they can keep (sent by POST, not in a URL)."""
    session, _form_data = await _checked_form(request)
    if session.loaded:
        doc = json.loads(json.dumps(session.loaded))
    else:
        doc = intake.patient_document(session.answers)
    for path, value in session.overrides.items():
        results.set_path(doc, path, value)
    text = "# osteotrials patient file, saved on " + date.today().isoformat() + "\n"
    text += yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    return Response(
        text,
        media_type="application/x-yaml",
        headers={"Content-Disposition": 'attachment; filename="my-answers.yaml"'},
    )


@router.post("/load", response_class=HTMLResponse)
async def load_answers(request: Request) -> Response:
    session = current_session(request, create=False)
    form = await request.form(max_files=1, max_fields=5)
    token = form.get("csrf_token")
    if not csrf_ok(session, token if isinstance(token, str) else None):
        raise HTTPException(status_code=403, detail="This form has expired. Please reload.")
    assert session is not None
    upload = form.get("file")
    problems: list[str] = []
    if not isinstance(upload, UploadFile):
        problems.append("Please choose a file.")
    else:
        raw = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            problems.append("That file is too large for a patient file.")
        else:
            try:
                data = yaml.safe_load(raw.decode("utf-8"))
                loaded = parse_patient(data, source="your file")
            except (yaml.YAMLError, UnicodeDecodeError):
                problems.append("That file is not a YAML or JSON patient file.")
            except PatientError as exc:
                problems.extend(str(issue) for issue in exc.errors)
            else:
                session.loaded = loaded.patient.model_dump(mode="json", exclude_defaults=True)
                session.overrides = {}
                return redirect("/results")
    return render(
        request,
        "problems.html",
        {"title": "We could not read that file", "problems": problems},
        status_code=400,
    )


# --------------------------------------------------------------------------- installation


def install(app: FastAPI) -> None:
    """Add the pages, the static files and the session cookie to ``app``."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(router)

    @app.middleware("http")
    async def session_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        new_id = getattr(request.state, "new_session", None)
        if new_id:
            response.set_cookie(
                COOKIE_NAME, new_id, httponly=True, samesite="lax", path="/", secure=False
            )
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith("/api/"):
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, exc)
        return render(
            request,
            "error.html",
            {"title": "Something went wrong", "message": str(exc.detail)},
            status_code=exc.status_code,
        )
