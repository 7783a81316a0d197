"""Load generators: wrk (with a Lua script) for single requests, a thread pool for chains.

Both run for a fixed duration against 127.0.0.1 only and stop by themselves. Each returns a
`Result`: completed requests, requests per second, p50/p99 latency and the non-2xx count.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

WRK_DIR = Path(__file__).resolve().parent / "wrk"


@dataclass
class Result:
    scenario: str
    tool: str
    duration_s: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    concurrency: int
    notes: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def as_dict(self) -> dict:
        return {"scenario": self.scenario, "tool": self.tool, "duration_s": self.duration_s,
                "requests": self.requests, "errors": self.errors, "rps": round(self.rps, 1),
                "p50_ms": round(self.p50_ms, 2), "p99_ms": round(self.p99_ms, 2),
                "concurrency": self.concurrency, "notes": self.notes}


def _check_local(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"benchmarks only send traffic to this machine, not to {host}")


def wrk_available() -> bool:
    """wrk is used when installed, unless BENCH_LOAD_TOOL=python asks for the thread pool."""
    return os.environ.get("BENCH_LOAD_TOOL") != "python" and shutil.which("wrk") is not None


def run_wrk(scenario: str, url: str, *, script: str, duration: int, concurrency: int,
            env: dict[str, str] | None = None) -> Result:
    """`wrk -t2 -c<concurrency> -d<duration>s --latency -s <script> <url>`."""
    _check_local(url)
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        out = Path(tmp) / "summary.json"
        run_env = dict(os.environ, **(env or {}), WRK_DIR=str(WRK_DIR), WRK_OUT=str(out))
        threads = max(1, min(2, concurrency))
        command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s",
                   "--timeout", "10s", "--latency", "-s", str(WRK_DIR / script), url]
        completed = subprocess.run(command, env=run_env, capture_output=True, text=True,
                                   timeout=duration + 60)
        if not out.exists():
            raise RuntimeError(f"wrk failed: {completed.stdout}{completed.stderr}")
        summary = json.loads(out.read_text())
    socket_errors = sum(summary[key] for key in
                        ("connect_errors", "read_errors", "write_errors", "timeouts"))
    notes = [f"{socket_errors} socket errors"] if socket_errors else []
    return Result(scenario=scenario, tool="wrk", duration_s=summary["duration_us"] / 1e6,
                  requests=summary["requests"], errors=summary["status_errors"] + socket_errors,
                  p50_ms=summary["p50_us"] / 1000, p99_ms=summary["p99_us"] / 1000,
                  concurrency=concurrency, notes=notes)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


# A step sends one request with the thread's session and returns the response.
Step = Callable[[requests.Session], requests.Response]


def run_threads(scenario: str, chain: Callable[[requests.Session], list[requests.Response]], *,
                duration: int, concurrency: int) -> Result:
    """`concurrency` threads repeat `chain` (one or more requests) until `duration` is over.

    Latency is the whole chain's; a chain counts as an error when any of its answers is not
    2xx. Only chains finished before the deadline are counted.
    """
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + duration

    def worker() -> None:
        nonlocal errors
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    responses = chain(session)
                    ok = all(200 <= r.status_code < 300 for r in responses)
                    codes = [r.status_code for r in responses]
                except requests.RequestException:
                    ok, codes = False, [0]
                ended = time.perf_counter()
                if ended > deadline:
                    break
                with lock:
                    latencies.append((ended - began) * 1000)
                    errors += not ok
                    for code in codes:
                        statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 60)
    elapsed = min(time.perf_counter(), deadline) - start
    notes = []
    bad = {code: count for code, count in statuses.items() if not 200 <= code < 300}
    if bad:
        notes.append("non-2xx: " + ", ".join(f"{code}x{count}"
                                             for code, count in sorted(bad.items())))
    return Result(scenario=scenario, tool="python threads", duration_s=elapsed,
                  requests=len(latencies), errors=errors, p50_ms=percentile(latencies, 50),
                  p99_ms=percentile(latencies, 99), concurrency=concurrency, notes=notes)


def merge(parts: list[Result]) -> Result:
    """Rounds of one scenario as one: summed requests and time, the median p50 and p99."""
    first = parts[0]
    return Result(scenario=first.scenario, tool=first.tool,
                  duration_s=sum(p.duration_s for p in parts),
                  requests=sum(p.requests for p in parts), errors=sum(p.errors for p in parts),
                  p50_ms=statistics.median(p.p50_ms for p in parts),
                  p99_ms=statistics.median(p.p99_ms for p in parts),
                  concurrency=first.concurrency,
                  notes=[note for p in parts for note in p.notes])


def run_get(scenario: str, url: str, *, duration: int, concurrency: int) -> Result:
    """A GET scenario: wrk when installed, else the thread pool."""
    if wrk_available():
        return run_wrk(scenario, url, script="get.lua", duration=duration,
                       concurrency=concurrency)
    _check_local(url)
    return run_threads(scenario, lambda session: [session.get(url, timeout=10)],
                       duration=duration, concurrency=concurrency)
