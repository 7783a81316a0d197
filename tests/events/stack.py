"""user_service and notification_service with their event workers, a broker of their own, on
PostgreSQL: every process real, each one stoppable, killable and restartable by a test."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import requests

from common.auth.keys import throwaway_keys_dir
from common.db import database_create, database_drop
from common.services import SERVICE_PORTS, service_url_variable
from launcher.broker import LocalBroker
from launcher.options import parse_options
from launcher.ports import free_port
from launcher.processes import start_group, stop_group
from launcher.readiness import wait_for_url, wait_until
from launcher.supervisor import service_spec

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("user_service", "notification_service")
ADMIN = ("events-admin@example.com", "events-admin-password-1")
PASSWORD = "a-long-enough-password-42"


class EventStack:
    def __init__(self, postgres_url: str, **settings: str):
        self.postgres_url = postgres_url
        self.prefix = f"ev_{uuid.uuid4().hex[:8]}_"
        self.run_dir = Path(tempfile.mkdtemp(prefix="events-suite-"))
        self.mail_dir = self.run_dir / "mail"
        self.broker = LocalBroker(store=self.run_dir / "nats")
        self.ports = {name: free_port() for name in SERVICES}
        self.env = {key: value for key, value in os.environ.items()
                    if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SQLITE_DIR")}
        self.env.update({
            "POSTGRES_URL": postgres_url, "DATABASE_NAME_PREFIX": self.prefix,
            "DJANGO_DEBUG": "true", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT), "NATS_URL": self.broker.url,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "JWT_KEYS_DIR": str(throwaway_keys_dir(services=list(SERVICE_PORTS))),
            "DEV_ADMIN_EMAIL": ADMIN[0], "DEV_ADMIN_PASSWORD": ADMIN[1],
            "EVENT_ACK_WAIT_SECONDS": "2", "EVENT_RETRY_SECONDS": "0.2",
            "EVENT_MAX_DELIVER": "3", "EVENT_RELAY_MAX_BACKOFF": "1",
            **{service_url_variable(name): self.url(name) for name in SERVICES},
            **settings,
        })
        self.servers: dict[str, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}

    # -- lifecycle -----------------------------------------------------------------------------

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def manage(self, service: str, *args: str, env: dict | None = None) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT / service,
                                env=env or self.env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{service} {args}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self) -> EventStack:
        self.broker.start()
        for service in SERVICES:
            database_create(server=self.postgres_url, name=f"{self.prefix}{service}", fresh=True)
            self.manage(service, "migrate", "--noinput", "-v", "0")
            self.manage(service, "ensure_dev_admin")
        for service in SERVICES:
            spec = service_spec(service, self.ports[service], parse_options(["--workers", "1"]),
                                self.env)
            self.servers[service] = start_group(spec.argv, cwd=spec.cwd,
                                                env={**self.env, **spec.env})
            self.start_worker(service)
        for service in SERVICES:
            assert wait_for_url(f"{self.url(service)}/readyz", timeout=60,
                                process=self.servers[service]), f"{service} not ready"
        return self

    def start_worker(self, service: str, **env: str) -> subprocess.Popen:
        log = open(self.run_dir / f"{service}-events.log", "a")  # noqa: SIM115 (the child's)
        self.workers[service] = start_group(
            [sys.executable, "manage.py", "run_events"], cwd=ROOT / service,
            env={**self.env, **env}, stdout=log)
        log.close()
        return self.workers[service]

    def stop_worker(self, service: str) -> None:
        stop_group(self.workers.pop(service), grace=10)

    def worker_log(self, service: str) -> str:
        path = self.run_dir / f"{service}-events.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for popen in [*self.workers.values(), *self.servers.values()]:
            stop_group(popen, grace=10)
        self.broker.close()
        for service in SERVICES:
            database_drop(server=self.postgres_url, name=f"{self.prefix}{service}")

    # -- reading and driving -------------------------------------------------------------------

    def query(self, service: str, statement: str, *params) -> list[tuple]:
        with psycopg.connect(f"{self.postgres_url}/{self.prefix}{service}",
                             autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def register(self, email: str | None = None, name: str = "Ann") -> tuple[str, str]:
        """(user id, access token) of a new user."""
        email = email or f"u{uuid.uuid4().hex[:10]}@example.com"
        created = requests.post(f"{self.url('user_service')}/api/users", timeout=10,
                                json={"email": email, "password": PASSWORD, "name": name})
        assert created.status_code == 201, created.text
        login = requests.post(f"{self.url('user_service')}/api/auth/login", timeout=10,
                              json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return created.json()["id"], login.json()["access"]

    def notifications(self, token: str) -> list[dict]:
        response = requests.get(f"{self.url('notification_service')}/api/notifications",
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def wait(self, check, *, timeout: float, what: str):
        return wait_until(check, timeout=timeout, what=what, interval=0.1)

    def notification_counts(self) -> dict[str, int]:
        rows = self.query("notification_service",
                          "SELECT user_id::text, count(*) FROM notifications_notification "
                          "WHERE kind = 'welcome' GROUP BY user_id")
        return dict(rows)
