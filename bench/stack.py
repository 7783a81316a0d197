"""The benchmark stack: its environment, its databases, and the gunicorn processes it runs.

Everything here is bench-only: databases are named `bench_<service>` (DATABASE_NAME_PREFIX),
ports are the bench's own (3100-3106 by default, another free one if taken) and every process
started is put in its own process group so that `Stack.stop()` ends it and its workers.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as `python bench/run.py`: the launcher and common from here
    sys.path.insert(1, str(ROOT))

from common.db.provision import database_create  # noqa: E402
from common.services import SERVICE_PORTS  # noqa: E402
from launcher.ports import ports_or_free  # noqa: E402
from launcher.processes import start_group, stop_groups  # noqa: E402
from launcher.readiness import wait_for_url  # noqa: E402

BENCH = ROOT / "bench"
RUN_DIR = BENCH / ".run"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

SERVICES = tuple(SERVICE_PORTS)
KEYS_DIR = RUN_DIR / "keys"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = "bench_"
ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = "bench-admin-password"
CUSTOMER_EMAIL = "customer@example.com"
CUSTOMER_PASSWORD = "customer-password"
BASELINE = "baseline"
BASELINE_ORDERS = "baseline_orders"  # the order floor's order half (baseline_project.orders)


def pick_ports(base_port: int) -> dict[str, int]:
    """The baseline on base_port, the services on base_port+1.., the order floor's order
    process after them (a free ephemeral port if taken)."""
    return ports_or_free({name: base_port + offset
                          for offset, name in enumerate((BASELINE, *SERVICES, BASELINE_ORDERS))})


def service_exists(service: str) -> bool:
    """A service is there once its project is: manage.py, settings and the WSGI module."""
    folder = ROOT / service
    return all((folder / part).is_file()
               for part in ("manage.py", "config/settings.py", "config/wsgi.py", "config/urls.py"))


def has_command(service: str, command: str) -> bool:
    return any((ROOT / service).glob(f"*/management/commands/{command}.py"))


def secrets_env() -> dict[str, str]:
    """Production settings refuse example secrets: a fresh secret key per run, and token key
    files of the bench's own (made once in bench/.run/keys)."""
    from common.auth.keys import keys_ensure

    keys_ensure(keys_dir=KEYS_DIR, services=list(SERVICES))
    return {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "JWT_KEYS_DIR": str(KEYS_DIR)}


def base_env(ports: dict[str, int]) -> dict[str, str]:
    """The environment of every bench process: production-like settings, bench databases."""
    env = {key: value for key, value in os.environ.items()
           if not key.endswith("_SERVICE_URL") and key not in ("DATABASE_URL",)}
    env.update({
        "DJANGO_ENV_FILE": "",  # never read the developer's .env
        "DJANGO_DEBUG": "false",
        **secrets_env(),
        "JWT_ACCESS_TOKEN_MINUTES": "240",
        "LOGIN_THROTTLE_RATE": "10000/min",
        "POSTGRES_URL": POSTGRES_URL,
        "DATABASE_NAME_PREFIX": DB_PREFIX,
        "LOG_LEVEL": "WARNING",
        "DEV_ADMIN_EMAIL": ADMIN_EMAIL,
        "DEV_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # This tree's `common`, whatever the virtualenv's editable install points at.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    })
    env.pop("REDIS_URL", None)  # in-process breakers and throttles, the same for every service
    for service in SERVICES:
        env[f"{service.upper()}_URL"] = f"http://127.0.0.1:{ports[service]}"
    return env


def ensure_databases(names: list[str], *, fresh: bool) -> None:
    """Create `bench_<service>` databases; with `fresh`, drop them first."""
    for name in names:
        database_create(server=POSTGRES_URL, name=f"{DB_PREFIX}{name}", fresh=fresh)


def manage(service: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT / service, env=env,
                          capture_output=True, text=True, timeout=300)


@dataclass
class Process:
    name: str
    port: int
    popen: subprocess.Popen
    log: Path


@dataclass
class Stack:
    """The processes this run started; `stop()` ends every one of them (and their workers)."""

    ports: dict[str, int]
    env: dict[str, str]
    workers: int = 2
    threads: int = 1
    # gunicorn's worker class ("" = sync with one thread, gthread with more) and keep-alive
    # seconds (gthread only: sync workers close every connection after its response).
    worker_class: str = ""
    keepalive: int | None = None
    gunicorn_args: list[str] = field(default_factory=list)
    processes: dict[str, Process] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def gunicorn(self, name: str, chdir: Path, app: str, env: dict[str, str]) -> Process:
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        log = RUN_DIR / f"{name}.log"
        command = [str(GUNICORN), app, "--chdir", str(chdir),
                   "--bind", f"127.0.0.1:{self.ports[name]}",
                   "--workers", str(self.workers), "--threads", str(self.threads),
                   "--worker-class", self.gunicorn_worker_class(),
                   "--log-level", "warning", "--graceful-timeout", "5", "--timeout", "60",
                   *(["--keep-alive", str(self.keepalive)] if self.keepalive is not None
                     else []),
                   *self.gunicorn_args]
        with log.open("w") as out:
            popen = start_group(command, env=env, stdout=out)
        process = self.processes[name] = Process(name, self.ports[name], popen, log)
        return process

    def gunicorn_worker_class(self) -> str:
        return self.worker_class or ("gthread" if self.threads > 1 else "sync")

    def gunicorn_settings(self) -> str:
        """The settings every process runs with, as gunicorn flags (for the results)."""
        flags = (f"--workers {self.workers} --threads {self.threads} "
                 f"--worker-class {self.gunicorn_worker_class()}")
        return flags + (f" --keep-alive {self.keepalive}" if self.keepalive is not None
                        else "")

    def start_manage(self, name: str, service: str, *args: str) -> Process:
        """`manage.py <args>` of `service` as a process of the stack (a worker, say)."""
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        log = RUN_DIR / f"{name}.log"
        with log.open("w") as out:
            popen = start_group([str(PYTHON), "manage.py", *args], env=self.env, stdout=out,
                                cwd=ROOT / service)
        process = self.processes[name] = Process(name, 0, popen, log)
        return process

    def start_service(self, service: str) -> Process:
        return self.gunicorn(service, ROOT / service, "config.wsgi:application", self.env)

    def start_baseline(self) -> Process:
        env = dict(self.env, DJANGO_SETTINGS_MODULE="baseline_project.settings")
        return self.gunicorn(BASELINE, BENCH / "baseline", "baseline_project.wsgi:application",
                             env)

    def start_baseline_orders(self) -> Process:
        """The order floor's order half, on order_service's bench database; it reserves
        through the baseline (the floor's product half)."""
        env = dict(self.env, DJANGO_SETTINGS_MODULE="baseline_project.settings",
                   BASELINE_DATABASE="order_service", BASELINE_PRODUCTS_URL=self.url(BASELINE))
        return self.gunicorn(BASELINE_ORDERS, BENCH / "baseline",
                             "baseline_project.wsgi:application", env)

    def wait_ready(self, name: str, path: str = "/healthz", timeout: float = 60) -> bool:
        return wait_for_url(f"{self.url(name)}{path}", timeout=timeout,
                            process=self.processes[name].popen, interval=0.3)

    def log_tail(self, name: str, lines: int = 15) -> str:
        process = self.processes.get(name)
        if process is None or not process.log.exists():
            return ""
        return "\n".join(process.log.read_text(errors="replace").splitlines()[-lines:])

    def stop_process(self, name: str) -> None:
        """SIGTERM one process group of the stack (SIGKILL after 10 s)."""
        process = self.processes.pop(name, None)
        if process is not None:
            stop_groups([process.popen], grace=10)

    def stop(self) -> None:
        """SIGTERM every process group started, then SIGKILL whatever is left after 10 s."""
        stop_groups([process.popen for process in self.processes.values()], grace=10)
        self.processes.clear()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
