"""The FastAPI application: REST API under ``/api``, patient pages at ``/``.

``create_app(db)`` opens the trial store named by ``db`` (the same rules as the
CLI's ``--db``). Nothing about a patient is written to disk or logged: the web
pages keep answers in server memory for the session only, and the API answers
each request from its body alone.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from osteotrials.api import routes as api_routes
from osteotrials.api.security import LOCAL_HOSTS, SecurityHeadersMiddleware
from osteotrials.api.service import TrialService
from osteotrials.web import routes as web_routes
from osteotrials.web.session import SessionStore

API_DESCRIPTION = (
    "Find clinical trials for metastatic breast cancer in bone. The JSON shapes are "
    "those of the command line's `--json` output. Patient bodies follow the patient "
    "schema (`GET /api/patient-schema`); every field is optional and a missing field "
    "means unknown."
)


def error_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "receptors", "er_percent")`` -> ``receptors.er_percent``."""
    parts: list[str] = []
    for i, item in enumerate(loc):
        if i == 0 and item in {"body", "query", "path", "header", "cookie"}:
            continue
        if isinstance(item, int):
            if parts:
                parts[-1] = f"{parts[-1]}[{item}]"
            else:
                parts.append(f"[{item}]")
        elif isinstance(item, str) and item.startswith("function-"):
            continue
        else:
            parts.append(str(item))
    return ".".join(parts)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        errors.append(
            {
                "loc": loc,
                "path": error_path(loc),
                "msg": str(err.get("msg", "")).removeprefix("Value error, "),
                "type": err.get("type"),
            }
        )
    return JSONResponse(status_code=422, content={"detail": errors})


def create_app(
    db: str | Path | None = None,
    *,
    sessions: SessionStore | None = None,
    allowed_hosts: Sequence[str] = LOCAL_HOSTS,
    warm: bool = False,
) -> FastAPI:
    """The whole application (API and web pages) over the store named by ``db``.

    ``allowed_hosts`` are the Host header values answered (default: this computer's
    loopback names only; ``["*"]`` answers any). ``warm`` builds the match index in
    the background at start-up, so the first person does not wait for it.
    """
    service = TrialService(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=service.index, name="match-index", daemon=True).start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="osteotrials",
        version="0.1.0",
        description=API_DESCRIPTION,
        docs_url=None,  # the default pages load scripts from a CDN; ours is local
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.sessions = sessions or SessionStore()
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: headers on every answer
    app.add_exception_handler(RequestValidationError, validation_error)
    app.include_router(api_routes.router)
    web_routes.install(app)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return web_routes.render(request, "api_docs.html", {"spec": app.openapi()})

    return app
