"""Start-up configuration: required variables outside DEBUG, database selection."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.auth import keys
from common.settings import ImproperlyConfiguredExit, service_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DATABASE_URL",
                 "POSTGRES_URL", "SQLITE_DIR", "DATABASE_NAME_PREFIX", "JWT_PUBLIC_KEYS",
                 "JWT_PRIVATE_KEY", "JWT_USER_PRIVATE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_ENV_FILE", "")


@pytest.fixture
def key_dir(tmp_path):
    keys.keys_ensure(keys_dir=tmp_path / "keys", services=["svc", "order_service"])
    return tmp_path / "keys"


def test_a_missing_secret_key_outside_debug_stops_with_its_name(clean_env, monkeypatch,
                                                                key_dir):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("JWT_KEYS_DIR", str(key_dir))
    with pytest.raises(ImproperlyConfiguredExit) as stopped:
        service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert str(stopped.value.code) == (
        "Configuration error: required environment variable DJANGO_SECRET_KEY is not set.")


@pytest.mark.parametrize("secret", [
    "local-development-secret-key-not-for-production", "compose-example-secret-key-change-me",
    "REPLACE-with-a-long-random-string"])
def test_an_example_secret_key_outside_debug_stops(clean_env, monkeypatch, key_dir, secret):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("JWT_KEYS_DIR", str(key_dir))
    monkeypatch.setenv("DJANGO_SECRET_KEY", secret)
    with pytest.raises(ImproperlyConfiguredExit) as stopped:
        service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert "example or built-in value" in str(stopped.value.code)


def test_production_starts_with_its_own_key_files(clean_env, monkeypatch, key_dir):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("JWT_KEYS_DIR", str(key_dir))
    settings = service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert settings["JWT_PRIVATE_KEY"] == str(key_dir / "svc" / "private.pem")
    assert "JWT_USER_PRIVATE_KEY" not in settings
    assert "SIMPLE_JWT" not in settings and "JWT_SIGNING_KEY" not in settings


@pytest.mark.parametrize("broken", ["missing-private", "missing-public", "not-in-public-set",
                                    "not-a-key"])
def test_production_refuses_a_missing_or_foreign_key(clean_env, monkeypatch, key_dir, broken):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("JWT_KEYS_DIR", str(key_dir))
    if broken == "missing-private":
        (key_dir / "svc" / "private.pem").unlink()
    elif broken == "missing-public":
        (key_dir / "public.json").unlink()
    elif broken == "not-in-public-set":
        keys.key_retire(keys_dir=key_dir,
                        kid=keys.load_signing_key(str(key_dir / "svc" / "private.pem")).kid)
    else:
        (key_dir / "svc" / "private.pem").write_text("-----BEGIN PRIVATE KEY-----\nno\n")
    keys.clear_caches()
    with pytest.raises(ImproperlyConfiguredExit) as stopped:
        service_settings(name="svc", base_dir=Path("/tmp"), apps=[])
    assert str(stopped.value.code).startswith("Configuration error: ")
    keys.clear_caches()


def test_manage_py_prints_one_line_and_exits_nonzero_without_its_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_URL"}
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50, DJANGO_ENV_FILE="",
               SQLITE_DIR=str(tmp_path), JWT_KEYS_DIR=str(tmp_path / "no-keys"))
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO / "user_service",
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error: cannot read the public")


def test_debug_creates_a_missing_local_key_set(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("JWT_KEYS_DIR", str(tmp_path / "local"))
    settings = service_settings(name="user_service", base_dir=Path("/tmp"), apps=[])
    assert settings["SECRET_KEY"]
    assert Path(settings["JWT_USER_PRIVATE_KEY"]).is_file()
    assert Path(settings["JWT_PRIVATE_KEY"]).is_file()
    assert (tmp_path / "local" / "public.json").is_file()


def test_without_database_url_a_service_uses_its_own_sqlite_file(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    db = service_settings(name="svc", base_dir=Path("/srv/svc"), apps=[])["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == "/srv/svc/db.sqlite3"
    # several processes write the file: writers wait for the lock instead of failing
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


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
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_URL"}
    env.update(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="s" * 50, DJANGO_ENV_FILE="",
               SQLITE_DIR=str(tmp_path), JWT_KEYS_DIR=str(tmp_path / "no-keys"))
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", "127.0.0.1:0",
         "--workers", "2"], cwd=REPO / "user_service", env=env, capture_output=True, text=True,
        timeout=60)
    message = "Configuration error: cannot read the public key set"
    assert result.returncode != 0
    assert 1 <= result.stderr.count(message) <= 2
