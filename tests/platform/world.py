"""The whole platform on PostgreSQL, started once per test session and shared by the journey,
fuzzing, events and security suites (registered in tests/conftest.py).

`manage_all.py up` runs every service but the carrier behind the gateway (ports moved by a
free offset); the carrier runs beside it under gunicorn, on a database reached through a TCP
proxy, so a test can stop the carrier and stop "its PostgreSQL" without touching the others.
"""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from common.db import database_drop
from common.services import SERVICE_PORTS
from common.testing import make_token
from launcher.gateway import find_nginx
from launcher.options import parse_options
from launcher.processes import start_group, stop_group
from launcher.readiness import wait_for_url
from launcher.supervisor import service_spec
from tests.e2e.running_platform import (
    RunningPlatform,
    free_port_offset,
    manage_all,
    postgres_platform_env,
    postgres_server,
    present_services,
)
from tests.platform.tcp_proxy import TcpProxy

ADMIN = ("e2e-admin@example.com", "e2e-admin-password")
SEPARATE = "carrier_service"


def _skip_reason() -> str | None:
    if find_nginx() is None:
        return "nginx is not installed (apt-get install nginx); CI installs it"
    if set(present_services()) != set(SERVICE_PORTS):
        return "not every service is present"
    if postgres_server() is None:
        return "PostgreSQL is not reachable (POSTGRES_URL or 127.0.0.1:5432); CI provides it"
    return None


@dataclass
class Platform:
    env: dict[str, str]
    postgres_url: str
    prefix: str
    offset: int
    gateway: str
    carrier_proxy: TcpProxy
    carrier: subprocess.Popen | None = None
    admin_token: str = ""
    _started: list = field(default_factory=list)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{SERVICE_PORTS[service] + self.offset}"

    def database(self, service: str) -> str:
        return f"{self.prefix}{service}"

    def fresh_admin_token(self) -> str:
        """A real ADMIN session of a new user of its own: the suite's fuzzing may change or
        delete any existing user, `admin_token`'s owner included, which ends its sessions."""
        email, password = f"admin-{uuid.uuid4().hex[:10]}@example.com", "Admin-pass-8317"
        created = requests.post(f"{self.gateway}/api/users", timeout=10, json={
            "email": email, "password": password, "name": "Suite Admin"})
        assert created.status_code == 201, created.text
        promoted = requests.patch(
            f"{self.gateway}/api/users/{created.json()['id']}", json={"role": "ADMIN"},
            headers={"Authorization": f"Bearer {make_token(role='ADMIN')}"}, timeout=10)
        assert promoted.status_code == 200, promoted.text
        login = requests.post(f"{self.gateway}/api/auth/login", timeout=10,
                              json={"email": email, "password": password})
        assert login.status_code == 200, login.text
        return login.json()["access"]

    def query(self, service: str, statement: str, *params) -> list[tuple]:
        with psycopg.connect(f"{self.postgres_url}/{self.database(service)}") as conn:
            return conn.execute(statement, params).fetchall()

    def start_carrier(self) -> None:
        parts = urlsplit(self.postgres_url)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        env = {**self.env, "DATABASE_URL": (
            f"postgres://{user}127.0.0.1:{self.carrier_proxy.port}/{self.database(SEPARATE)}")}
        spec = service_spec(SEPARATE, SERVICE_PORTS[SEPARATE] + self.offset,
                            parse_options(["--workers", "1"]), env)
        self.carrier = start_group(spec.argv, cwd=spec.cwd, env={**env, **spec.env})
        assert wait_for_url(f"{self.url(SEPARATE)}/readyz", timeout=60, process=self.carrier), (
            "carrier_service did not get ready")

    def stop_carrier(self) -> None:
        if self.carrier is not None:
            stop_group(self.carrier, grace=15)
        self.carrier = None


def _drop_databases(postgres_url: str, prefix: str) -> None:
    for service in SERVICE_PORTS:
        database_drop(server=postgres_url, name=f"{prefix}{service}")


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    postgres_url = postgres_server()
    prefix = f"e2e_{uuid.uuid4().hex[:8]}_"
    env = postgres_platform_env(
        postgres_url=postgres_url, prefix=prefix, admin=ADMIN,
        GATEWAY_RATE_LIMIT="60000r/m", GATEWAY_RATE_BURST="2000",
        PURCHASE_RETRY_BASE_SECONDS="1", PURCHASE_RETRY_MAX_SECONDS="2",
        PURCHASE_WORKER_INTERVAL="0.5", BREAKER_RESET_TIMEOUT="2")
    offset = free_port_offset()
    proxy = TcpProxy(upstream=(urlsplit(postgres_url).hostname or "127.0.0.1",
                               urlsplit(postgres_url).port or 5432))
    world = Platform(env=env, postgres_url=postgres_url, prefix=prefix, offset=offset,
                     gateway=f"http://127.0.0.1:{8080 + offset}", carrier_proxy=proxy)
    running = None
    try:
        result = manage_all("setup", env=env, timeout=600)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        proxy.start()
        others = ",".join(name for name in SERVICE_PORTS if name != SEPARATE)
        running = RunningPlatform(["--only", others, "up", "--workers", "1"], env,
                                  port_offset=offset)
        running.wait_ready(timeout=180)
        world.start_carrier()
        login = requests.post(f"{world.gateway}/api/auth/login", timeout=10,
                              json={"email": ADMIN[0], "password": ADMIN[1]})
        assert login.status_code == 200, login.text
        world.admin_token = login.json()["access"]
        yield world
    finally:
        world.stop_carrier()
        if running is not None:
            running.stop()
        proxy.stop()
        with contextlib.suppress(psycopg.Error):
            _drop_databases(postgres_url, prefix)
