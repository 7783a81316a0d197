"""Start-up configuration: required variables outside DEBUG, database selection."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.settings import ImproperlyConfiguredExit, service_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL",
                 "POSTGRES_URL", "SQLITE_DIR", "DATABASE_NAME_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_ENV_FILE", "")


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"])
def test_a_missing_required_variable_outside_debug_stops_with_its_name(clean_env, monkeypatch,
                                                                       missing):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY"):
        if name != missing:
            monkeypatch.setenv(name, "x" * 40)
    with pytest.raises(ImproperlyConfiguredExit) as stopped:
        service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert str(stopped.value.code) == (
        f"Configuration error: required environment variable {missing} is not set.")


def test_manage_py_prints_one_line_and_exits_nonzero_without_the_signing_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SIGNING_KEY", "POSTGRES_URL")}
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50, DJANGO_ENV_FILE="",
               SQLITE_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO / "user_service",
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: required environment variable JWT_SIGNING_KEY is not set."]


def test_debug_runs_with_local_keys(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    settings = service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert settings["SECRET_KEY"] and settings["SIMPLE_JWT"]["SIGNING_KEY"]


def test_without_database_url_a_service_uses_its_own_sqlite_file(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    db = service_settings(name="svc", base_dir=Path("/srv/svc"), apps=[])["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/svc/db.sqlite3"


def test_postgres_url_gives_each_service_its_own_database(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("POSTGRES_URL", "postgres://u:p@db.example:5433/")
    monkeypatch.setenv("DATABASE_NAME_PREFIX", "bench_")
    db = service_settings(name="order_service", base_dir=Path("/x"), apps=[])["DATABASES"][
        "default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "bench_order_service")


def test_database_url_wins(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("POSTGRES_URL", "postgres://u@h:5432")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@other:5432/mine")
    db = service_settings(name="svc", base_dir=Path("/x"), apps=[])["DATABASES"]["default"]
    assert (db["HOST"], db["NAME"]) == ("other", "mine")


def test_gunicorn_stops_with_the_one_line_message_instead_of_restarting_workers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SIGNING_KEY", "POSTGRES_URL")}
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50, DJANGO_ENV_FILE="",
               SQLITE_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0",
         "--workers", "2"], cwd=REPO / "user_service", env=env, capture_output=True, text=True,
        timeout=60)
    message = "Configuration error: required environment variable JWT_SIGNING_KEY is not set."
    assert result.returncode != 0
    assert 1 <= result.stderr.count(message) <= 2
