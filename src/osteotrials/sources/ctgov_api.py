"""ClinicalTrials.gov API v2 client (httpx), polite and resilient.

* ``GET /api/v2/studies`` with ``query.cond``, ``query.term``,
  ``filter.overallStatus``, ``filter.advanced`` (``since`` becomes
  ``AREA[LastUpdatePostDate]RANGE[YYYY-MM-DD,MAX]``), ``pageSize`` (1..1000),
  ``pageToken`` and ``countTotal``; ``GET /api/v2/studies/{nctId}``.
* A client-side rate limit (default at most 50 requests per minute, the
  registry's documented courtesy limit) shared by every request, retries
  included.
* Retries with exponential backoff and full jitter on 429, 5xx, timeouts,
  connection errors and unreadable (truncated or invalid JSON) bodies,
  honouring ``Retry-After``; after the retry budget a :class:`CtgovUnavailable`
  names the URL, the number of attempts and the last error.
* The base URL is configurable (mirrors, the tests' replay server) and the
  httpx transport is injectable, httpx style (``transport=``).

The client returns the API's own study dicts; turning them into
:class:`~osteotrials.model.trial.Trial` is the reader's job
(``osteotrials.sources.ctgov_json.trial_from_study``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://clinicaltrials.gov"
DEFAULT_REQUESTS_PER_MINUTE = 50.0
MAX_PAGE_SIZE = 1000
USER_AGENT = "osteotrials (+https://github.com/osteotrials; ClinicalTrials.gov API v2 client)"

#: Overall statuses the API v2 accepts in ``filter.overallStatus``.
OVERALL_STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    }
)

_NCT_RE = re.compile(r"^NCT\d{8}$")
_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class CtgovError(Exception):
    """Base class of the client's errors."""


class CtgovUnavailable(CtgovError):
    """The registry could not be reached or kept failing after the retry budget."""

    def __init__(self, message: str, *, attempts: int, last_error: str) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


class CtgovHTTPError(CtgovError):
    """The registry answered with a non-retryable error (a 4xx other than 429)."""

    def __init__(self, message: str, *, status_code: int, url: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url


class CtgovNotFound(CtgovHTTPError):
    """``GET /api/v2/studies/{nctId}`` for an NCT id the registry does not have."""


class CtgovBadResponse(CtgovError):
    """A response that parsed as JSON but does not have the API v2 shape."""


@dataclass(frozen=True)
class StudyPage:
    """One page of ``GET /api/v2/studies``."""

    studies: list[dict[str, Any]]
    next_page_token: str | None
    #: Only on the first page of a query asked with ``countTotal=true``.
    total_count: int | None = None


@dataclass(frozen=True)
class StudyQuery:
    """What to ask ``/api/v2/studies`` for (all parts optional)."""

    condition: str | None = None
    term: str | None = None
    statuses: tuple[str, ...] = ()
    #: Only studies whose last update was posted on or after this date.
    since: dt.date | None = None
    #: Extra ``filter.advanced`` Essie expression, ANDed with ``since``.
    advanced: str | None = None

    def __post_init__(self) -> None:
        bad = [s for s in self.statuses if s not in OVERALL_STATUSES]
        if bad:
            raise ValueError(
                f"unknown overall status {', '.join(bad)}; expected one of "
                f"{', '.join(sorted(OVERALL_STATUSES))}"
            )

    def advanced_expression(self) -> str | None:
        parts: list[str] = []
        if self.since is not None:
            parts.append(f"AREA[LastUpdatePostDate]RANGE[{self.since.isoformat()},MAX]")
        if self.advanced:
            parts.append(f"({self.advanced})" if self.since is not None else self.advanced)
        return " AND ".join(parts) if parts else None

    def params(self) -> dict[str, str]:
        """The query parameters (without paging)."""
        out: dict[str, str] = {}
        if self.condition:
            out["query.cond"] = self.condition
        if self.term:
            out["query.term"] = self.term
        if self.statuses:
            out["filter.overallStatus"] = ",".join(self.statuses)
        adv = self.advanced_expression()
        if adv:
            out["filter.advanced"] = adv
        return out

    def describe(self) -> dict[str, Any]:
        """A JSON-able description, used as the identity of a sync checkpoint."""
        return {
            "condition": self.condition,
            "term": self.term,
            "statuses": list(self.statuses),
            "since": self.since.isoformat() if self.since else None,
            "advanced": self.advanced,
        }


class RateLimiter:
    """At most ``requests_per_minute`` starts per minute, evenly spaced (thread-safe).

    ``requests_per_minute`` of ``None`` or ``<= 0`` disables the limit.
    """

    def __init__(
        self,
        requests_per_minute: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next_start: float | None = None
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until the next request may start; return the seconds waited."""
        if self.interval <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            start = now if self._next_start is None else max(now, self._next_start)
            self._next_start = start + self.interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter; ``Retry-After`` wins when longer."""

    #: Attempts in all (the first try included).
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    #: A server asking for longer than this is not waited for: the client gives up.
    max_retry_after: float = 600.0
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based): uniform in (0, base*2^(attempt-1)]."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        fraction: float = 1.0 - self.rng.random()  # (0, 1]: never a zero delay
        return ceiling * fraction


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - current).total_seconds())


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class CtgovClient:
    """A synchronous ClinicalTrials.gov API v2 client.

    >>> with CtgovClient() as client:                               # doctest: +SKIP
    ...     for page in client.iter_pages(StudyQuery(condition="breast cancer")):
    ...         ...
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        requests_per_minute: float | None = DEFAULT_REQUESTS_PER_MINUTE,
        retry: RetryPolicy | None = None,
        timeout: float | httpx.Timeout = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = USER_AGENT,
        on_retry: Callable[[int, str, float], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        if self.retry.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        self._sleep = sleep
        self.rate_limiter = RateLimiter(requests_per_minute, sleep=sleep)
        self._on_retry = on_retry
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )
        #: Requests sent (attempts, retries included), for reports and tests.
        self.requests_sent = 0

    # -- context management -------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ----------------------------------------------------------
    def search_page(
        self,
        query: StudyQuery | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        page_token: str | None = None,
        count_total: bool = False,
    ) -> StudyPage:
        """One page of ``GET /api/v2/studies``."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        params = (query or StudyQuery()).params()
        params["pageSize"] = str(page_size)
        params["format"] = "json"
        if page_token:
            params["pageToken"] = page_token
        if count_total:
            params["countTotal"] = "true"
        data = self._get_json("/api/v2/studies", params)
        if not isinstance(data, dict) or not isinstance(data.get("studies", []), list):
            raise CtgovBadResponse(
                f"{self.base_url}/api/v2/studies did not return an object with a 'studies' list"
            )
        studies = data.get("studies", [])
        if not all(isinstance(s, dict) for s in studies):
            raise CtgovBadResponse(f"{self.base_url}/api/v2/studies: a study is not an object")
        token = data.get("nextPageToken")
        total = data.get("totalCount")
        return StudyPage(
            studies=studies,
            next_page_token=token if isinstance(token, str) and token else None,
            total_count=total if isinstance(total, int) else None,
        )

    def iter_pages(
        self,
        query: StudyQuery | None = None,
        *,
        page_size: int = MAX_PAGE_SIZE,
        page_token: str | None = None,
        count_total: bool = True,
    ) -> Iterator[StudyPage]:
        """Every page of a query, from ``page_token`` (or the start) to the end."""
        token = page_token
        first = True
        while True:
            page = self.search_page(
                query, page_size=page_size, page_token=token, count_total=count_total and first
            )
            yield page
            first = False
            if page.next_page_token is None:
                return
            if page.next_page_token == token:
                raise CtgovBadResponse("the registry returned the same page token twice")
            token = page.next_page_token

    def iter_studies(
        self, query: StudyQuery | None = None, *, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every study of a query, page after page."""
        for page in self.iter_pages(query, page_size=page_size):
            yield from page.studies

    def count(self, query: StudyQuery | None = None) -> int:
        """The registry's ``totalCount`` for a query (one request, ``pageSize=1``)."""
        page = self.search_page(query, page_size=1, count_total=True)
        if page.total_count is None:
            raise CtgovBadResponse("the registry did not return totalCount for countTotal=true")
        return page.total_count

    def get_study(self, nct_id: str) -> dict[str, Any]:
        """``GET /api/v2/studies/{nctId}``; :class:`CtgovNotFound` when unknown."""
        nct = nct_id.strip().upper()
        if not _NCT_RE.match(nct):
            raise ValueError(f"not an NCT id: {nct_id!r}")
        data = self._get_json(f"/api/v2/studies/{nct}", {"format": "json"})
        if not isinstance(data, dict) or "protocolSection" not in data:
            raise CtgovBadResponse(f"{self.base_url}/api/v2/studies/{nct} is not a study object")
        return data

    # -- transport -----------------------------------------------------------
    def _get_json(self, path: str, params: dict[str, str]) -> Any:
        url = f"{self.base_url}{path}"
        last = "no attempt made"
        policy = self.retry
        attempt = 0
        for attempt in range(1, policy.max_attempts + 1):
            self.rate_limiter.acquire()
            self.requests_sent += 1
            try:
                return self._attempt(path, params, url)
            except _Retryable as exc:
                last = exc.reason
                if attempt == policy.max_attempts:
                    break
                delay = policy.backoff(attempt)
                if exc.retry_after is not None:
                    if exc.retry_after > policy.max_retry_after:
                        last = (
                            f"{exc.reason}; the server asked to wait {exc.retry_after:.0f} s, "
                            f"more than the {policy.max_retry_after:.0f} s allowed"
                        )
                        break
                    delay = max(delay, exc.retry_after)
                if self._on_retry is not None:
                    self._on_retry(attempt, exc.reason, delay)
                self._sleep(delay)
        raise CtgovUnavailable(
            f"ClinicalTrials.gov API unavailable: GET {url} failed after {attempt} "
            f"attempt{'s' if attempt != 1 else ''} (last error: {last})",
            attempts=attempt,
            last_error=last,
        )

    def _attempt(self, path: str, params: dict[str, str], url: str) -> Any:
        try:
            response = self._http.get(path, params=params)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            # Connection refused/reset, DNS failure, a body cut short, protocol errors.
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        if status in _RETRYABLE_STATUS or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retryable(f"HTTP {status}", retry_after)
        if status == 404:
            raise CtgovNotFound(
                f"GET {url}: not found (HTTP 404)", status_code=status, url=str(response.url)
            )
        if status >= 400:
            detail = response.text.strip()[:300]
            raise CtgovHTTPError(
                f"GET {response.url} was refused (HTTP {status}): {detail}",
                status_code=status,
                url=str(response.url),
            )
        try:
            return json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            # A truncated or garbled body is a transport accident: ask again.
            raise _Retryable(f"invalid JSON in the response ({exc})") from exc


def status_tuple(statuses: Iterable[str] | str | None) -> tuple[str, ...]:
    """Normalise ``"recruiting,not_yet_recruiting"`` or a list to API v2 status names."""
    if statuses is None:
        return ()
    items = statuses.split(",") if isinstance(statuses, str) else list(statuses)
    out: list[str] = []
    for item in items:
        for part in item.split(","):
            name = part.strip().upper().replace(" ", "_").replace("-", "_")
            if name and name not in out:
                out.append(name)
    return tuple(out)
