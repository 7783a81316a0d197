"""`manage_all.py up` as a subprocess: its output, readiness, descendants, and a safe stop."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from launcher.ports import free_port_offset as offset_for
from launcher.processes import (
    ProcessInfo,
    group_members,
    kill_groups,
    start_group,
    stop_group,
)
from launcher.readiness import NotReady, wait_until
from tests.e2e.process_table import descendants, still_running

ROOT = Path(__file__).resolve().parents[2]
READY_LINE = re.compile(r"Platform ready in ([0-9.]+) s")
GATEWAY_VARIABLES = ("GATEWAY_PORT", "GATEWAY_RATE_LIMIT", "GATEWAY_RATE_BURST",
                     "GATEWAY_CORS_ORIGIN_REGEX")


CONTRACT_GATEWAY_PORT = 8080
LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"


def free_port_offset() -> int:
    """An offset that moves every port `up` listens on (the services from 3001, the broker's
    4322 and 8322, the gateway's 8080) onto free ones, so the tests never collide with a
    platform already running on this machine."""
    from common.services import SERVICE_PORTS
    from launcher.broker import broker_ports

    return offset_for([*SERVICE_PORTS.values(), *broker_ports(0)],
                      public_ports=[CONTRACT_GATEWAY_PORT])


def present_services() -> list[str]:
    from common.services import SERVICE_PORTS

    return [name for name in SERVICE_PORTS if (ROOT / name / "manage.py").exists()]


def platform_env(sqlite_dir: Path, **extra: str) -> dict[str, str]:
    """The shell's environment on fresh SQLite files (never a PostgreSQL from .env or CI)."""
    env = {key: value for key, value in os.environ.items() if key not in GATEWAY_VARIABLES}
    env.update({
        "SQLITE_DIR": str(sqlite_dir),
        "POSTGRES_URL": "",
        "DATABASE_URL": "",
        "DJANGO_DEBUG": "true",
        "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def postgres_server() -> str | None:
    """The PostgreSQL server of the platform suites (POSTGRES_URL, else the local one), when
    it answers; None otherwise."""
    from common.db import postgres_reachable

    url = (os.environ.get("POSTGRES_URL") or LOCAL_POSTGRES_URL).rstrip("/")
    return url if postgres_reachable(url, timeout=2) else None


def postgres_platform_env(*, postgres_url: str, prefix: str, admin: tuple[str, str],
                          **extra: str) -> dict[str, str]:
    """The shell's environment for a platform on PostgreSQL: databases `<prefix><service>`,
    DEBUG on, the given dev admin, quiet logs; `extra` on top."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SQLITE_DIR")}
    env.update({
        "POSTGRES_URL": postgres_url, "DATABASE_NAME_PREFIX": prefix, "DJANGO_DEBUG": "true",
        "DEV_ADMIN_EMAIL": admin[0], "DEV_ADMIN_PASSWORD": admin[1], "LOG_LEVEL": "WARNING",
        "NO_COLOR": "1", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def manage_all(*args: str, env: dict[str, str],
               timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage_all.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


class RunningPlatform:
    """A started `manage_all.py ... up <args> --port-offset N`; `stop()` leaves nothing behind."""

    def __init__(self, args: list[str], env: dict[str, str], *, port_offset: int):
        self.port_offset = port_offset
        self.gateway_url = f"http://127.0.0.1:{CONTRACT_GATEWAY_PORT + port_offset}"
        self.started_at = time.monotonic()
        self.popen = start_group(
            [sys.executable, str(ROOT / "manage_all.py"), *args, "--port-offset",
             str(port_offset)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        # The whole output is also kept on disk (git-ignored), to read after a failed run.
        self.log_path = ROOT / ".run" / f"platform-{port_offset}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.ready_after: float | None = None
        self.seen: dict[tuple[int, int], ProcessInfo] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        with self.log_path.open("w") as log:
            for line in self.popen.stdout:
                log.write(line)
                log.flush()
                self.lines.append(line.rstrip("\n"))
                if self.ready_after is None and READY_LINE.search(line):
                    self.ready_after = time.monotonic() - self.started_at

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_ready(self, timeout: float = 120) -> float:
        """Seconds from start to the ready table; fails with the output if it never comes."""
        try:
            wait_until(lambda: self.ready_after is not None, timeout=timeout,
                       what="the ready table", interval=0.1, process=self.popen)
        except NotReady as error:
            self._reader.join(timeout=5)
            raise AssertionError(f"`up` not ready ({error}):\n{self.output[-6000:]}") from None
        self.record_descendants()
        return self.ready_after

    def record_descendants(self) -> list[ProcessInfo]:
        current = descendants(self.popen.pid)
        for info in current:
            self.seen[(info.pid, info.start_time)] = info
        return current

    def left_behind(self) -> list[ProcessInfo]:
        """Processes seen under the launcher that still run, plus live members of their groups."""
        alive = [info for info in self.seen.values() if still_running(info)]
        groups = {info.pgid for info in self.seen.values()}
        alive += [info for pgid in groups for info in group_members(pgid)
                  if (info.pid, info.start_time) not in self.seen]
        return alive

    def wait_exit(self, timeout: float) -> int:
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise AssertionError(f"`up` still running after {timeout} s:\n"
                                 f"{self.output[-4000:]}") from error
        self._reader.join(timeout=5)
        return code

    def stop(self) -> None:
        """Teardown, whatever happened: SIGTERM to the launcher (its group is itself alone;
        it stops its children), then SIGKILL every group ever seen under it."""
        if self.popen.poll() is None:
            self.record_descendants()
            stop_group(self.popen, grace=20)
        kill_groups([info.pgid for info in self.left_behind()])
        self._reader.join(timeout=5)
