"""The API v2 client against the loopback replay server (real HTTP, real snapshot records)."""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import random
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from osteotrials.sources.ctgov_api import (
    CtgovBadResponse,
    CtgovClient,
    CtgovHTTPError,
    CtgovNotFound,
    CtgovUnavailable,
    RateLimiter,
    RetryPolicy,
    StudyQuery,
    parse_retry_after,
    status_tuple,
)
from support.replay_server import Fault, ReplayServer, last_update_of, nct_of, snapshot_studies

SNAPSHOT = snapshot_studies()


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(SNAPSHOT) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clean(server: ReplayServer) -> Iterator[None]:
    server.clear_faults()
    server.clear_log()
    yield
    server.clear_faults()


class SleepLog:
    """Records the delays the client asks for and sleeps a capped amount of them."""

    def __init__(self, cap: float = 0.01) -> None:
        self.delays: list[float] = []
        self.cap = cap

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        time.sleep(min(seconds, self.cap))


def make_client(server: ReplayServer, **kw: object) -> CtgovClient:
    kw.setdefault("requests_per_minute", None)
    kw.setdefault("retry", RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05))
    return CtgovClient(server.base_url, **kw)  # type: ignore[arg-type]


# -- paging and filters -------------------------------------------------------
def test_paging_returns_every_snapshot_record_once(server: ReplayServer) -> None:
    with make_client(server) as client:
        pages = list(client.iter_pages(page_size=100))
    assert len(pages) == 13  # 1253 records in pages of 100
    assert pages[0].total_count == 1253
    assert all(p.total_count is None for p in pages[1:])  # totalCount on the first page only
    assert pages[-1].next_page_token is None
    ids = [nct_of(s) for p in pages for s in p.studies]
    assert len(ids) == len(set(ids)) == 1253
    assert ids == sorted(nct_of(s) for s in SNAPSHOT)
    # Records arrive exactly as served (the real snapshot content).
    by_id = {nct_of(s): s for s in SNAPSHOT}
    assert all(s == by_id[nct_of(s)] for p in pages for s in p.studies)
    sizes = {len(p.studies) for p in pages[:-1]}
    assert sizes == {100} and len(pages[-1].studies) == 53
    assert [r.params.get("pageSize") for r in server.requests] == ["100"] * 13


def test_status_filter_matches_the_snapshot_counts(server: ReplayServer) -> None:
    expected = sum(
        1
        for s in SNAPSHOT
        if s["protocolSection"].get("statusModule", {}).get("overallStatus")
        in {"RECRUITING", "NOT_YET_RECRUITING"}
    )
    assert expected == 195
    query = StudyQuery(statuses=("RECRUITING", "NOT_YET_RECRUITING"))
    with make_client(server) as client:
        studies = list(client.iter_studies(query, page_size=50))
        assert client.count(query) == expected
        assert client.count(StudyQuery(statuses=("COMPLETED",))) == 1
    assert len(studies) == expected
    assert {s["protocolSection"]["statusModule"]["overallStatus"] for s in studies} == {
        "RECRUITING",
        "NOT_YET_RECRUITING",
    }
    assert server.requests[0].params["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING"


def test_since_filter_sends_the_advanced_range_and_filters_by_date(server: ReplayServer) -> None:
    since = dt.date(2024, 1, 1)
    expected = sorted(nct_of(s) for s in SNAPSHOT if (last_update_of(s) or "") >= "2024-01-01")
    assert 0 < len(expected) < len(SNAPSHOT)
    with make_client(server) as client:
        got = [nct_of(s) for s in client.iter_studies(StudyQuery(since=since), page_size=1000)]
    assert got == expected
    assert server.requests[0].params["filter.advanced"] == (
        "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    )


def test_condition_and_term_queries(server: ReplayServer) -> None:
    cond = StudyQuery(condition="metastatic breast cancer")
    term = StudyQuery(term="zoledronic")
    with make_client(server) as client:
        c = [nct_of(s) for s in client.iter_studies(cond)]
        t = [nct_of(s) for s in client.iter_studies(term)]
    assert c == [nct_of(s) for s in server.select(cond.params())] and len(c) > 10
    assert t == [nct_of(s) for s in server.select(term.params())]
    assert "NCT00869206" in t  # CALGB 70604, zoledronic acid every 4 vs 12 weeks
    assert server.requests[0].params["query.cond"] == "metastatic breast cancer"


def test_get_study_and_unknown_id(server: ReplayServer) -> None:
    with make_client(server) as client:
        study = client.get_study("nct03377387")
        assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT03377387"
        with pytest.raises(CtgovNotFound, match="NCT99999999"):
            client.get_study("NCT99999999")
        with pytest.raises(ValueError, match="not an NCT id"):
            client.get_study("12345")
    # A 404 is final: asked once, not retried.
    assert [r.path for r in server.requests].count("/api/v2/studies/NCT99999999") == 1


def test_page_size_bounds_are_checked_before_sending(server: ReplayServer) -> None:
    with make_client(server) as client, pytest.raises(ValueError, match="page_size"):
        client.search_page(page_size=1001)
    assert server.requests == []


def test_bad_request_is_not_retried(server: ReplayServer) -> None:
    with make_client(server) as client:
        with pytest.raises(CtgovHTTPError, match="HTTP 400") as info:
            client.search_page(page_token="not-a-token")
        assert info.value.status_code == 400
    assert len(server.requests) == 1


# -- faults -------------------------------------------------------------------
def test_429_honours_retry_after_seconds(server: ReplayServer) -> None:
    server.inject(Fault("429", retry_after=1), times=1)
    started = time.monotonic()
    with CtgovClient(
        server.base_url,
        requests_per_minute=None,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02),
    ) as client:
        page = client.search_page(page_size=5)
    elapsed = time.monotonic() - started
    assert len(page.studies) == 5
    assert elapsed >= 1.0  # really waited for Retry-After, not the 10 ms backoff
    assert [r.outcome for r in server.requests] == ["429", "ok:200"]
    gap = server.requests[1].at - server.requests[0].at
    assert gap >= 0.95


def test_429_with_http_date_retry_after(server: ReplayServer) -> None:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    server.inject(Fault("429", retry_after=email.utils.format_datetime(when, usegmt=True)))
    sleeps = SleepLog()
    with make_client(server, sleep=sleeps) as client:
        client.search_page(page_size=1)
    assert len(sleeps.delays) == 1 and 27 <= sleeps.delays[0] <= 31


def test_retry_after_beyond_the_limit_gives_up_with_a_clear_error(server: ReplayServer) -> None:
    server.inject(Fault("429", retry_after=7200), times=5)
    sleeps = SleepLog()
    policy = RetryPolicy(max_attempts=5, base_delay=0.01, max_retry_after=600)
    with (
        make_client(server, sleep=sleeps, retry=policy) as client,
        pytest.raises(CtgovUnavailable, match="asked to wait 7200 s"),
    ):
        client.search_page(page_size=1)
    assert sleeps.delays == [] and len(server.requests) == 1


@pytest.mark.parametrize("kind", ["500", "503", "truncated", "invalid_json", "reset"])
def test_each_fault_is_retried_then_succeeds(server: ReplayServer, kind: str) -> None:
    server.inject(Fault(kind, retry_after=None), times=2)  # type: ignore[arg-type]
    sleeps = SleepLog()
    retries: list[tuple[int, str]] = []
    with make_client(
        server, sleep=sleeps, on_retry=lambda n, why, _d: retries.append((n, why))
    ) as client:
        page = client.search_page(page_size=7)
    assert [nct_of(s) for s in page.studies] == [nct_of(s) for s in SNAPSHOT[:7]]
    assert [r.outcome for r in server.requests][:2] == [kind, kind]
    assert server.requests[-1].outcome == "ok:200"
    assert [n for n, _ in retries] == [1, 2] and len(sleeps.delays) == 2
    reasons = " ".join(why for _, why in retries)
    expected = {
        "500": "HTTP 500",
        "503": "HTTP 503",
        "invalid_json": "invalid JSON",
        "truncated": "",
        "reset": "",
    }[kind]
    assert expected in reasons


def test_slow_response_times_out_and_is_retried(server: ReplayServer) -> None:
    server.inject(Fault("slow", delay=1.5), times=1)
    sleeps = SleepLog()
    retries: list[str] = []
    with make_client(
        server, sleep=sleeps, timeout=0.3, on_retry=lambda _n, why, _d: retries.append(why)
    ) as client:
        study = client.get_study("NCT00869206")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT00869206"
    assert retries and retries[0].startswith("timeout")


def test_retry_budget_exhausted_names_attempts_and_last_error(server: ReplayServer) -> None:
    server.inject(Fault("500"), times=10)
    sleeps = SleepLog()
    policy = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4.0, rng=random.Random(3))
    with (
        make_client(server, sleep=sleeps, retry=policy) as client,
        pytest.raises(CtgovUnavailable) as info,
    ):
        client.search_page(page_size=1)
    err = info.value
    assert err.attempts == 4 and "HTTP 500" in err.last_error
    assert "after 4 attempts" in str(err) and server.base_url in str(err)
    assert len(server.requests) == 4
    # Exponential backoff with full jitter: delay n lies in (0, 0.5 * 2^(n-1)].
    assert len(sleeps.delays) == 3
    for n, d in enumerate(sleeps.delays, start=1):
        assert 0 < d <= 0.5 * 2 ** (n - 1)


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(0))
    samples = {n: [policy.backoff(n) for _ in range(400)] for n in range(1, 7)}
    for n, values in samples.items():
        ceiling = min(8.0, 2 ** (n - 1))
        assert all(0 < v <= ceiling for v in values)
        assert max(values) > 0.9 * ceiling  # jitter spreads over the whole range
    assert sum(samples[3]) > sum(samples[1])


def test_offline_registry_gives_a_clear_error() -> None:
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = SleepLog()
    client = CtgovClient(
        f"http://127.0.0.1:{port}",
        requests_per_minute=None,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01),
        sleep=sleeps,
    )
    with client, pytest.raises(CtgovUnavailable, match=r"unavailable.*after 3 attempts") as info:
        client.search_page()
    assert "ConnectError" in info.value.last_error


def test_chaos_run_still_returns_every_record(server: ReplayServer) -> None:
    server.chaos(0.3, seed=11, retry_after=0.01, delay=0.5)
    with make_client(
        server, timeout=0.25, retry=RetryPolicy(max_attempts=12, base_delay=0.005, max_delay=0.02)
    ) as client:
        ids = [nct_of(s) for s in client.iter_studies(page_size=50)]
    assert ids == sorted(nct_of(s) for s in SNAPSHOT)
    outcomes = {r.outcome for r in server.requests}
    assert len(outcomes - {"ok:200"}) >= 3  # several fault kinds really happened


def test_bad_shape_is_reported(server: ReplayServer) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"studies": "nope"})

    with (
        CtgovClient(
            "http://registry.invalid",
            transport=httpx.MockTransport(handler),
            requests_per_minute=None,
        ) as client,
        pytest.raises(CtgovBadResponse, match="'studies' list"),
    ):
        client.search_page()


# -- rate limit and transport -------------------------------------------------
def test_rate_limit_spaces_requests_on_the_wire(server: ReplayServer) -> None:
    with CtgovClient(server.base_url, requests_per_minute=600) as client:  # one per 0.1 s
        for _ in range(6):
            client.search_page(page_size=1)
    times = [r.at for r in server.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Spacing is enforced at the client; arrival times jitter a little under load.
    assert len(gaps) == 5 and min(gaps) >= 0.05
    assert times[-1] - times[0] >= 0.45


def test_rate_limiter_default_is_50_per_minute_with_a_fake_clock() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(50, clock=lambda: now[0], sleep=sleep)
    starts = []
    for _ in range(51):
        limiter.acquire()
        starts.append(now[0])
    # 51 starts need at least 60 s: never more than 50 within any minute.
    assert starts[-1] - starts[0] == pytest.approx(60.0)
    assert all(b - a == pytest.approx(1.2) for a, b in itertools.pairwise(starts))
    assert CtgovClient().rate_limiter.interval == pytest.approx(1.2)


def test_injectable_transport_sees_every_request(server: ReplayServer) -> None:
    seen: list[str] = []

    class Counting(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request.url.path)
            return super().handle_request(request)

    server.inject("500", times=1)
    with make_client(server, transport=Counting(), sleep=SleepLog()) as client:
        client.get_study("NCT02513394")
    assert seen == ["/api/v2/studies/NCT02513394"] * 2
    assert client.requests_sent == 2


# -- helpers ------------------------------------------------------------------
def test_parse_retry_after() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_query_parameters_and_status_names() -> None:
    q = StudyQuery(
        condition="breast cancer",
        term="bone",
        statuses=status_tuple("recruiting, not-yet-recruiting"),
        since=dt.date(2026, 1, 1),
        advanced="AREA[Phase]PHASE3",
    )
    assert q.params() == {
        "query.cond": "breast cancer",
        "query.term": "bone",
        "filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING",
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX] AND (AREA[Phase]PHASE3)",
    }
    with pytest.raises(ValueError, match="unknown overall status OPEN"):
        StudyQuery(statuses=("OPEN",))
