"""What would the proposed fixes buy? CPU per request of product reads, as is and changed.

    .venv/bin/python bench/whatif.py [--requests 300] [--rounds 5]

Needs the bench databases of bench/run.py (run it once first; nothing else needs to be up).
Each variant builds a fresh WSGI handler in product_service's process, with the change applied
in memory only (settings override or a stand-in class; no file is edited), and times the same
requests by CPU time (time.process_time), which the other work on a shared machine disturbs
far less than wall time. The baseline is timed by the same harness in its own process. Writes
bench/results/whatif.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from profile_path import call  # noqa: E402
from stack import ROOT, base_env, pick_ports  # noqa: E402

DETAIL = "/api/products/10000000-0000-4000-8000-000000000001"
LIST = "/api/products?limit=20"
TRIMMED = ("django.contrib.sessions.middleware.SessionMiddleware",
           "django.middleware.csrf.CsrfViewMiddleware",
           "django.contrib.auth.middleware.AuthenticationMiddleware",
           "django.contrib.messages.middleware.MessageMiddleware",
           "django.middleware.clickjacking.XFrameOptionsMiddleware")


def cpu_ms(application, path: str, count: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per request, after 50 unrecorded requests."""
    for _ in range(50):
        assert call(application, "GET", path)[0] == 200
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        call(application, "GET", path)
    return ((time.process_time() - cpu) * 1000 / count,
            (time.perf_counter() - wall) * 1000 / count)


# ---- inside product_service ------------------------------------------------------------------

def _fast_output():
    """A stand-in for ProductOutputSerializer: plain dicts, the same JSON."""

    def product(p) -> dict:
        return {"id": str(p.id), "name": p.name, "description": p.description,
                "price": str(p.price), "stock": p.stock,
                "created_at": p.created_at.isoformat().replace("+00:00", "Z"),
                "updated_at": p.updated_at.isoformat().replace("+00:00", "Z")}

    class FastProductOutput:
        def __init__(self, instance=None, many=False):
            self.instance, self.many = instance, many

        @property
        def data(self):
            if self.many:
                return [product(p) for p in self.instance]
            return product(self.instance)

    return FastProductOutput


def _one_query_paginate(self, queryset, request, view=None):
    """The page and the total in one query (COUNT(*) OVER ()), counting only past the end."""
    from django.db.models import Count, Window

    from common.pagination import parse_page_params

    self.limit, self.offset = parse_page_params(request.query_params)
    self.request = request
    rows = list(queryset.annotate(_total=Window(Count("*")))[self.offset:self.offset + self.limit])
    self.count = rows[0]._total if rows else (queryset.count() if self.offset else 0)
    return rows


def run_service(count: int, rounds: int) -> dict:
    import django

    sys.path.insert(0, os.getcwd())
    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import override_settings
    from products import apis, selectors
    from products.models import Product

    from common.pagination import LimitOffsetPagination

    original_output = apis.ProductOutputSerializer
    original_paginate = LimitOffsetPagination.paginate_queryset
    original_get = selectors.product_get

    def product_get_unordered(*, product_id):
        # .get() has no ORDER BY (first() adds the Meta ordering); a miss is None as before.
        try:
            return Product.objects.get(id=product_id)
        except Product.DoesNotExist:
            return None
    trimmed = [m for m in settings.MIDDLEWARE if m not in TRIMMED]

    variants = {
        "as is": {},
        "API middleware only (no sessions, auth, messages, CSRF, X-Frame)": {"trim": True},
        "plain-dict output instead of the DRF serializer": {"fast": True},
        "one-query pagination (COUNT(*) OVER ())": {"one_query": True},
        "product_get with .get() (no ORDER BY)": {"unordered": True},
        "no per-request `SELECT 1` (CONN_HEALTH_CHECKS off)": {"no_check": True},
        "API middleware + plain-dict output + .get()": {"trim": True, "fast": True,
                                                        "unordered": True},
    }
    handlers = {}
    for name, change in variants.items():
        with override_settings(MIDDLEWARE=trimmed if change.get("trim") else settings.MIDDLEWARE):
            handlers[name] = WSGIHandler()

    def measure(name: str, path: str) -> tuple[float, float]:
        change = variants[name]
        apis.ProductOutputSerializer = _fast_output() if change.get("fast") else original_output
        LimitOffsetPagination.paginate_queryset = (
            _one_query_paginate if change.get("one_query") else original_paginate)
        selectors.product_get = (product_get_unordered if change.get("unordered")
                                 else original_get)
        # Read at connect time, so the open connection is told too.
        connection.settings_dict["CONN_HEALTH_CHECKS"] = not change.get("no_check")
        connection.health_check_enabled = not change.get("no_check")
        return cpu_ms(handlers[name], path, count)

    results = {name: {"list": [], "detail": []} for name in variants}
    for _ in range(rounds):  # interleaved rounds; the best of each cell is kept
        for name in variants:
            results[name]["list"].append(measure(name, LIST))
            results[name]["detail"].append(measure(name, DETAIL))
    results = {name: {path: (min(c for c, _ in cells), min(w for _, w in cells))
                      for path, cells in paths.items()} for name, paths in results.items()}
    # The same answers as the service's: the stand-ins must not change the JSON.
    apis.ProductOutputSerializer = _fast_output()
    LimitOffsetPagination.paginate_queryset = _one_query_paginate
    fast = json.loads(call(WSGIHandler(), "GET", LIST)[1])
    apis.ProductOutputSerializer = original_output
    LimitOffsetPagination.paginate_queryset = original_paginate
    slow = json.loads(call(WSGIHandler(), "GET", LIST)[1])
    results["_same_json"] = fast == slow
    return results


def run_baseline(count: int, rounds: int) -> dict:
    sys.path.insert(0, str(BENCH / "baseline"))
    from baseline_project.wsgi import application

    cells = {path: [cpu_ms(application, url, count) for _ in range(rounds)]
             for path, url in (("list", LIST), ("detail", DETAIL))}
    return {"baseline (bench/baseline)": {
        path: (min(c for c, _ in runs), min(w for _, w in runs)) for path, runs in cells.items()}}


# ---- parent ----------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description="CPU per request of the proposed fixes.")
    parser.add_argument("--requests", type=int, default=300, help="per cell and round")
    parser.add_argument("--rounds", type=int, default=5, help="the best round is kept")
    parser.add_argument("--child", choices=("service", "baseline"))
    args = parser.parse_args()
    if args.child == "service":
        print(json.dumps(run_service(args.requests, args.rounds)))
        return 0
    if args.child == "baseline":
        print(json.dumps(run_baseline(args.requests, args.rounds)))
        return 0
    env = base_env(pick_ports(3100))
    results = {}
    for child, cwd, settings in (("baseline", BENCH / "baseline", "baseline_project.settings"),
                                 ("service", ROOT / "product_service", "config.settings")):
        done = subprocess.run([sys.executable, __file__, "--child", child, "--requests",
                               str(args.requests), "--rounds", str(args.rounds)], cwd=cwd,
                              capture_output=True, text=True, timeout=900,
                              env=dict(env, DJANGO_SETTINGS_MODULE=settings))
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        results.update(json.loads(done.stdout.strip().splitlines()[-1]))
    same_json = results.pop("_same_json")
    base = results["baseline (bench/baseline)"]
    lines = [
        "# What the proposed fixes buy: CPU per request of product reads",
        "",
        f"{args.rounds} interleaved rounds of {args.requests} in-process requests per cell "
        "through the WSGI handler (no gunicorn, no network; the best round kept), timed by "
        "CPU time (`time.process_time`), wall time beside it. This is the service's own "
        "Python work; under gunicorn, fixed costs (sockets, gunicorn, PostgreSQL, the load "
        "generator, all on the same cores) come on top for both sides, so the req/s ratios of "
        "latest.md are milder than the CPU ratios here. By `bench/whatif.py`; the changes are "
        "applied in memory only, no file is edited.",
        "",
        "| variant | list CPU ms | list wall ms | list CPU: baseline ÷ this | detail CPU ms "
        "| detail wall ms | detail CPU: baseline ÷ this |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, cell in results.items():
        lines.append(
            f"| {name} | {cell['list'][0]:.2f} | {cell['list'][1]:.2f} "
            f"| {base['list'][0] / cell['list'][0]:.0%} | {cell['detail'][0]:.2f} "
            f"| {cell['detail'][1]:.2f} | {base['detail'][0] / cell['detail'][0]:.0%} |")
    lines += ["", f"The stand-ins answer the same JSON as the service: {same_json}.", ""]
    text = "\n".join(lines)
    (BENCH / "results" / "whatif.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
