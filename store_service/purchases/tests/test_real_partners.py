"""Integration: the real supplier_service and carrier_service run as processes; only
order_service is stubbed (with `responses`, letting calls to the partners pass through)."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from common.testing import auth_header
from purchases import partners as partner_calls
from purchases.breakers import breakers_reset
from purchases.models import Purchase
from purchases.tests.conftest import CARD
from purchases.tests.fakes import FakePartners

REPO = Path(__file__).resolve().parents[3]
PARTNER_DIRS = {"supplier_service": REPO / "supplier_service",
                "carrier_service": REPO / "carrier_service"}
MISSING = [name for name, path in PARTNER_DIRS.items() if not (path / "manage.py").is_file()]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(bool(MISSING), reason=f"partner services absent from the repo: {MISSING}"),
    pytest.mark.django_db,
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(sqlite_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("POSTGRES_URL", "DATABASE_URL", "REDIS_URL")}
    env.update(SQLITE_DIR=str(sqlite_dir), DJANGO_DEBUG="true", LOG_LEVEL="WARNING",
               DJANGO_SETTINGS_MODULE="config.settings",
               # the partners must accept the SERVICE tokens this process signs
               JWT_KEYS_DIR=django_settings.JWT_KEYS_DIR,
               DJANGO_SECRET_KEY=django_settings.SECRET_KEY)
    return env


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy in {timeout} s")


@pytest.fixture(scope="module")
def real_partners(tmp_path_factory):
    """supplier_service and carrier_service under gunicorn on free ports; always stopped."""
    env = _env(tmp_path_factory.mktemp("partners-sqlite"))
    processes: list[subprocess.Popen] = []
    urls = {}
    try:
        for name, directory in PARTNER_DIRS.items():
            commands = [["migrate", "-v", "0"]]
            if any(directory.glob("*/management/commands/seed_demo.py")):
                commands.append(["seed_demo"])
            for command in commands:
                done = subprocess.run([sys.executable, "manage.py", *command], cwd=directory,
                                      env=env, timeout=180, capture_output=True, text=True)
                assert done.returncode == 0, f"{name} {command}: {done.stderr[-2000:]}"
            port = _free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
                cwd=directory, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            processes.append(process)
            urls[name] = f"http://127.0.0.1:{port}"
            _wait_healthy(urls[name], process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def wired(settings, rsps, real_partners):
    """Fake order_service; supplier and carrier calls go to the real processes."""
    fake = FakePartners(rsps)  # registers its order_service stubs at the default URL
    settings.SERVICE_URLS = {**settings.SERVICE_URLS, **real_partners}
    breakers_reset()
    for url in real_partners.values():
        rsps.add_passthru(url)
    return fake


def _buy(api_client, fake, *, quantity=2, address=None):
    user_id = uuid.uuid4()
    order = fake.add_order(user_id=user_id, items=[{
        "product_id": str(uuid.uuid4()), "name": "Widget", "unit_price": "10.00",
        "quantity": quantity, "line_total": f"{10 * quantity}.00"}], total=f"{10 * quantity}")
    address = address or {"street": "Avenida Paulista", "number": "1000", "city": "Sao Paulo",
                          "state": "SP", "zip_code": "01310-100"}
    response = api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                                  "payment": CARD},
                               format="json", **auth_header(user_id=user_id))
    return order, response


def test_a_purchase_goes_through_the_real_supplier_and_carrier(api_client, wired):
    order, response = _buy(api_client, wired)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "RESERVE_DELIVERED"
    assert body["info_provider"]["state"] == "SP"
    assert body["info_order"]["order_number"].startswith("SUP-")
    assert body["info_order"]["reference"] == f"{body['id']}:order"
    assert body["info_delivery"]["tracking_code"].startswith("TRK")
    assert body["info_delivery"]["status"] == "SCHEDULED"
    assert body["info_delivery"]["reference"] == f"{body['id']}:delivery"
    assert wired.status_puts == [(order["id"], "processing")]


def test_the_real_supplier_returns_the_same_order_for_the_same_reference(wired):
    reference = f"{uuid.uuid4()}:order"
    items = [{"product_id": str(uuid.uuid4()), "quantity": 1}]

    first = partner_calls.supplier_order_create(reference=reference, items=items)
    again = partner_calls.supplier_order_create(reference=reference, items=items)

    assert first["order_number"] == again["order_number"]


def test_the_real_suppliers_stock_refusal_fails_the_purchase(api_client, wired):
    order, response = _buy(api_client, wired, quantity=5000)  # more than the default stock

    body = response.json()
    assert body["state"] == "FAILED"
    assert "supplier_service refused" in body["failure_reason"]
    assert wired.status_puts == [(order["id"], "cancelled")]


def test_an_address_the_carrier_would_refuse_is_refused_before_any_partner_call(api_client,
                                                                                wired):
    _, response = _buy(api_client, wired, address={
        "street": "Avenida Paulista", "number": "1000", "city": "Sao Paulo", "state": "SP",
        "zip_code": "ABC-12"})

    assert response.status_code == 400
    assert "zip_code" in response.json()["error"]["details"]["address"]
    assert not Purchase.objects.exists()
    assert wired.status_puts == []
