"""SQL queries and calls to other services per request, at 1 and at 1,000 rows.

    .venv/bin/python bench/queries.py            # every service there is; prints the table
                                                  # and writes bench/results/latest.queries.md

One subprocess per service (Django holds one settings module per process) runs that service's
requests in-process with Django's test client on a throw-away PostgreSQL database
`test_bench_<service>` (SQLite when BENCH_POSTGRES_URL is empty), counts SQL statements with
`CaptureQueriesContext` and calls to other services with `responses` (which answers them with
contract-shaped stubs, so no other service runs). Each measured request is made twice and the
second is counted, so one-off work (a cold cache, a lazily built client) does not count.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SERVICES = ("user_service", "product_service", "order_service", "store_service",
            "supplier_service", "carrier_service")
SMALL, LARGE = 1, 1000
NOW = "2026-01-01T00:00:00Z"


# ---- parent: one subprocess per service ------------------------------------------------------

def run_all() -> int:
    from stack import secrets_env

    rows: list[dict] = []
    notes: list[str] = []
    for service in SERVICES:
        folder = ROOT / service
        if not (folder / "manage.py").is_file():
            notes.append(f"{service}: not in the tree yet")
            continue
        env = {key: value for key, value in os.environ.items()
               if not key.endswith("_SERVICE_URL")}
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "false", "LOG_LEVEL": "ERROR",
            **secrets_env(),
            "DATABASE_NAME_PREFIX": "bench_", "PYTHONDONTWRITEBYTECODE": "1",
        })
        postgres = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        env.pop("POSTGRES_URL", None)
        env.pop("DATABASE_URL", None)
        if postgres:
            env["POSTGRES_URL"] = postgres
        print(f"measuring {service}", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"],
                              cwd=folder, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            notes.append(f"{service}: failed ({(done.stderr.strip().splitlines() or ['?'])[-1]})")
            continue
        rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    text = markdown(rows, notes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.queries.md").write_text(text)
    (RESULTS / "latest.queries.json").write_text(
        json.dumps({"rows": rows, "notes": notes}, indent=2) + "\n")
    print(text)
    return 0


def _calls(calls: dict) -> str:
    if not calls:
        return "0"
    return ", ".join(f"{service.removesuffix('_service')} {count}"
                     for service, count in sorted(calls.items()))


def markdown(rows: list[dict], notes: list[str]) -> str:
    lines = [
        f"# Queries and calls per request, {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "",
        "Counted in-process (Django test client, `CaptureQueriesContext`; calls to other "
        "services through `responses` stubs) by `bench/queries.py`. *small* and *large* are "
        f"the data sizes of the row (by default {SMALL} and {LARGE:,} rows in the table the "
        "request reads; for writes, the number of lines in the request). A count that grows "
        "from small to large is flagged.",
        "",
        "| service | request | small | large | queries (small) | queries (large) "
        "| calls (small) | calls (large) | status | grows? |",
        "|---|---|---|---|---:|---:|---|---|---|---|",
    ]
    for row in rows:
        small, large = row["small"], row["large"]
        grows = (large["queries"] > small["queries"]
                 or sum(large["calls"].values()) > sum(small["calls"].values()))
        lines.append(
            f"| {row['service']} | {row['request']} | {row['small_label']} "
            f"| {row['large_label']} | {small['queries']} | {large['queries']} "
            f"| {_calls(small['calls'])} | {_calls(large['calls'])} "
            f"| {small['status']}/{large['status']} | {'**yes**' if grows else 'no'} |")
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    lines.append("")
    return "\n".join(lines)


# ---- child: inside one service ---------------------------------------------------------------

class Probe:
    """Makes requests in-process and counts their SQL and their calls to other services."""

    def __init__(self, service: str):
        import responses
        from django.conf import settings
        from django.test import Client

        self.service = service
        self.client = Client()
        self.rows: list[dict] = []
        self.hosts = {url.rstrip("/"): name for name, url in settings.SERVICE_URLS.items()}
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.mock.start()
        self.pending: dict[str, dict] = {}

    def stub(self, method: str, service: str, path_regex: str,
             answer: Callable[[object, re.Match], tuple[int, object]]) -> None:
        from django.conf import settings

        base = settings.SERVICE_URLS[service].rstrip("/")
        pattern = re.compile(re.escape(base) + path_regex + r"(\?.*)?$")

        def callback(request):
            status, body = answer(request, pattern.match(request.url))
            return status, {"Content-Type": "application/json"}, json.dumps(body)

        self.mock.add_callback(method, pattern, callback=callback)

    def measure(self, method: str, path: str, *, body=None, headers=None) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = getattr(self.client, method.lower())

        def send():
            kwargs = dict(headers or {})
            # A callable body gives a fresh one per call, so that the counted write is not a
            # replay of the warm-up (idempotent references, one purchase per order).
            data = body() if callable(body) else body
            if data is not None:
                kwargs.update(data=json.dumps(data), content_type="application/json")
            return call(path, **kwargs)

        send()  # once to warm up
        before = len(self.mock.calls)
        with CaptureQueriesContext(connection) as queries:
            response = send()
        calls: dict[str, int] = {}
        for made in list(self.mock.calls)[before:]:
            url = made.request.url
            name = next((n for base, n in self.hosts.items() if url.startswith(base)), url)
            calls[name] = calls.get(name, 0) + 1
        return {"queries": len(queries), "calls": calls, "status": response.status_code}

    def record(self, request: str, small_label: str, small: dict, large_label: str,
               large: dict) -> None:
        self.rows.append({"service": self.service, "request": request,
                          "small_label": small_label, "small": small,
                          "large_label": large_label, "large": large})


def _product_json(product_id, price="10.00") -> dict:
    return {"id": str(product_id), "name": f"Product {str(product_id)[:8]}", "description": "",
            "price": price, "stock": 1_000_000, "created_at": NOW, "updated_at": NOW}


def child_user_service(probe: Probe) -> None:
    from users.tests.factories import UserFactory

    from common.testing import auth_header

    admin = auth_header(role="ADMIN")
    first = UserFactory()
    service = auth_header(role="SERVICE")
    small_list = probe.measure("GET", "/api/users", headers=admin)
    small_one = probe.measure("GET", f"/api/users/{first.id}", headers=service)
    small_me = probe.measure("GET", "/api/users/me",
                             headers=auth_header(user_id=first.id, email=first.email))
    UserFactory.create_batch(LARGE - SMALL)
    probe.record("GET /api/users (ADMIN)", "1 user", small_list, "1,000 users",
                 probe.measure("GET", "/api/users", headers=admin))
    probe.record("GET /api/users/<id> (SERVICE)", "1 user", small_one, "1,000 users",
                 probe.measure("GET", f"/api/users/{first.id}", headers=service))
    probe.record("GET /api/users/me", "1 user", small_me, "1,000 users",
                 probe.measure("GET", "/api/users/me",
                               headers=auth_header(user_id=first.id, email=first.email)))


def child_product_service(probe: Probe) -> None:
    from products.models import Product
    from products.tests.factories import ProductFactory

    from common.testing import auth_header

    first = ProductFactory(stock=1_000_000)
    small_list = probe.measure("GET", "/api/products?limit=20")
    small_detail = probe.measure("GET", f"/api/products/{first.id}")
    small_ids = probe.measure("GET", f"/api/products?ids={first.id}")
    ProductFactory.create_batch(LARGE - SMALL, stock=1_000_000)
    probe.record("GET /api/products?limit=20", "1 product", small_list, "1,000 products",
                 probe.measure("GET", "/api/products?limit=20"))
    probe.record("GET /api/products/<id>", "1 product", small_detail, "1,000 products",
                 probe.measure("GET", f"/api/products/{first.id}"))
    hundred = ",".join(str(pk) for pk in Product.objects.values_list("id", flat=True)[:100])
    probe.record("GET /api/products?ids= (batch)", "1 id", small_ids, "100 ids",
                 probe.measure("GET", f"/api/products?ids={hundred}"))
    service = auth_header(role="SERVICE")
    ids = list(Product.objects.values_list("id", flat=True)[:50])

    def reserve(count):
        return probe.measure("POST", "/api/products/reservations", headers=service, body=lambda: {
            "reference": str(uuid.uuid4()),
            "items": [{"product_id": str(pk), "quantity": 1} for pk in ids[:count]]})

    probe.record("POST /api/products/reservations (SERVICE)", "1 item", reserve(1), "50 items",
                 reserve(50))


def _order_stubs(probe: Probe) -> None:
    def products(request, match):
        from urllib.parse import parse_qs, urlsplit
        ids = parse_qs(urlsplit(request.url).query).get("ids", [""])[0].split(",")
        results = [_product_json(pk) for pk in ids if pk]
        return 200, {"count": len(results), "limit": 100, "offset": 0, "results": results}

    def reservation(request, match):
        # Each line answered with its product's name and price, as product_service does.
        body = json.loads(request.body)
        items = [{**item, "name": _product_json(item["product_id"])["name"],
                  "unit_price": _product_json(item["product_id"])["price"]}
                 for item in body["items"]]
        return 201, {"reference": body["reference"], "items": items,
                     "status": "reserved", "created_at": NOW, "released_at": None}

    probe.stub("GET", "user_service", r"/api/users/(?P<id>[0-9a-f-]+)",
               lambda request, match: (200, {"id": match["id"], "email": "u@example.com",
                                             "name": "U", "role": "USER", "created_at": NOW,
                                             "updated_at": NOW}))
    probe.stub("GET", "product_service", r"/api/products", products)
    probe.stub("POST", "product_service", r"/api/products/reservations", reservation)
    probe.stub("DELETE", "product_service", r"/api/products/reservations/[^/?]+",
               lambda request, match: (204, {}))


def child_order_service(probe: Probe) -> None:
    from orders.tests.factories import order_with_lines

    from common.testing import auth_header

    _order_stubs(probe)
    user_id = uuid.uuid4()
    user = auth_header(user_id=user_id)
    first = order_with_lines(lines=3, user_id=user_id)
    small_list = probe.measure("GET", "/api/orders", headers=user)
    small_detail = probe.measure("GET", f"/api/orders/{first.id}", headers=user)
    small_user = probe.measure("GET", f"/api/orders/user/{user_id}", headers=user)
    for _ in range(LARGE - SMALL):
        order_with_lines(lines=3, user_id=user_id)
    probe.record("GET /api/orders (USER, 3 lines each)", "1 order", small_list, "1,000 orders",
                 probe.measure("GET", "/api/orders", headers=user))
    probe.record("GET /api/orders/<id>", "1 order", small_detail, "1,000 orders",
                 probe.measure("GET", f"/api/orders/{first.id}", headers=user))
    probe.record("GET /api/orders/user/<user_id>", "1 order", small_user, "1,000 orders",
                 probe.measure("GET", f"/api/orders/user/{user_id}", headers=user))

    def create(count):
        return probe.measure("POST", "/api/orders", headers=user, body=lambda: {
            "items": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(count)]})

    probe.record("POST /api/orders", "1 item", create(1), "50 items", create(50))

    admin = auth_header(role="ADMIN")

    def create_for_a_stranger(count):
        # A user the local copy of users has not heard of yet: one lookup in user_service.
        return probe.measure("POST", "/api/orders", headers=admin, body=lambda: {
            "user_id": str(uuid.uuid4()),
            "items": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(count)]})

    probe.record("POST /api/orders (ADMIN, for a user not yet in the local copy)", "1 item",
                 create_for_a_stranger(1), "50 items", create_for_a_stranger(50))


def _order_json(order_id, user_id, lines: int, status="pending") -> dict:
    items = [{"product_id": str(uuid.UUID(int=n + 1)), "name": f"Product {n}",
              "unit_price": "10.00", "quantity": 1, "line_total": "10.00"}
             for n in range(lines)]
    return {"id": str(order_id), "user_id": str(user_id), "items": items,
            "total_amount": f"{10 * lines}.00", "status": status, "created_at": NOW,
            "updated_at": NOW}


def child_store_service(probe: Probe) -> None:
    from purchases.tests.factories import PurchaseFactory

    from common.testing import auth_header

    user_id = uuid.uuid4()
    user = auth_header(user_id=user_id)
    lines = {"count": 1}
    address = {"street": "Avenida Paulista", "number": "1000", "district": "Bela Vista",
               "city": "São Paulo", "state": "SP", "zip_code": "01310-100", "country": "BR"}
    probe.stub("GET", "order_service", r"/api/orders/(?P<id>[0-9a-f-]+)",
               lambda request, match: (200, _order_json(match["id"], user_id, lines["count"])))
    probe.stub("PUT", "order_service", r"/api/orders/(?P<id>[0-9a-f-]+)/status",
               lambda request, match: (200, _order_json(
                   match["id"], user_id, lines["count"], json.loads(request.body)["status"])))
    probe.stub("GET", "supplier_service", r"/api/info/(?P<state>[A-Z]{2})",
               lambda request, match: (200, {
                   "state": match["state"], "provider_name": "Provider",
                   "address": dict(address, street="Rua do Fornecedor"), "lead_time_days": 2}))
    probe.stub("POST", "supplier_service", r"/api/order",
               lambda request, match: (201, {
                   "order_number": f"SUP-{uuid.uuid4().hex[:10]}",
                   "reference": json.loads(request.body)["reference"], "status": "CONFIRMED",
                   "items": json.loads(request.body)["items"],
                   "estimated_ship_date": "2026-01-03"}))
    probe.stub("POST", "carrier_service", r"/api/delivery",
               lambda request, match: (201, {
                   "tracking_code": f"TRK{uuid.uuid4().hex[:10].upper()}",
                   "reference": json.loads(request.body)["reference"], "status": "SCHEDULED",
                   "estimated_delivery_date": "2026-01-06", "cost": "25.00"}))

    payments: dict[str, dict] = {}

    def payment_create(request, match):
        body = json.loads(request.body)
        payment = {"id": str(uuid.uuid4()), "reference": body["reference"],
                   "amount": body["amount"], "currency": "BRL", "status": "authorized",
                   "card_brand": "visa", "card_last4": "4242", "captured_amount": "0.00",
                   "refunded_amount": "0.00", "user_id": body.get("user_id")}
        payments[payment["id"]] = payment
        return 201, payment

    def payment_capture(request, match):
        payment = payments[match["id"]]
        payment.update(status="captured", captured_amount=payment["amount"])
        return 200, payment

    probe.stub("POST", "payment_service", r"/api/payments", payment_create)
    probe.stub("POST", "payment_service", r"/api/payments/(?P<id>[0-9a-f-]+)/capture",
               payment_capture)

    first = PurchaseFactory(user_id=user_id)
    small_list = probe.measure("GET", "/api/purchases", headers=user)
    small_detail = probe.measure("GET", f"/api/purchases/{first.id}", headers=user)
    PurchaseFactory.create_batch(LARGE - SMALL, user_id=user_id)
    probe.record("GET /api/purchases (USER)", "1 purchase", small_list, "1,000 purchases",
                 probe.measure("GET", "/api/purchases", headers=user))
    probe.record("GET /api/purchases/<id>", "1 purchase", small_detail, "1,000 purchases",
                 probe.measure("GET", f"/api/purchases/{first.id}", headers=user))

    def create(count):
        lines["count"] = count
        return probe.measure("POST", "/api/purchases", headers=user,
                             body=lambda: {"order_id": str(uuid.uuid4()), "address": address,
                                           "payment": {"card_token": "tok_visa"}})

    probe.record("POST /api/purchases (to RESERVE_DELIVERED)", "1-line order", create(1),
                 "50-line order", create(50))


def child_supplier_service(probe: Probe) -> None:
    from supplier.tests.factories import SupplierProductFactory

    from common.testing import auth_header

    service = auth_header(role="SERVICE", service="store_service")  # the partners' one caller
    products = SupplierProductFactory.create_batch(50, stock=1_000_000)
    small_info = probe.measure("GET", "/api/info/SP", headers=service)
    probe.record("GET /api/info/<state>", "27 providers", small_info, "27 providers",
                 probe.measure("GET", "/api/info/SP", headers=service))

    def order(count):
        return probe.measure("POST", "/api/order", headers=service, body=lambda: {
            "reference": str(uuid.uuid4()),
            "items": [{"product_id": str(p.product_id), "quantity": 1} for p in products[:count]]})

    probe.record("POST /api/order (SERVICE)", "1 item", order(1), "50 items", order(50))


def child_carrier_service(probe: Probe) -> None:
    from common.testing import auth_header

    service = auth_header(role="SERVICE", service="store_service")  # the partners' one caller
    address = {"street": "Avenida Paulista", "number": "1000", "city": "São Paulo",
               "state": "SP", "zip_code": "01310-100", "country": "BR"}

    def delivery(count):
        return probe.measure("POST", "/api/delivery", headers=service, body=lambda: {
            "reference": str(uuid.uuid4()), "origin": {"address": address},
            "destination": {"address": dict(address, state="RJ", zip_code="20040-002",
                                            city="Rio de Janeiro")},
            "items": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(count)]})

    probe.record("POST /api/delivery (SERVICE)", "1 item", delivery(1), "50 items",
                 delivery(50))


def run_child() -> int:
    import django

    sys.path.insert(0, os.getcwd())
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    service = settings.SERVICE_NAME
    # A fresh throw-away database (test_bench_<service>), dropped at the end.
    old_name = settings.DATABASES["default"]["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    probe = None
    try:
        if service == "supplier_service":
            from django.core.management import call_command
            with open(os.devnull, "w") as quiet:
                call_command("seed_demo", stdout=quiet)
        probe = Probe(service)
        globals()[f"child_{service}"](probe)
        print(json.dumps(probe.rows))
    finally:
        if probe is not None:
            probe.mock.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(run_child() if "--child" in sys.argv else run_all())
