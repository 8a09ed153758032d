"""Web/REST load benchmark: many concurrent clients posting match requests on loopback.

Starts ``osteotrials serve`` (one uvicorn process, as a user runs it) on a free
127.0.0.1 port over the bundled snapshot, warms it up with one request, then
runs ``--clients`` concurrent clients that each post ``--requests`` match
requests (the six example patients in turn, ``POST /api/match?limit=20``).
Every response must be a 200 with a JSON list; anything else counts as an
error. Reports p50 / p90 / p99 / max latency and throughput. Bounded: at most
clients x requests requests, and the run stops after ``--max-seconds``.

Usage: python benchmarks/bench_web.py [--clients 100] [--requests 5] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import yaml

from benchmarks._report import write_section
from osteotrials.store.bundle import bundled_database

ROOT = Path(__file__).resolve().parent.parent
PATIENTS = sorted((ROOT / "examples" / "patients").glob("*.yaml"))
AS_OF = "2026-01-05"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def patient_bodies() -> list[dict[str, Any]]:
    bodies = []
    for path in PATIENTS:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        bodies.append(data)
    return bodies


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "osteotrials", "--db", str(db), "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/about", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


async def client_run(
    base: str, bodies: list[dict[str, Any]], client_no: int, requests: int, stop_at: float
) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        for i in range(requests):
            if time.monotonic() > stop_at:
                errors.append("time limit reached before the request was sent")
                break
            body = bodies[(client_no + i) % len(bodies)]
            start = time.perf_counter()
            try:
                response = await client.post(
                    "/api/match", params={"limit": 20, "as_of": AS_OF}, json=body
                )
                ok = response.status_code == 200 and isinstance(response.json(), list)
                if not ok:
                    errors.append(f"HTTP {response.status_code}")
            except (httpx.HTTPError, ValueError) as exc:
                errors.append(type(exc).__name__)
                continue
            latencies.append(time.perf_counter() - start)
    return latencies, errors


async def load(base: str, clients: int, requests: int, max_seconds: float) -> dict[str, Any]:
    bodies = patient_bodies()
    stop_at = time.monotonic() + max_seconds
    started = time.perf_counter()
    results = await asyncio.gather(
        *(client_run(base, bodies, n, requests, stop_at) for n in range(clients))
    )
    wall = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = [e for _, errs in results for e in errs]
    return {"latencies": latencies, "errors": errors, "wall": wall}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=5, help="match requests per client")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1 or args.clients * args.requests > 20000:
        parser.error("clients x requests must be between 1 and 20,000")

    db = bundled_database()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        proc = start_server(db, port, log)
        try:
            bodies = patient_bodies()
            t0 = time.perf_counter()
            first = httpx.post(
                f"{base}/api/match",
                params={"limit": 20, "as_of": AS_OF},
                json=bodies[0],
                timeout=300,
            )
            first.raise_for_status()
            warm = time.perf_counter() - t0
            t0 = time.perf_counter()
            single = []
            for body in bodies * 3:
                t0 = time.perf_counter()
                httpx.post(
                    f"{base}/api/match",
                    params={"limit": 20, "as_of": AS_OF},
                    json=body,
                    timeout=300,
                ).raise_for_status()
                single.append(time.perf_counter() - t0)
            load_before = os.getloadavg()[0]
            result = asyncio.run(load(base, args.clients, args.requests, args.max_seconds))
            load_after = os.getloadavg()[0]
            server_output = log.read_text(errors="replace")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    lat = result["latencies"]
    errors = result["errors"]
    total = args.clients * args.requests
    trials = len(first.json())
    leaked = any(
        body.get("postal_code", "") in server_output for body in bodies if body.get("postal_code")
    )
    lines = [
        f"`python benchmarks/bench_web.py --clients {args.clients} --requests {args.requests}`: "
        f"`osteotrials serve` (one uvicorn process, default settings) on 127.0.0.1 over the "
        f"bundled snapshot; {args.clients} concurrent clients (one keep-alive connection "
        f"each) each post {args.requests} `POST /api/match?limit=20` requests with the six "
        "example patients in turn.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests sent / answered 200 | {total} / {len(lat) - sum(1 for e in errors if e.startswith('HTTP'))} |",
        f"| errors | {len(errors)} |",
        f"| first request after start-up (index built in the background) | {warm * 1000:.0f} ms |",
        f"| one client alone, median | {statistics.median(single) * 1000:.0f} ms |",
        f"| under load: p50 | {pct(lat, 50) * 1000:.0f} ms |",
        f"| under load: p90 | {pct(lat, 90) * 1000:.0f} ms |",
        f"| under load: p99 | {pct(lat, 99) * 1000:.0f} ms |",
        f"| under load: max | {max(lat) * 1000 if lat else float('nan'):.0f} ms |",
        f"| throughput | {len(lat) / result['wall']:.1f} requests/s ({result['wall']:.1f} s wall) |",
        f"| trials per response | {trials} (of those matched; `limit=20`) |",
        f"| patient data in the server's output | {'yes (bug)' if leaked else 'none'} |",
        f"| machine load average (1 min) before / after the run | {load_before:.1f} / "
        f"{load_after:.1f} on {os.cpu_count()} cores |",
        "",
        "Matching is CPU-bound Python and one server process matches one patient at a "
        "time, so throughput is about one request per match time and latency under load "
        "is mostly queueing behind the other clients. For more throughput run several server processes behind a "
        "proxy; each keeps its own match index in memory. The web pages' results view "
        "ranks all trials but explains only the cards it shows, so it is faster than "
        "`/api/match` on the same patient. The machine was shared with other work during "
        "the run (see the load average), so the figures vary between runs (up to twofold).",
    ]
    body = "\n".join(lines)
    print(body)
    if errors:
        print(f"errors: {sorted(set(errors))}", file=sys.stderr)
    if not args.no_write:
        write_section("web", "Web and REST API", body)
    return 1 if errors or leaked else 0


if __name__ == "__main__":
    os.environ.setdefault("COLUMNS", "120")
    raise SystemExit(main())
