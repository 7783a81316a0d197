"""A service's worker command run as a real process on SQLite and stopped by a signal, for the
tests that check a worker (the purchase worker, the order expiry) stops cleanly."""

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

# The environment a test process may carry that would point the child elsewhere than its own
# SQLite files (or at a Redis it does not need).
_NOT_INHERITED = ("POSTGRES_URL", "DATABASE_URL", "REDIS_URL")


def sqlite_env(sqlite_dir: Path) -> dict[str, str]:
    """This process's environment for a service's `manage.py` on fresh SQLite files in
    `sqlite_dir`: no PostgreSQL, no Redis, DEBUG on, warnings only, unbuffered output."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update(SQLITE_DIR=str(sqlite_dir), DJANGO_DEBUG="true", LOG_LEVEL="WARNING",
               PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="config.settings")
    return env


def stop_worker_with(stop_signal: signal.Signals, *, service_dir: Path, command: list[str],
                     started: str, sqlite_dir: Path) -> subprocess.CompletedProcess:
    """Migrate the service in `service_dir` on SQLite in `sqlite_dir`, start
    `manage.py <command>`, wait for its first line (it begins with `started` once the signal
    handlers are in place), send `stop_signal` a moment later, and return the finished
    process with its stdout and stderr. A worker still running after 15 s is killed."""
    env = sqlite_env(sqlite_dir)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=service_dir,
                   env=env, check=True, timeout=120)
    argv = [sys.executable, "manage.py", *command]
    worker = subprocess.Popen(argv, cwd=service_dir, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([worker.stdout], [], [], 60)
        assert ready, f"{command[0]} did not start within 60 s"
        first_line = worker.stdout.readline()
        assert first_line.startswith(started), first_line + worker.stderr.read()
        time.sleep(0.3)  # into its first pass or its wait: either way it must stop cleanly
        worker.send_signal(stop_signal)
        out, err = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    return subprocess.CompletedProcess(argv, worker.returncode, out, err)


__all__ = ["sqlite_env", "stop_worker_with"]
