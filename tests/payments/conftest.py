"""The purchase chain with its payment on PostgreSQL, every service a real process.

The fixture migrates the services a purchase needs (`manage_all.py --only <service> setup`,
three at a time) into databases of their own, then starts each one under gunicorn in its own
process group, plus the store's purchase worker, so a test can restart payment_service with a
flaky provider, stop it, stand a refusing carrier in the carrier's place, or `kill -9` the
worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
import requests

from common.db import database_drop, postgres_reachable
from common.services import SERVICE_PORTS
from launcher.options import parse_options
from launcher.processes import kill_groups, start_group, stop_group
from launcher.readiness import wait_for_url, wait_until
from launcher.supervisor import service_spec, service_urls, worker_spec
from tests.e2e.running_platform import free_port_offset, manage_all, present_services

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"
ADMIN = ("payments-admin@example.com", "payments-admin-password")
SERVICES = ("user_service", "product_service", "order_service", "payment_service",
            "supplier_service", "carrier_service", "store_service")
ADDRESS = {"street": "Avenida Paulista", "number": "1000", "city": "Sao Paulo", "state": "SP",
           "zip_code": "01310-100"}
TIMEOUT = 15


def _postgres_url() -> str | None:
    url = (os.environ.get("POSTGRES_URL") or LOCAL_POSTGRES).rstrip("/")
    return url if postgres_reachable(url, timeout=2) else None


class Shop:
    """The running services, their databases, and the calls a customer and an admin make."""

    def __init__(self, *, env: dict[str, str], postgres_url: str, prefix: str, offset: int):
        self.env = env
        self.postgres_url = postgres_url
        self.prefix = prefix
        self.offset = offset
        self.processes: dict[str, subprocess.Popen] = {}
        self.admin_token = ""
        self.session = requests.Session()
        self.session.trust_env = False

    # -- processes --------------------------------------------------------------------------
    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{SERVICE_PORTS[service] + self.offset}"

    def start(self, service: str, **extra_env: str) -> None:
        env = {**self.env, **extra_env}
        spec = service_spec(service, SERVICE_PORTS[service] + self.offset,
                            parse_options(["--workers", "2"]), env)
        process = start_group(spec.argv, cwd=spec.cwd, env={**env, **spec.env})
        self.processes[service] = process
        assert wait_for_url(f"{self.url(service)}/readyz", timeout=60, process=process), (
            f"{service} did not get ready")

    def stop(self, service: str) -> None:
        process = self.processes.pop(service, None)
        if process is not None:
            stop_group(process, grace=5)

    def start_worker(self) -> None:
        spec = worker_spec("store_service", self.env)
        self.processes["worker"] = start_group(spec.argv, cwd=spec.cwd, env=spec.env)

    def kill_worker(self) -> None:
        """`kill -9` the purchase worker: no chance to finish or release anything."""
        process = self.processes.pop("worker")
        kill_groups([process.pid])
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    # -- databases --------------------------------------------------------------------------
    def query(self, service: str, statement: str, *params) -> list[tuple]:
        with psycopg.connect(f"{self.postgres_url}/{self.prefix}{service}") as conn:
            return conn.execute(statement, params).fetchall()

    def payment_of(self, purchase_id: str) -> dict | None:
        """The payment row and its operation counts, as payment_service's database has them."""
        rows = self.query("payment_service", """
            SELECT p.id, p.status, p.amount, p.captured_amount, p.refunded_amount,
                   count(o.id) FILTER (WHERE o.kind = 'authorize' AND o.outcome = 'succeeded'),
                   count(o.id) FILTER (WHERE o.kind = 'capture'),
                   count(o.id) FILTER (WHERE o.kind = 'void'),
                   count(o.id) FILTER (WHERE o.kind = 'refund')
            FROM payments_payment p LEFT JOIN payments_operation o ON o.payment_id = p.id
            WHERE p.reference = %s GROUP BY p.id""", purchase_id)
        assert len(rows) <= 1, f"{len(rows)} payments for one purchase"
        if not rows:
            return None
        keys = ("id", "status", "amount", "captured", "refunded", "authorizations",
                "captures", "voids", "refunds")
        return dict(zip(keys, rows[0], strict=True))

    def count(self, service: str, table: str, reference: str) -> int:
        return self.query(service, f"SELECT count(*) FROM {table} WHERE reference = %s",
                          reference)[0][0]

    def purchase_row(self, purchase_id: str) -> dict:
        state, total, pending, failure = self.query(
            "store_service", "SELECT state, total, compensation_pending, failure_reason "
                             "FROM purchases_purchase WHERE id = %s", purchase_id)[0]
        return {"state": state, "total": total, "compensation_pending": pending,
                "failure_reason": failure}

    def wait_settled(self, purchase_ids: list[str], *, timeout: float) -> list[dict]:
        """Until every purchase is RESERVE_DELIVERED, or FAILED with its compensation done."""
        def settled():
            rows = [self.purchase_row(pid) for pid in purchase_ids]
            done = all(row["state"] == "RESERVE_DELIVERED" or (
                row["state"] == "FAILED" and not row["compensation_pending"]) for row in rows)
            return rows if done else None
        return wait_until(settled, timeout=timeout, what="every purchase settled", interval=0.5)

    # -- calls ------------------------------------------------------------------------------
    def call(self, service: str, method: str, path: str, token: str | None = None, *,
             timeout: float = TIMEOUT, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.session.request(method, f"{self.url(service)}{path}", headers=headers,
                                    timeout=timeout, **kwargs)

    def login(self, email: str, password: str) -> str:
        response = self.call("user_service", "POST", "/api/auth/login",
                             json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["access"]

    def customer(self) -> str:
        email = f"buyer-{uuid.uuid4().hex[:10]}@example.com"
        created = self.call("user_service", "POST", "/api/users", json={
            "email": email, "password": "a-long-passphrase-42", "name": "Buyer"})
        assert created.status_code == 201, created.text
        return self.login(email, "a-long-passphrase-42")

    def product(self, *, price: str = "25.00", stock: int = 1000) -> dict:
        response = self.call("product_service", "POST", "/api/products", self.admin_token,
                             json={"name": f"Widget {uuid.uuid4().hex[:6]}",
                                   "description": "A widget", "price": price, "stock": stock})
        assert response.status_code == 201, response.text
        return response.json()

    def stock(self, product_id: str) -> int:
        return self.call("product_service", "GET", f"/api/products/{product_id}").json()["stock"]

    def order(self, token: str, product: dict, quantity: int = 2) -> dict:
        response = self.call("order_service", "POST", "/api/orders", token, json={
            "items": [{"product_id": product["id"], "quantity": quantity}]})
        assert response.status_code == 201, response.text
        return response.json()

    def order_status(self, token: str, order_id: str) -> str:
        return self.call("order_service", "GET", f"/api/orders/{order_id}", token).json()[
            "status"]

    def buy(self, token: str, order: dict, *, card: str = "tok_visa",
            **extra) -> requests.Response:
        return self.call("store_service", "POST", "/api/purchases", token, timeout=60, json={
            "order_id": order["id"], "address": ADDRESS, "payment": {"card_token": card},
            **extra})


class RefusingCarrier:
    """A carrier that refuses every delivery for good (400), in the real one's place."""

    def __init__(self, port: int):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"error": {
                    "status": 400, "code": "validation_error",
                    "message": "No route serves this address.",
                    "details": {"destination": ["No route serves this address."]},
                    "request_id": self.headers.get("X-Request-ID", "")}}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _setup(services: tuple[str, ...], env: dict[str, str]) -> None:
    """`manage_all.py setup` for each service: the first alone (it also makes any missing
    token keys), the others side by side, each on its own database."""
    def one(service: str) -> None:
        result = manage_all("--only", service, "setup", env=env, timeout=600)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    one(services[0])
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(one, services[1:]))


@pytest.fixture(scope="session")
def shop() -> Iterator[Shop]:
    postgres_url = _postgres_url()
    if postgres_url is None:
        pytest.skip("PostgreSQL is not reachable (POSTGRES_URL or 127.0.0.1:5432); CI has one")
    missing = set(SERVICES) - set(present_services())
    if missing:
        pytest.skip(f"services absent from the repository: {sorted(missing)}")
    prefix = f"pay_{uuid.uuid4().hex[:8]}_"
    offset = free_port_offset()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SQLITE_DIR")}
    env.update({
        "POSTGRES_URL": postgres_url, "DATABASE_NAME_PREFIX": prefix, "DJANGO_DEBUG": "true",
        "DEV_ADMIN_EMAIL": ADMIN[0], "DEV_ADMIN_PASSWORD": ADMIN[1], "LOG_LEVEL": "WARNING",
        "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", "REDIS_URL": "",
        "PURCHASE_RETRY_BASE_SECONDS": "0.5", "PURCHASE_RETRY_MAX_SECONDS": "2",
        "PURCHASE_MAX_ATTEMPTS": "30", "PURCHASE_CLAIM_SECONDS": "5",
        "PURCHASE_WORKER_INTERVAL": "0.3", "BREAKER_RESET_TIMEOUT": "1",
        "HTTP_CLIENT_TIMEOUT": "5", "PAYMENT_PROVIDER_FAILURE_RATE": "0",
        **service_urls(offset),
    })
    world = Shop(env=env, postgres_url=postgres_url, prefix=prefix, offset=offset)
    try:
        _setup(SERVICES, env)
        for service in SERVICES:
            world.start(service)
        world.start_worker()
        world.admin_token = world.login(*ADMIN)
        yield world
    finally:
        world.stop_all()
        for service in SERVICE_PORTS:
            with contextlib.suppress(psycopg.Error):
                database_drop(server=postgres_url, name=f"{prefix}{service}")
