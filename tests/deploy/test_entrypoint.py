"""The container entry point, run on the host against a real database with user_service."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from common.db import database_create, database_drop
from launcher.ports import free_port
from launcher.processes import start_group, stop_group
from launcher.readiness import wait_for_url
from tests.e2e.running_platform import postgres_server

REPO_ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO_ROOT / "compose" / "entrypoint.sh"
SERVICE_DIR = REPO_ROOT / "user_service"
# DATABASE_NAME_PREFIX keeps parallel runs apart, as it does for the service suites.
DATABASE = f"{os.environ.get('DATABASE_NAME_PREFIX', '')}deploytest_user_service"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A fresh PostgreSQL database for user_service, dropped afterwards; SQLite without a server."""
    server = postgres_server()
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'user_service.sqlite3'}"
        return
    database_create(server=server, name=DATABASE, fresh=True)
    yield f"{server}/{DATABASE}"
    database_drop(server=server, name=DATABASE)


def _key_set(keys_dir: Path) -> Path:
    """The token key files user_service needs with DEBUG off (made once per folder)."""
    from common.auth.keys import keys_ensure

    keys_ensure(keys_dir=keys_dir, services=["user_service"])
    return keys_dir


def entrypoint_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A clean production-like environment: nothing inherited but PATH, no .env file read."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "PYTHON": sys.executable,
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "SERVICE_DIR": str(SERVICE_DIR),
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "deploy-test-secret-key",
        "JWT_KEYS_DIR": str(_key_set(tmp_path / "keys")),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_WORKERS": "1",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_migrate_role_applies_the_migrations_and_exits(tmp_path, database_url):
    env = entrypoint_env(tmp_path, DATABASE_URL=database_url)

    result = subprocess.run(["sh", str(ENTRYPOINT), "migrate"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=180)
    plan = subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=SERVICE_DIR,
                          env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "database ready" in result.stdout
    assert plan.returncode == 0, "unapplied migrations remain: " + plan.stdout + plan.stderr


def test_web_role_serves_readyz_under_gunicorn_with_debug_off(tmp_path, database_url):
    port = free_port()
    env = entrypoint_env(tmp_path, DATABASE_URL=database_url, PORT=str(port), LOG_LEVEL="INFO")
    log = (tmp_path / "entrypoint.log").open("w+")
    process = start_group(["sh", str(ENTRYPOINT), "web"], cwd=tmp_path, env=env, stdout=log)
    try:
        wait_for_url(f"http://127.0.0.1:{port}/readyz", timeout=120, process=process,
                     interval=0.5)
        status, body = get_json(f"http://127.0.0.1:{port}/readyz")
        healthz_status, healthz = get_json(f"http://127.0.0.1:{port}/healthz")
        _, missing = get_json(f"http://127.0.0.1:{port}/no-such-page")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
    finally:
        stop_group(process, grace=20)
        log.seek(0)
        output = log.read()
        log.close()

    assert (status, body) == (200, {"status": "healthy", "checks": {"database": "ok"}}), output
    assert healthz_status == 200 and healthz["service"] == "user_service"
    assert missing["error"]["code"] == "not_found"  # DEBUG off: no Django debug page
    assert (tmp_path / "static" / "admin" / "css" / "base.css").is_file()  # collectstatic ran
    assert 'route="/readyz"' in metrics and 'route="/healthz"' in metrics
    assert list((tmp_path / f"prometheus-{port}").glob("*.db")), "multiprocess metrics files"
    json_lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["logger"] == "gunicorn.error" and line["service"] == "user_service"
               and line["message"].startswith(f"Listening at: http://0.0.0.0:{port}")
               for line in json_lines), output
    assert any(line["logger"] == "common.access" and line["path"] == "/readyz"
               and line["request_id"] for line in json_lines), output
    with pytest.raises(OSError):  # nothing is left listening
        socket.create_connection(("127.0.0.1", port), 1).close()


def _web_role_refusal(tmp_path: Path, **overrides: str | None) -> str:
    """Run the web role with a broken configuration: it must stop before touching the database,
    without a traceback; returns the last line it wrote to stderr."""
    env = entrypoint_env(tmp_path, PORT=str(free_port()), **overrides,
                         DATABASE_URL=f"sqlite:///{tmp_path / 'never-created.sqlite3'}")

    result = subprocess.run(["sh", str(ENTRYPOINT), "web"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "never-created.sqlite3").exists()
    return result.stderr.strip().splitlines()[-1]


def test_web_role_stops_with_one_line_naming_a_missing_required_variable(tmp_path):
    last = _web_role_refusal(tmp_path, DJANGO_SECRET_KEY=None)

    assert last == (
        "Configuration error: required environment variable DJANGO_SECRET_KEY is not set.")


def test_web_role_stops_with_one_line_when_the_token_keys_are_missing(tmp_path):
    empty = tmp_path / "no-keys"
    empty.mkdir()

    last = _web_role_refusal(tmp_path, JWT_KEYS_DIR=str(empty))

    assert last.startswith("Configuration error: ") and str(empty) in last


def test_web_role_requires_a_port(tmp_path):
    env = entrypoint_env(tmp_path, PORT=None, DATABASE_URL="sqlite:///unused.sqlite3")

    result = subprocess.run(["sh", str(ENTRYPOINT), "web"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "PORT must be set" in result.stderr


def test_entrypoint_refuses_a_directory_without_manage_py(tmp_path):
    env = entrypoint_env(tmp_path, SERVICE_DIR=str(tmp_path))

    result = subprocess.run(["sh", str(ENTRYPOINT), "web"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "no manage.py" in result.stderr


def test_entrypoint_runs_from_the_current_directory_without_service_dir(tmp_path):
    env = entrypoint_env(tmp_path, SERVICE_DIR=None, DJANGO_DEBUG="true",
                         DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = subprocess.run(["sh", str(ENTRYPOINT), "check", "--deploy", "--fail-level", "ERROR"],
                            cwd=SERVICE_DIR, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified" in result.stdout + result.stderr
