"""A loopback ClinicalTrials.gov API v2 server for tests and benchmarks.

A real HTTP server (stdlib ``http.server``, one thread per connection, HTTP/1.1
keep-alive) on 127.0.0.1 and an ephemeral port. It serves API v2 pages built
from the real snapshot records:

* ``GET /api/v2/studies`` with ``pageSize`` (1..1000, default 10),
  ``pageToken`` (opaque; bound to the query it was issued for),
  ``countTotal=true`` (``totalCount`` on the first page only, as the registry
  does), ``filter.overallStatus`` (comma or pipe separated),
  ``filter.advanced`` (only ``AREA[LastUpdatePostDate]RANGE[from,to]`` with
  ``MIN``/``MAX``), ``query.cond`` (case-insensitive substring of the
  conditions, keywords, titles or NCT id) and ``query.term`` (case-insensitive
  substring of the whole protocol section). Studies come sorted by NCT id.
* ``GET /api/v2/studies/{nctId}``: the study, or 404.

Faults are injected per request (:meth:`ReplayServer.inject` for the next N
matching requests, :meth:`ReplayServer.chaos` for a seeded random share):
``429`` with ``Retry-After``, ``500``/``503``, ``slow`` (sleep before
answering), ``truncated`` (a Content-Length promising more than is sent, then
the connection is closed), ``invalid_json`` (200 with a body that is not
JSON) and ``reset`` (TCP RST without an answer).

Only the two full API v2 records in the snapshot carry a last-update-posted
date. So that the date filter has something to filter, :func:`snapshot_studies`
stamps the others with ``lastUpdatePostDateStruct`` (``type: "ESTIMATED"``):
the record's ``provenance.sourceDate`` when it has one, else a date between
2020-01-01 and 2025-12-31 derived from a CRC-32 of the NCT id. These stamps
are test scaffolding, not registry data.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import random
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

FaultKind = Literal["429", "500", "503", "slow", "truncated", "invalid_json", "reset"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "429",
    "500",
    "503",
    "slow",
    "truncated",
    "invalid_json",
    "reset",
)

_ADV_RE = re.compile(
    r"^\s*\(?\s*AREA\[LastUpdatePostDate\]RANGE\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]\s*\)?\s*$",
    re.I,
)
_STUDY_PATH_RE = re.compile(r"^/api/v2/studies/([^/]+)$")


def snapshot_path() -> Path:
    return Path(str(resources.files("osteotrials") / "data" / "snapshot" / "breast-snapshot.jsonl"))


def _stamp_date(study: dict[str, Any]) -> None:
    status = study.setdefault("protocolSection", {}).setdefault("statusModule", {})
    if "lastUpdatePostDateStruct" in status:
        return
    source_date = (study.get("provenance") or {}).get("sourceDate")
    if isinstance(source_date, str) and source_date:
        date = source_date[:10]
    else:
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        offset = zlib.crc32(nct.encode()) % (dt.date(2025, 12, 31) - dt.date(2020, 1, 1)).days
        date = (dt.date(2020, 1, 1) + dt.timedelta(days=offset)).isoformat()
    status["lastUpdatePostDateStruct"] = {"date": date, "type": "ESTIMATED"}


def snapshot_studies(
    *, stamp_dates: bool = True, keep_provenance: bool = False, path: Path | None = None
) -> list[dict[str, Any]]:
    """The snapshot's records as the API would serve them (see the module notes)."""
    out: list[dict[str, Any]] = []
    with open(path or snapshot_path(), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            study = json.loads(line)
            if stamp_dates:
                _stamp_date(study)
            if not keep_provenance:
                study.pop("provenance", None)
            out.append(study)
    return out


def nct_of(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["identificationModule"]["nctId"])


def status_of(study: dict[str, Any]) -> str | None:
    value = study.get("protocolSection", {}).get("statusModule", {}).get("overallStatus")
    return value if isinstance(value, str) else None


def last_update_of(study: dict[str, Any]) -> str | None:
    struct = (
        study.get("protocolSection", {}).get("statusModule", {}).get("lastUpdatePostDateStruct")
    )
    date = struct.get("date") if isinstance(struct, dict) else None
    return date if isinstance(date, str) else None


def _parse_bound(value: str, *, upper: bool) -> str | None:
    v = value.strip().upper()
    if v in {"MIN", "MAX"}:
        return None
    # Partial dates compare as strings; pad so "2024-03" <= "2024-03-15" works as a range.
    date = value.strip()
    if not re.match(r"^\d{4}(-\d{2}){0,2}$", date):
        raise ValueError(f"bad date {value!r} in RANGE")
    if upper:
        date += "-99" * ((10 - len(date)) // 3)  # "2024-03" covers every day of March
    return date


@dataclass
class Fault:
    kind: FaultKind
    #: ``Retry-After`` for 429/503 (seconds, or an HTTP-date string); None sends none.
    retry_after: float | str | None = 1
    #: Seconds to sleep for ``slow``.
    delay: float = 2.0


@dataclass
class _Armed:
    fault: Fault
    remaining: int
    path_prefix: str


@dataclass
class RequestRecord:
    at: float
    path: str
    params: dict[str, str]
    outcome: str


@dataclass
class _Chaos:
    rate: float
    kinds: tuple[FaultKind, ...]
    rng: random.Random
    retry_after: float
    delay: float


@dataclass
class _State:
    studies: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    armed: list[_Armed] = field(default_factory=list)
    chaos: _Chaos | None = None
    log: list[RequestRecord] = field(default_factory=list)
    latency: float = 0.0


class ReplayServer:
    """The loopback API v2 server; use as a context manager or ``start()``/``stop()``."""

    def __init__(
        self,
        studies: Iterable[dict[str, Any]] | None = None,
        *,
        latency: float = 0.0,
        max_page_size: int = 1000,
    ) -> None:
        self._lock = threading.RLock()
        self._state = _State(latency=latency)
        self.max_page_size = max_page_size
        self.set_studies(snapshot_studies() if studies is None else studies)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> ReplayServer:
        server = self

        class Handler(_Handler):
            replay = server

        httpd = _QuietServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="replay-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the replay server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- data ----------------------------------------------------------------
    def set_studies(self, studies: Iterable[dict[str, Any]]) -> None:
        with self._lock:
            by_id = {nct_of(s): s for s in studies}
            self._state.studies = by_id
            self._state.order = sorted(by_id)

    def put_study(self, study: dict[str, Any]) -> None:
        """Add or replace one study (a registry update)."""
        with self._lock:
            nct = nct_of(study)
            if nct not in self._state.studies:
                self._state.order = sorted([*self._state.order, nct])
            self._state.studies[nct] = study

    def studies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._state.studies[n] for n in self._state.order]

    def set_latency(self, seconds: float) -> None:
        with self._lock:
            self._state.latency = seconds

    # -- faults --------------------------------------------------------------
    def inject(self, fault: Fault | FaultKind, *, times: int = 1, path_prefix: str = "/") -> None:
        """The next ``times`` requests whose path starts with ``path_prefix`` get ``fault``."""
        f = Fault(fault) if isinstance(fault, str) else fault
        with self._lock:
            self._state.armed.append(_Armed(f, times, path_prefix))

    def chaos(
        self,
        rate: float,
        *,
        kinds: Iterable[FaultKind] = FAULT_KINDS,
        seed: int = 0,
        retry_after: float = 0.05,
        delay: float = 0.3,
    ) -> None:
        """A seeded random share ``rate`` of requests get a random fault of ``kinds``."""
        with self._lock:
            self._state.chaos = _Chaos(rate, tuple(kinds), random.Random(seed), retry_after, delay)

    def clear_faults(self) -> None:
        with self._lock:
            self._state.armed.clear()
            self._state.chaos = None

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for armed in self._state.armed:
                if path.startswith(armed.path_prefix) and armed.remaining > 0:
                    armed.remaining -= 1
                    if armed.remaining == 0:
                        self._state.armed.remove(armed)
                    return armed.fault
            chaos = self._state.chaos
            if chaos is not None and chaos.rng.random() < chaos.rate:
                kind = chaos.rng.choice(chaos.kinds)
                return Fault(kind, retry_after=chaos.retry_after, delay=chaos.delay)
        return None

    # -- request log ---------------------------------------------------------
    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._state.log)

    def clear_log(self) -> None:
        with self._lock:
            self._state.log.clear()

    def _arrive(self, path: str, params: dict[str, str], outcome: str) -> RequestRecord:
        """Log a request when it arrives (its outcome is filled in when answered)."""
        record = RequestRecord(time.monotonic(), path, params, outcome)
        with self._lock:
            self._state.log.append(record)
        return record

    # -- the API -------------------------------------------------------------
    def select(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """The studies a query matches, in serving order (also used by tests as the oracle)."""
        statuses: set[str] | None = None
        if params.get("filter.overallStatus"):
            statuses = {
                s.strip().upper()
                for s in re.split(r"[,|]", params["filter.overallStatus"])
                if s.strip()
            }
        low = high = None
        if params.get("filter.advanced"):
            m = _ADV_RE.match(params["filter.advanced"])
            if m is None:
                raise ValueError(
                    "the replay server only understands "
                    "AREA[LastUpdatePostDate]RANGE[from,to] in filter.advanced"
                )
            low = _parse_bound(m.group(1), upper=False)
            high = _parse_bound(m.group(2), upper=True)
        cond = (params.get("query.cond") or "").strip().lower()
        term = (params.get("query.term") or "").strip().lower()
        with self._lock:
            candidates = [self._state.studies[n] for n in self._state.order]
        out: list[dict[str, Any]] = []
        for study in candidates:
            if statuses is not None and status_of(study) not in statuses:
                continue
            if low is not None or high is not None:
                date = last_update_of(study)
                if date is None:
                    continue
                if low is not None and date < low:
                    continue
                if high is not None and date > high:
                    continue
            ps = study.get("protocolSection", {})
            if cond:
                ident = ps.get("identificationModule", {})
                conds = ps.get("conditionsModule", {})
                hay = " ".join(
                    str(x)
                    for x in [
                        ident.get("nctId"),
                        ident.get("briefTitle"),
                        ident.get("officialTitle"),
                        *conds.get("conditions", []),
                        *conds.get("keywords", []),
                    ]
                    if x
                ).lower()
                if cond not in hay:
                    continue
            if term and term not in json.dumps(ps, ensure_ascii=False).lower():
                continue
            out.append(study)
        return out

    def count_by_status(self, params: dict[str, str] | None = None) -> dict[str | None, int]:
        counts: dict[str | None, int] = {}
        for study in self.select(params or {}):
            key = status_of(study)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def _page(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            size = int(params.get("pageSize", "10"))
        except ValueError:
            return 400, {"error": "pageSize must be an integer"}
        if not 1 <= size <= self.max_page_size:
            return 400, {"error": f"pageSize must be between 1 and {self.max_page_size}"}
        key_params = {
            k: v for k, v in sorted(params.items()) if k.startswith(("query.", "filter."))
        }
        key = hashlib.sha1(json.dumps(key_params).encode()).hexdigest()[:12]
        offset = 0
        if params.get("pageToken"):
            try:
                raw = base64.urlsafe_b64decode(params["pageToken"].encode() + b"==")
                token = json.loads(raw)
                offset = int(token["o"])
                if token["k"] != key or offset < 0:
                    raise ValueError("token for another query")
            except (ValueError, KeyError, TypeError, binascii.Error):
                return 400, {"error": "invalid pageToken"}
        try:
            matched = self.select(params)
        except ValueError as exc:
            return 400, {"error": str(exc)}
        body: dict[str, Any] = {"studies": matched[offset : offset + size]}
        if offset + size < len(matched):
            nxt = json.dumps({"o": offset + size, "k": key}).encode()
            body["nextPageToken"] = base64.urlsafe_b64encode(nxt).decode().rstrip("=")
        if params.get("countTotal", "").lower() == "true" and not params.get("pageToken"):
            body["totalCount"] = len(matched)
        return 200, body

    def _study(self, nct: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            study = self._state.studies.get(nct.upper())
        if study is None:
            return 404, {"error": f"Study {nct} not found"}
        return 200, study


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (killed, timed out) is normal here, not an error.
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    replay: ReplayServer
    protocol_version = "HTTP/1.1"
    server_version = "osteotrials-replay/1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output quiet

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        fault = self.replay._take_fault(url.path)
        outcome = fault.kind if fault else "ok"
        record = self.replay._arrive(url.path, params, outcome)
        try:
            if fault is not None and fault.kind == "reset":
                self._reset()
                return
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            elif self.replay._state.latency:
                time.sleep(self.replay._state.latency)
            if fault is not None and fault.kind in {"429", "500", "503"}:
                headers = {}
                if fault.kind in {"429", "503"} and fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                self._send(int(fault.kind), {"error": f"injected {fault.kind}"}, headers)
                return
            if url.path == "/api/v2/studies":
                status, body = self.replay._page(params)
            elif m := _STUDY_PATH_RE.match(url.path):
                status, body = self.replay._study(m.group(1))
            else:
                status, body = 404, {"error": f"no route {url.path}"}
            if fault is not None and fault.kind == "invalid_json":
                self._send_raw(200, b"<html><body>Service temporarily unavailable</body></html>")
                return
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            if fault is not None and fault.kind == "truncated":
                self._send_truncated(payload)
                return
            record.outcome = f"{outcome}:{status}"
            self._send_raw(status, payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout)

    # -- writers -------------------------------------------------------------
    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        self._send_raw(status, json.dumps(body).encode(), headers)

    def _send_raw(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def _send_truncated(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: max(1, len(payload) // 2)])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send a TCP RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def replicate(
    studies: list[dict[str, Any]], total: int, *, start: int = 90_000_000
) -> Iterator[dict[str, Any]]:
    """``total`` studies: copies of ``studies`` under new NCT ids (for benchmarks)."""
    for i in range(total):
        study = json.loads(json.dumps(studies[i % len(studies)]))
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT{start + i:08d}"
        yield study
