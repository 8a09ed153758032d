"""Security headers for every response, and a same-origin check for form posts.

The Content-Security-Policy allows only this server's own scripts, styles,
images and fonts: no inline script, no third-party origin, no framing.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

log = logging.getLogger("osteotrials.web")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

#: Largest request body accepted (a patient document is a few kilobytes).
MAX_BODY_BYTES = 2_000_000

#: Host names a local server answers to. Anything else is refused, so a web page
#: cannot reach this server through DNS rebinding and read someone's answers.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    """Adds the security headers; refuses cross-origin form posts; no caching of pages."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "0")
        if request.method in _UNSAFE and not _same_origin(request):
            response: Response = PlainTextResponse("Cross-site request refused.", status_code=403)
        elif not length.isdigit() or int(length) > MAX_BODY_BYTES:
            response = PlainTextResponse("Request body too large.", status_code=413)
        else:
            try:
                response = await call_next(request)
            except Exception as exc:  # the last line of defence
                # An error message may quote patient data (pydantic quotes the input):
                # log only the error type and where it happened, never its message.
                log.error("internal error %s at %s", type(exc).__name__, _where(exc))
                response = PlainTextResponse(
                    "Something went wrong on our side. Your answers were not saved "
                    "anywhere; please try again.",
                    status_code=500,
                )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            # pages and API answers may hold patient data: never store them
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _where(exc: BaseException) -> str:
    """``file.py:123 in function`` of the innermost frame of ``exc``'s traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown place"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


def _same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another origin."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        if referer is None:
            return origin is None  # non-browser clients send neither
        origin = referer
    parts = urlsplit(origin)
    host = request.headers.get("host", "")
    return parts.netloc == host
