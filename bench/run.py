"""Throughput and latency of the services against a bare-Django baseline, on PostgreSQL.

    .venv/bin/pip install -r bench/requirements.txt      # once (matplotlib, pyinstrument)
    apt-get install -y wrk                                # once (else a Python load generator)
    .venv/bin/python bench/run.py [--duration 20] [--concurrency 16] [--profile]

Sets up `bench_<service>` databases (migrate, dev admin, demo data), starts every service that
exists and the baseline (bench/baseline) under the same gunicorn settings on bench ports,
measures each scenario for a fixed time, writes bench/results/latest.md, latest.json and
latest.png (committed), a row of bench/results/history.md (committed) and <UTC timestamp>.md
(git-ignored), and stops every process it started, also on Ctrl-C or error.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load
import report
import stack as bench_stack
from stack import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BASELINE,
    BASELINE_ORDERS,
    CUSTOMER_EMAIL,
    CUSTOMER_PASSWORD,
    SERVICES,
    Stack,
    log,
)

RESULTS = bench_stack.BENCH / "results"
DEMO_PRODUCTS = [f"10000000-0000-4000-8000-{n:012d}" for n in range(1, 21)]
BENCH_STOCK = 1_000_000_000
ADDRESS = {"street": "Avenida Paulista", "number": "1000", "district": "Bela Vista",
           "city": "São Paulo", "state": "SP", "zip_code": "01310-100", "country": "BR"}
PAYMENT = {"card_token": "tok_visa"}  # payment_service's always-approved test card


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded seconds before each")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of the read scenarios (baseline next to service)")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per service")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="",
                        help="gunicorn worker class (default: sync with one thread, gthread "
                             "with more); gthread keeps connections alive between requests")
    parser.add_argument("--keepalive", type=int, default=None,
                        help="gunicorn --keep-alive seconds (gthread workers only)")
    parser.add_argument("--base-port", type=int, default=3100,
                        help="baseline port; services on the next ones (another free one if taken)")
    parser.add_argument("--keep-db", action="store_true",
                        help="reuse the bench databases instead of recreating them")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the order create and product list paths (pyinstrument)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator of the single-request scenarios (auto: wrk if "
                             "installed, else the Python thread pool)")
    parser.add_argument("--label", default="", help="a note written into the results")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder of the results (default bench/results)")
    return parser.parse_args(argv)


# ---- setup -----------------------------------------------------------------------------------

def set_up_service(service: str, env: dict[str, str], notes: list[str]) -> bool:
    for command in ("migrate", "ensure_dev_admin", "seed_demo"):
        if command == "seed_demo" and not bench_stack.has_command(service, "seed_demo"):
            continue
        args = ("migrate", "--noinput") if command == "migrate" else (command,)
        done = bench_stack.manage(service, env, *args)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            notes.append(f"{service} skipped: `manage.py {command}` failed ({tail[0][:200]})")
            return False
    return True


def start(stack: Stack, services: list[str]) -> list[str]:
    """Start the baseline, the services and, with order_service, the order floor's order
    half; the names of those that answer /healthz."""
    stack.start_baseline()
    for service in services:
        stack.start_service(service)
    floor = [BASELINE_ORDERS] if "order_service" in services else []
    if floor:
        stack.start_baseline_orders()
    ready = []
    for name in [BASELINE, *services, *floor]:
        if stack.wait_ready(name):
            ready.append(name)
        else:
            stack.notes.append(f"{name} did not start: {stack.log_tail(name, 3)[-300:]}")
    return ready


def bring_up(stack: Stack, *, fresh: bool) -> tuple[list[str], str | None]:
    """Databases, migrations, demo data, every process started and the demo stock raised:
    the names of the processes that answer, and the demo customer's token."""
    present = [s for s in SERVICES if bench_stack.service_exists(s)]
    stack.notes += [f"{s} skipped: not in the tree yet" for s in SERVICES if s not in present]
    log(f"setting up bench databases for {', '.join(present)}")
    bench_stack.ensure_databases(present, fresh=fresh)
    services = [s for s in present if set_up_service(s, stack.env, stack.notes)]
    log(f"starting gunicorn ({stack.gunicorn_settings()}) on "
        + ", ".join(f"{n}:{p}" for n, p in stack.ports.items()))
    ready = start(stack, services)
    if not {"user_service", "product_service", BASELINE} <= set(ready):
        raise SystemExit("user_service, product_service and the baseline must start:\n"
                         + "\n".join(stack.notes))
    user_token = login(stack, CUSTOMER_EMAIL, CUSTOMER_PASSWORD)
    admin_token = login(stack, ADMIN_EMAIL, ADMIN_PASSWORD)
    if admin_token:
        raise_stock(stack, admin_token)
    return ready, user_token


def login(stack: Stack, email: str, password: str) -> str | None:
    response = requests.post(f"{stack.url('user_service')}/api/auth/login",
                             json={"email": email, "password": password}, timeout=30)
    if response.status_code != 200:
        stack.notes.append(f"login of {email} answered {response.status_code}")
        return None
    return response.json()["access"]


def raise_stock(stack: Stack, admin_token: str) -> None:
    """Stock high enough that no order scenario runs out (PATCH as ADMIN)."""
    for product_id in DEMO_PRODUCTS:
        response = requests.patch(f"{stack.url('product_service')}/api/products/{product_id}",
                                  json={"stock": BENCH_STOCK}, timeout=30,
                                  headers={"Authorization": f"Bearer {admin_token}"})
        if response.status_code != 200:
            stack.notes.append(f"PATCH stock of {product_id} answered {response.status_code}")


def compare_with_baseline(stack: Stack) -> None:
    """The baseline must answer what product_service answers, else the comparison is unfair."""
    path = "/api/products?limit=20"
    service = requests.get(f"{stack.url('product_service')}{path}", timeout=30).json()
    baseline = requests.get(f"{stack.url(BASELINE)}{path}", timeout=30).json()
    if service == baseline:
        stack.notes.append("baseline answer checked: identical JSON to product_service's "
                           f"`GET {path}` ({len(service['results'])} products)")
    else:
        stack.notes.append("WARNING: the baseline's answer differs from product_service's")


# ---- scenarios -------------------------------------------------------------------------------

def measure(args, name: str, run, *, seconds: int | None = None) -> load.Result:
    """A warm-up of `args.warmup` seconds (not recorded), then the recorded run."""
    if args.warmup:
        run(args.warmup)
    seconds = seconds or args.duration
    log(f"  {name} ({seconds} s)")
    result = run(seconds)
    log(f"    {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
        f"{result.errors} errors")
    return result


def read_scenarios(args, stack: Stack, scenarios: list[tuple[str, str, str]]) -> list:
    """The read scenarios in `args.rounds` interleaved rounds (baseline, service, ...).

    Other work on a shared machine comes and goes; interleaving puts each service run next to
    its baseline run, so their ratio is fair even when absolute figures drift. Each round
    lasts duration / rounds seconds; the rounds of a scenario are merged.
    """
    urls = {name: f"{stack.url(target)}{path}" for name, target, path in scenarios}
    for name in urls:  # warm-up, not recorded
        if args.warmup:
            load.run_get(name, urls[name], duration=args.warmup, concurrency=args.concurrency)
    seconds = max(1, round(args.duration / args.rounds))
    runs: dict[str, list[load.Result]] = {name: [] for name in urls}
    for number in range(1, args.rounds + 1):
        for name, url in urls.items():
            log(f"  {name} (round {number}/{args.rounds}, {seconds} s)")
            runs[name].append(load.run_get(name, url, duration=seconds,
                                           concurrency=args.concurrency))
    merged = []
    for name, parts in runs.items():
        result = load.merge(parts)
        log(f"    {name}: {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.errors} errors")
        merged.append(result)
    return merged


def _order_body(count: int) -> dict:
    return {"items": [{"product_id": product_id, "quantity": 1}
                      for product_id in random.sample(DEMO_PRODUCTS, count)]}


def order_create_scenario(args, stack: Stack, token: str) -> list[load.Result] | str:
    """Order create at full load, then unloaded: detail and order create on one connection.
    The order floor (bench/baseline, baseline_project.orders) is measured beside each order
    run when it started: the same request, answered by bare Django with the same statements.

    Under a closed-loop load p50 is mostly queueing (about connections / throughput), so the
    p50 target is also judged with one connection, where p50 is the time the request takes.
    """
    targets = {report.ORDER: "order_service"}
    if BASELINE_ORDERS in stack.processes:
        targets[report.FLOOR] = BASELINE_ORDERS
    headers = {"Authorization": f"Bearer {token}"}
    for name, target in targets.items():
        smoke = requests.post(f"{stack.url(target)}/api/orders", json=_order_body(3),
                              headers=headers, timeout=30)
        if smoke.status_code != 201:
            return f"{name} answered {smoke.status_code}: {smoke.text[:200]}"

    def runner(name: str, target: str, connections: int):
        url = f"{stack.url(target)}/api/orders"
        if load.wrk_available():
            return lambda seconds: load.run_wrk(
                name, url, script="order_create.lua", duration=seconds,
                concurrency=connections, env={"WRK_TOKEN": token})
        return lambda seconds: load.run_threads(name, lambda session: [session.post(
            url, json=_order_body(3), headers=headers, timeout=30)],
            duration=seconds, concurrency=connections)

    results = [measure(args, name, runner(name, target, args.concurrency))
               for name, target in targets.items()]
    detail = f"{stack.url('product_service')}/api/products/{DEMO_PRODUCTS[0]}"
    seconds = max(2, args.duration // 2)
    results.append(measure(args, report.DETAIL_1, lambda s: load.run_get(
        report.DETAIL_1, detail, duration=s, concurrency=1), seconds=seconds))
    for name, target in targets.items():
        one = report.ONE_CONNECTION[name]
        results.append(measure(args, one, runner(one, target, 1), seconds=seconds))
    return results


def purchase_scenario(args, stack: Stack, token: str, *,
                      early: bool = False) -> list[load.Result] | str:
    """An order then its purchase, by `concurrency / 2` threads.

    `early` sends `Prefer: respond-async`: the purchase is answered (202) once its payment is
    authorized and the stack's purchase worker does the rest; after the load, the bench waits
    for every one of those purchases to end and reports how long they took, created to final.
    """
    orders = f"{stack.url('order_service')}/api/orders"
    purchases = f"{stack.url('store_service')}/api/purchases"
    headers = {"Authorization": f"Bearer {token}"}
    purchase_headers = {**headers, "Prefer": "respond-async"} if early else headers
    expected = [201, 202 if early else 201]
    purchase_latencies: list[tuple[float, float]] = []  # (finished at, ms)
    made: list[tuple[float, str]] = []  # (finished at, purchase id)

    def chain(session: requests.Session) -> list[requests.Response]:
        order = session.post(orders, json=_order_body(3), headers=headers, timeout=30)
        if order.status_code != 201:
            return [order]
        began = time.perf_counter()
        purchase = session.post(purchases, headers=purchase_headers, timeout=30,
                                json={"order_id": order.json()["id"], "address": ADDRESS,
                                      "payment": PAYMENT})
        ended = time.perf_counter()
        purchase_latencies.append((ended, (ended - began) * 1000))
        if purchase.status_code in (201, 202):
            made.append((ended, purchase.json()["id"]))
        return [order, purchase]

    if early:
        stack.start_manage("store_worker", "store_service", "process_purchases")
    try:
        with requests.Session() as session:
            smoke = chain(session)
        if [r.status_code for r in smoke] != expected:
            last = smoke[-1]
            return (f"the purchase chain answered {[r.status_code for r in smoke]}: "
                    f"{last.text[:200]}")
        # Purchases are the heaviest path (five partner calls): half the connections keep
        # gunicorn's queues from timing out on 2 cores.
        concurrency = max(1, args.concurrency // 2)
        name = report.PURCHASE_EARLY if early else report.PURCHASE_CHAIN
        if args.warmup:
            load.run_threads(name, chain, duration=args.warmup, concurrency=concurrency)
        purchase_latencies.clear()
        made.clear()
        log(f"  {name} ({args.duration} s)")
        began = time.perf_counter()
        deadline = began + args.duration
        result = load.run_threads(name, chain, duration=args.duration, concurrency=concurrency)
        alone_ms = sorted(ms for ended, ms in purchase_latencies if ended <= deadline)
        log(f"    {result.rps:.1f} chains/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.errors} errors")
        alone = load.Result(
            scenario=(report.PURCHASE_EARLY_ALONE if early else report.PURCHASE_ALONE),
            tool="python threads", duration_s=result.duration_s, requests=len(alone_ms),
            errors=0, p50_ms=load.percentile(alone_ms, 50), p99_ms=load.percentile(alone_ms, 99),
            concurrency=concurrency,
            notes=["latency of the purchase call alone, measured inside the chain above"])
        outcome = [result, alone]
        if early:
            outcome.append(_completion(stack, headers, began,
                                       [pid for ended, pid in made if ended <= deadline]))
        return outcome
    finally:
        if early:
            stack.stop_process("store_worker")


def _completion(stack: Stack, headers: dict, began: float, ids: list[str]) -> load.Result:
    """Wait (up to 5 minutes) for the early-answered purchases to end: how many ended per second
    from the start of the load to the last one, and their created-to-final times."""
    wanted, ended, final = set(ids), {}, {"RESERVE_DELIVERED", "FAILED"}
    url = f"{stack.url('store_service')}/api/purchases"
    give_up = time.perf_counter() + 300
    while len(ended) < len(wanted) and time.perf_counter() < give_up:
        offset = 0
        while True:
            answer = requests.get(url, params={"limit": 100, "offset": offset},
                                  headers=headers, timeout=30)
            if answer.status_code != 200:
                break  # asked again after the pause
            page = answer.json()
            for purchase in page["results"]:
                if purchase["id"] in wanted and purchase["state"] in final:
                    history = purchase["history"]
                    ended[purchase["id"]] = (purchase["state"],
                                             _seconds_between(history[0]["at"],
                                                              history[-1]["at"]) * 1000)
            offset += 100
            if offset >= page["count"] or len(ended) == len(wanted):
                break
        if len(ended) < len(wanted):
            time.sleep(0.5)
    elapsed = time.perf_counter() - began
    times = sorted(ms for _, ms in ended.values())
    failed = sum(state == "FAILED" for state, _ in ended.values())
    notes = [f"{len(ended)} of {len(wanted)} early-answered purchases ended "
             f"({failed} FAILED) {elapsed:.1f} s after the load began; p50/p99 are created "
             "to final, through the worker"]
    return load.Result(scenario=report.PURCHASE_EARLY_DONE, tool="store worker",
                       duration_s=elapsed, requests=len(ended) - failed,
                       errors=len(wanted) - len(ended) + failed,
                       p50_ms=load.percentile(times, 50), p99_ms=load.percentile(times, 99),
                       concurrency=1, notes=notes)


def _seconds_between(first: str, last: str) -> float:
    def parse(value: str) -> datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parse(last) - parse(first)).total_seconds()


def _token_user_id(token: str) -> str:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["user_id"]


def run_profiles(stack: Stack, user_token: str, ready: list[str], results: Path) -> list[str]:
    """Profile each hot path in-process (pyinstrument) in a subprocess with its settings."""
    written = []
    # The order scenarios left dead row versions behind in the products table: clean them so
    # the read profiles see what the read benchmarks saw.
    import psycopg

    with psycopg.connect(f"{bench_stack.POSTGRES_URL}/{bench_stack.DB_PREFIX}product_service",
                         autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE products_product")
    jobs = [("product_service", "product_list", {}),
            ("product_service", "product_detail", {})]
    if "order_service" in ready:
        jobs.append(("order_service", "order_create", {"BENCH_USER_TOKEN": user_token}))
        jobs.append(("product_service", "reservation_create", {}))
        jobs.append(("user_service", "user_get", {"BENCH_USER_ID": _token_user_id(user_token)}))
    if {"store_service", "order_service", "supplier_service", "carrier_service"} <= set(ready):
        jobs.append(("store_service", "purchase_create", {"BENCH_USER_TOKEN": user_token,
                                                          "BENCH_ORDER_URL":
                                                              stack.url("order_service")}))
    for service, scenario, extra in jobs:
        env = dict(stack.env, DJANGO_SETTINGS_MODULE="config.settings",
                   BENCH_RESULTS=str(results), **extra)
        done = subprocess.run(
            [str(bench_stack.PYTHON), str(bench_stack.BENCH / "profile_path.py"), scenario],
            cwd=bench_stack.ROOT / service, env=env, capture_output=True, text=True,
            timeout=600)
        if done.returncode != 0:
            stack.notes.append(f"profile {scenario} failed: {done.stderr.strip()[-300:]}")
            continue
        written.append(done.stdout.strip())
        log(f"  profile: {done.stdout.strip()}")
    return written


# ---- main ------------------------------------------------------------------------------------

def _record(stack: Stack, results: list, scenario: str,
            outcome: list[load.Result] | str) -> None:
    """A scenario's results, or why it could not be measured (a string) as a note."""
    if isinstance(outcome, str):
        stack.notes.append(f"{scenario} not measured: {outcome}")
    else:
        results.extend(outcome)


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.tool == "python":
        os.environ["BENCH_LOAD_TOOL"] = "python"
    elif args.tool == "wrk" and not load.wrk_available():
        raise SystemExit("wrk is not installed: apt-get install -y wrk, or use --tool python")
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    ports = bench_stack.pick_ports(args.base_port)
    env = bench_stack.base_env(ports)
    stack = Stack(ports=ports, env=env, workers=args.workers, threads=args.threads,
                  worker_class=args.worker_class, keepalive=args.keepalive)
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    results: list[load.Result] = []
    try:
        ready, user_token = bring_up(stack, fresh=not args.keep_db)
        compare_with_baseline(stack)

        log("measuring")
        detail = f"/api/products/{DEMO_PRODUCTS[0]}"
        results.extend(read_scenarios(args, stack, [
            ("baseline: GET /api/products?limit=20", BASELINE, "/api/products?limit=20"),
            ("GET /api/products?limit=20", "product_service", "/api/products?limit=20"),
            ("baseline: GET /api/products/<id>", BASELINE, detail),
            ("GET /api/products/<id>", "product_service", detail),
        ]))
        if "order_service" not in ready or user_token is None:
            stack.notes.append("order create not measured: order_service is not running")
        else:
            _record(stack, results, "order create",
                    order_create_scenario(args, stack, user_token))
        missing = [s for s in ("order_service", "store_service", "supplier_service",
                               "carrier_service") if s not in ready]
        if missing or user_token is None:
            stack.notes.append(f"purchase not measured: {', '.join(missing)} not running")
        else:
            _record(stack, results, "purchase", purchase_scenario(args, stack, user_token))
            _record(stack, results, "purchase (early answer)",
                    purchase_scenario(args, stack, user_token, early=True))
        profiles = run_profiles(stack, user_token, ready, args.results) if args.profile else []
    except KeyboardInterrupt:
        log("interrupted: stopping every process started")
        return 130
    finally:
        stack.stop()
    meta = {
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": args.duration, "warmup": args.warmup, "concurrency": args.concurrency,
        "rounds": args.rounds,
        "gunicorn": stack.gunicorn_settings(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(), "label": args.label, "notes": stack.notes,
        "profiles": profiles,
    }
    paths = report.write(results, meta, args.results, started_at)
    log("written: " + ", ".join(str(p) for p in paths))
    print((args.results / "latest.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
