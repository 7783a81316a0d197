"""Does keeping connections open between services pay? One service twice, interleaved.

    .venv/bin/python bench/keepalive.py [--calls 400] [--rounds 5]

Starts product_service twice on the bench database (made by a `bench/run.py` run): once under
sync workers (every connection closed after its response) and once under gthread workers with
`--keep-alive 5`, then sends the same sequential calls to both through one pooled `requests`
session per target, as `common.http`'s client does, in interleaved rounds: `GET /healthz`
(the call's own cost) and `GET /api/products/<id>`. Reports the median wall time per call and
the caller's CPU per call. Writes nothing; prints a markdown table. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack as bench_stack
from stack import Stack, log

PRODUCT = "10000000-0000-4000-8000-000000000001"
VARIANTS = {"sync": ("sync", None), "gthread, keep-alive 5 s": ("gthread", 5)}


def _start(variant: str, base_port: int) -> Stack:
    worker_class, keepalive = VARIANTS[variant]
    ports = bench_stack.ports_or_free({"product_service": base_port})
    env = bench_stack.base_env({**{s: 1 for s in bench_stack.SERVICES}, **ports})
    stack = Stack(ports=ports, env=env, workers=2, threads=1, worker_class=worker_class,
                  keepalive=keepalive)
    stack.start_service("product_service")
    if not stack.wait_ready("product_service"):
        stack.stop()
        raise SystemExit(f"product_service ({variant}) did not start: "
                         f"{stack.log_tail('product_service')}")
    return stack


def _round(session: requests.Session, url: str, calls: int) -> tuple[float, float]:
    """Median wall ms per call, and the caller's CPU ms per call."""
    walls = []
    cpu = time.process_time()
    for _ in range(calls):
        began = time.perf_counter()
        response = session.get(url, timeout=10)
        walls.append((time.perf_counter() - began) * 1000)
        response.raise_for_status()
    return statistics.median(walls), (time.process_time() - cpu) * 1000 / calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per round and path")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--base-port", type=int, default=3190)
    args = parser.parse_args(argv)
    stacks = {}
    try:
        for offset, variant in enumerate(VARIANTS):
            stacks[variant] = _start(variant, args.base_port + offset)
        sessions = {variant: requests.Session() for variant in VARIANTS}
        for session in sessions.values():
            session.trust_env = False
        figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for number in range(1, args.rounds + 1):
            log(f"round {number}/{args.rounds}")
            for path in ("/healthz", f"/api/products/{PRODUCT}"):
                for variant, stack in stacks.items():
                    url = f"{stack.url('product_service')}{path}"
                    figures.setdefault((path, variant), []).append(
                        _round(sessions[variant], url, args.calls))
    finally:
        for stack in stacks.values():
            stack.stop()
    print("| call | server workers | median ms per call | caller CPU ms per call |")
    print("|---|---|---:|---:|")
    for (path, variant), rounds in figures.items():
        wall = statistics.median(r[0] for r in rounds)
        cpu = statistics.median(r[1] for r in rounds)
        print(f"| GET {path.replace(PRODUCT, '<id>')} | {variant} | {wall:.2f} | {cpu:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
