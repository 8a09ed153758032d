"""Patient sessions kept in server memory only, keyed by a random id in a cookie.

Nothing here is written to disk or logged. A session lives until the person
presses "forget my answers", until it has been idle for ``ttl`` seconds, or
until the server stops. The cookie holds only the random id (HttpOnly,
SameSite=Lax); the CSRF token is bound to the session.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

COOKIE_NAME = "osteotrials_session"


@dataclass
class Session:
    """One person's answers and choices."""

    id: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    #: raw form answers per field name (text, or a list for check boxes)
    answers: dict[str, Any] = field(default_factory=dict)
    #: answers given in the next-question flow: patient field path -> value
    overrides: dict[str, Any] = field(default_factory=dict)
    #: a whole patient document loaded from the person's own file (replaces the intake)
    loaded: dict[str, Any] | None = None
    #: trials the person put on the visit sheet, in the order chosen
    chosen: list[str] = field(default_factory=list)
    #: a one-off message for the next page ("3 trials moved ...")
    flash: list[str] = field(default_factory=list)
    #: the previous (verdict, number of unknown facts) per trial, to show what changed
    last_verdicts: dict[str, tuple[str, int]] = field(default_factory=dict)
    touched: float = field(default_factory=time.monotonic)

    def has_answers(self) -> bool:
        return bool(self.answers or self.overrides or self.loaded)


class SessionStore:
    """A bounded, thread-safe, in-memory map of session id -> Session."""

    def __init__(self, *, ttl: float = 4 * 3600, max_sessions: int = 5000) -> None:
        self.ttl = ttl
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.touched > self.ttl:
                del self._sessions[session_id]
                return None
            session.touched = now
            self._sessions.move_to_end(session_id)
            return session

    def create(self) -> Session:
        session = Session(id=secrets.token_urlsafe(32))
        with self._lock:
            self._expire(time.monotonic())
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            self._sessions[session.id] = session
        return session

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def _expire(self, now: float) -> None:
        stale = [k for k, s in self._sessions.items() if now - s.touched > self.ttl]
        for key in stale:
            del self._sessions[key]


def csrf_ok(session: Session | None, token: str | None) -> bool:
    """Whether a submitted form's CSRF token belongs to this session."""
    if session is None or not token:
        return False
    return secrets.compare_digest(session.csrf.encode(), token.encode())
