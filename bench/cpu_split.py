"""CPU time per order and per purchase, service by service.

    .venv/bin/python bench/cpu_split.py [--duration 10] [--threads 4]

Starts the bench stack (bench/stack.py: every service under gunicorn on PostgreSQL, the
purchase worker too), then runs three loads one after the other with `--threads` client
threads: orders alone, the purchase chain (an order, then its purchase, answered at the end
of the saga) and the chain with `Prefer: respond-async` (answered once the payment is
authorized; the worker does the rest, and the load waits for it to finish before reading the
figures). For each it reads every process group's CPU time from /proc before and after and
prints the milliseconds of CPU each service spent per chain, the load generator's own, and the
chains per second. Latency is bench/run.py's business; this answers "where does the CPU go".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import run
import stack as bench_stack
from stack import Stack, log

from launcher.processes import group_cpu_seconds

WORKER = "store_worker"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per load")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--base-port", type=int, default=3300)
    return parser.parse_args(argv)


def _cpu(stack: Stack) -> dict[str, float]:
    return {name: group_cpu_seconds(process.popen.pid)
            for name, process in stack.processes.items()}


def _open_purchases(stack: Stack, headers: dict) -> int:
    url = f"{stack.url('store_service')}/api/purchases"
    return sum(requests.get(url, params={"state": state, "limit": 1}, headers=headers,
                            timeout=30).json()["count"]
               for state in ("RECEIVED", "PAYMENT_AUTHORIZED", "ORDER_REQUESTED"))


def measure(stack: Stack, name: str, chain, *, duration: int, threads: int,
            drain: dict | None = None) -> None:
    """Run `chain` for `duration` s and print CPU ms per chain per process group; with `drain`
    (the customer's headers), wait until no purchase is open before reading the CPU."""
    load.run_threads(name, chain, duration=2, concurrency=threads)  # warm-up
    if drain is not None:
        _wait_settled(stack, drain)
    before, client_before = _cpu(stack), time.process_time()
    result = load.run_threads(name, chain, duration=duration, concurrency=threads)
    client = time.process_time() - client_before
    if drain is not None:
        _wait_settled(stack, drain)
    after = _cpu(stack)
    chains = max(result.requests, 1)
    print(f"\n{name}: {result.requests} chains, {result.rps:.1f} per second, "
          f"{result.errors} errors")
    total = 0.0
    for group in sorted(after, key=lambda g: after[g] - before.get(g, 0), reverse=True):
        per_chain = (after[group] - before.get(group, 0)) * 1000 / chains
        total += per_chain
        if per_chain >= 0.05:
            print(f"  {group:24s} {per_chain:6.1f} ms CPU per chain")
    print(f"  {'(all services)':24s} {total:6.1f} ms")
    print(f"  {'(load generator)':24s} {client * 1000 / chains:6.1f} ms")


def _wait_settled(stack: Stack, headers: dict, timeout: float = 300) -> None:
    give_up = time.monotonic() + timeout
    while _open_purchases(stack, headers) and time.monotonic() < give_up:
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ports = bench_stack.pick_ports(args.base_port)
    stack = Stack(ports=ports, env=bench_stack.base_env(ports))
    try:
        ready, token = run.bring_up(stack, fresh=True)
        missing = {"order_service", "store_service", "payment_service", "supplier_service",
                   "carrier_service"} - set(ready)
        if missing or token is None:
            raise SystemExit(f"not running: {sorted(missing)}\n" + "\n".join(stack.notes))
        stack.start_manage(WORKER, "store_service", "process_purchases")
        headers = {"Authorization": f"Bearer {token}"}
        orders = f"{stack.url('order_service')}/api/orders"
        purchases = f"{stack.url('store_service')}/api/purchases"

        def order(session):
            return [session.post(orders, json=run._order_body(3), headers=headers, timeout=30)]

        def purchase_chain(extra: dict):
            def chain(session):
                made = order(session)
                if made[0].status_code != 201:
                    return made
                return [*made, session.post(
                    purchases, headers={**headers, **extra}, timeout=30,
                    json={"order_id": made[0].json()["id"], "address": run.ADDRESS,
                          "payment": run.PAYMENT})]
            return chain

        log(f"measuring, {args.threads} threads, {args.duration} s each")
        measure(stack, "POST /api/orders (3 items)", order, duration=args.duration,
                threads=args.threads)
        measure(stack, "order + purchase (answered at the end)", purchase_chain({}),
                duration=args.duration, threads=args.threads, drain=headers)
        measure(stack, "order + purchase (Prefer: respond-async; worker finishes)",
                purchase_chain({"Prefer": "respond-async"}), duration=args.duration,
                threads=args.threads, drain=headers)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
