"""One service as a real gunicorn process on a free port, on fresh SQLite, always stopped."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from common.auth.keys import keys_ensure
from common.services import SERVICE_PORTS
from launcher.ports import free_port
from launcher.processes import start_group, stop_group
from launcher.readiness import wait_for_url

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
# The dev admin `ensure_dev_admin` creates in the throwaway database.
ADMIN_EMAIL = "admin@browser.test"
ADMIN_PASSWORD = "browser-test-admin-password"


def service_env(*, sqlite_dir: Path, admin_email: str, admin_password: str) -> dict[str, str]:
    """Production-like settings (DEBUG off, real keys) on fresh SQLite, never .env or a PG."""
    keys_dir = sqlite_dir / "keys"
    keys_ensure(keys_dir=keys_dir, services=list(SERVICE_PORTS))
    env = dict(os.environ)
    env.update({
        # pytest-django exported the test settings module; the service needs its own.
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "false",
        # Production settings refuse example secrets: a random key, token keys of its own.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_KEYS_DIR": str(keys_dir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
        "POSTGRES_URL": "",
        "DATABASE_URL": "",
        "SQLITE_DIR": str(sqlite_dir),
        "DEV_ADMIN_EMAIL": admin_email,
        "DEV_ADMIN_PASSWORD": admin_password,
        "LOG_LEVEL": "WARNING",
    })
    return env


class RunningService:
    """`gunicorn config.wsgi:application` for one service, in its own process group."""

    def __init__(self, *, service: str, env: dict[str, str], log_path: Path):
        self.service_dir = ROOT / service
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def prepare(self) -> None:
        """`migrate` and `ensure_dev_admin` in the service's directory, with the same env."""
        for command in (["migrate", "--noinput"], ["ensure_dev_admin"]):
            result = subprocess.run([sys.executable, "manage.py", *command],
                                    cwd=self.service_dir, env=self.env, capture_output=True,
                                    text=True, timeout=120)
            assert result.returncode == 0, (
                f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = start_group(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "--chdir", str(self.service_dir), "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--access-logfile", "-"],
                cwd=self.service_dir, env=self.env, stdout=log)
        if wait_for_url(f"{self.url}/healthz", timeout=START_TIMEOUT_SECONDS,
                        process=self.process):
            return
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
        raise RuntimeError(f"gunicorn did not answer /healthz in {START_TIMEOUT_SECONDS} s:\n"
                           f"{self.log()}")

    def stop(self) -> None:
        """SIGTERM to the whole process group (master and worker), SIGKILL if it lingers."""
        if self.process is not None:
            stop_group(self.process, grace=STOP_TIMEOUT_SECONDS)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""
