"""Settings shared by every service, built from the environment with django-environ."""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ

from common.logging.config import json_stdout_logging
from common.services import SERVICE_PORTS, default_service_url, service_url_variable

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED_OUTSIDE_DEBUG = ("DJANGO_SECRET_KEY",)
LOCAL_SECRET_KEY = "local-development-secret-key-not-for-production"
# A secret containing one of these is a placeholder from an example file: refused outside DEBUG.
EXAMPLE_SECRET_MARKERS = ("change-me", "changeme", "replace-with", "not-for-production",
                          "example")
# Event handlers every service runs (type -> dotted path); a service adds its own with
# service_settings(event_handlers=...).
DEFAULT_EVENT_HANDLERS: dict[str, str] = {
    "shop.user.sessions_revoked": "common.auth.revocations.handle_sessions_revoked",
}
# The one reader of the environment. A service's settings module reads its own variables with
# it after `service_settings(...)`, which loads `.env` into the environment first.
env = environ.Env()


class ImproperlyConfiguredExit(SystemExit):
    """Start-up stops with one line naming the missing variable (or saying what is wrong)."""

    def __init__(self, name: str, *, message: str | None = None):
        super().__init__("Configuration error: " + (
            message or f"required environment variable {name} is not set."))


def _read_env_file(env: environ.Env) -> None:
    env_file = os.environ.get("DJANGO_ENV_FILE", str(REPO_ROOT / ".env"))
    if env_file and Path(env_file).is_file():
        env.read_env(env_file, overwrite=False)


def _require(env: environ.Env, name: str, debug: bool, local_default: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if debug:
        return local_default
    raise ImproperlyConfiguredExit(name)


def _refuse_example_secret(name: str, value: str) -> None:
    lowered = value.lower()
    if value == LOCAL_SECRET_KEY or any(marker in lowered for marker in EXAMPLE_SECRET_MARKERS):
        raise ImproperlyConfiguredExit(name, message=(
            f"{name} is an example or built-in value; set a secret of your own."))


def _token_keys(env: environ.Env, name: str, *, debug: bool, testing: bool) -> dict[str, Any]:
    """Where this service's key files are (`JWT_KEYS_DIR`, or one path per file), checked.

    Outside DEBUG a missing or unreadable key stops start-up. Under DEBUG a missing local key
    set is created (as `manage_all.py setup` does); a test process gets a throwaway set,
    published in its environment so the services it starts share it.
    """
    from common.auth import keys

    keys_dir = env.str("JWT_KEYS_DIR", default="")
    if not keys_dir and testing:
        keys_dir = str(keys.throwaway_keys_dir(services=[*SERVICE_PORTS, name]))
        os.environ["JWT_KEYS_DIR"] = keys_dir
    keys_dir = keys_dir or str(REPO_ROOT / ".keys")
    paths = {
        "JWT_KEYS_DIR": keys_dir,
        "JWT_PUBLIC_KEYS": env.str("JWT_PUBLIC_KEYS", default=f"{keys_dir}/{keys.PUBLIC_SET}"),
        "JWT_PRIVATE_KEY": env.str(
            "JWT_PRIVATE_KEY", default=f"{keys_dir}/{name}/{keys.SERVICE_KEY_FILE}"),
    }
    if name == keys.USER_TOKEN_ISSUER:
        paths["JWT_USER_PRIVATE_KEY"] = env.str(
            "JWT_USER_PRIVATE_KEY",
            default=f"{keys_dir}/{keys.USER_TOKEN_ISSUER}/{keys.USER_KEY_FILE}")
    if debug and not all(Path(path).is_file() for key, path in paths.items()
                         if key != "JWT_KEYS_DIR"):
        with contextlib.suppress(OSError, keys.KeyFileError):
            keys.keys_ensure(keys_dir=Path(keys_dir), services=[*SERVICE_PORTS, name])
    if not debug:
        try:
            public = keys.load_public_keys(paths["JWT_PUBLIC_KEYS"])
            for variable in ("JWT_PRIVATE_KEY", "JWT_USER_PRIVATE_KEY"):
                if variable in paths and keys.load_signing_key(paths[variable]).kid not in public:
                    raise keys.KeyFileError(
                        f"the public key of {paths[variable]} is not in {paths['JWT_PUBLIC_KEYS']}")
        except keys.KeyFileError as exc:
            raise ImproperlyConfiguredExit("JWT_KEYS_DIR", message=f"{exc}.") from exc
    return paths


def database_name(service: str) -> str:
    """The PostgreSQL database of a service: its name, after an optional DATABASE_NAME_PREFIX."""
    return f"{os.environ.get('DATABASE_NAME_PREFIX', '')}{service}"


def _database(env: environ.Env, service: str, base_dir: Path) -> dict[str, Any]:
    if env.str("DATABASE_URL", default=""):
        db = env.db_url("DATABASE_URL")
    elif env.str("POSTGRES_URL", default=""):
        db = environ.Env.db_url_config(
            f"{env.str('POSTGRES_URL').rstrip('/')}/{database_name(service)}")
    else:
        sqlite_dir = env.str("SQLITE_DIR", default="")
        path = Path(sqlite_dir) / f"{service}.sqlite3" if sqlite_dir else base_dir / "db.sqlite3"
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    if db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", 3)
        db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60)
        db["CONN_HEALTH_CHECKS"] = True
    else:
        # Several processes write one SQLite file (gunicorn workers, the event worker, the
        # purchase worker): WAL lets readers go on beside a writer, and IMMEDIATE transactions
        # take the write lock at BEGIN, so a writer waits (`timeout`) instead of failing with
        # "database is locked" when a read transaction cannot be upgraded.
        db.setdefault("OPTIONS", {}).update({
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        })
    is_postgres = db["ENGINE"].endswith("postgresql")
    db["TEST"] = {"NAME": f"test_{database_name(service)}"} if is_postgres else {}
    return db


def _cache(env: environ.Env) -> dict[str, Any]:
    redis_url = env.str("REDIS_URL", default="")
    if redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": redis_url, "KEY_PREFIX": "shop"}}
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def service_settings(
    *,
    name: str,
    base_dir: Path,
    apps: list[str],
    version: str = "0.1.0",
    extra: dict[str, Any] | None = None,
    event_handlers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return the settings of one service; its settings module does `globals().update(...)`."""
    _read_env_file(env)
    debug = env.bool("DJANGO_DEBUG", default=False)
    secret_key = _require(env, "DJANGO_SECRET_KEY", debug, LOCAL_SECRET_KEY)
    if not debug:
        _refuse_example_secret("DJANGO_SECRET_KEY", secret_key)
        # An example file's database password (compose/.env.example) is refused as well.
        _refuse_example_secret(
            "DATABASE_URL", urlsplit(env.str("DATABASE_URL", default="")).password or "")
    testing = "pytest" in sys.modules
    token_keys = _token_keys(env, name, debug=debug, testing=testing)

    settings: dict[str, Any] = {
        "SERVICE_NAME": name,
        "SERVICE_VERSION": version,
        "SERVICE_PORT": SERVICE_PORTS.get(name, 8000),
        "BASE_DIR": base_dir,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": env.list("DJANGO_ALLOWED_HOSTS", default=["*"]),
        "CSRF_TRUSTED_ORIGINS": env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[]),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "whitenoise.runserver_nostatic",
            "django.contrib.staticfiles",
            "rest_framework",
            "drf_spectacular",
            "drf_spectacular_sidecar",
            "common",
            *apps,
        ],
        "MIDDLEWARE": [
            "common.request_id.RequestIdMiddleware",
            "common.logging.AccessLogMiddleware",
            "common.metrics.MetricsMiddleware",
            "common.errors.UnhandledExceptionMiddleware",
            "common.limits.RequestLimitsMiddleware",
            "common.limits.AdminLoginThrottleMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "APPEND_SLASH": False,
        "ROOT_URLCONF": "config.urls",
        "WSGI_APPLICATION": "config.wsgi.application",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        "DATABASES": {"default": _database(env, name, base_dir)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "CACHES": _cache(env),
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ],
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "static/",
        "STATIC_ROOT": env.str("DJANGO_STATIC_ROOT", default=str(base_dir / "staticfiles")),
        "WHITENOISE_USE_FINDERS": env.bool("WHITENOISE_USE_FINDERS", default=True),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SESSION_COOKIE_SECURE": env.bool("DJANGO_SECURE_COOKIES", default=False),
        "CSRF_COOKIE_SECURE": env.bool("DJANGO_SECURE_COOKIES", default=False),
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["common.auth.JWTAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_PAGINATION_CLASS": "common.pagination.LimitOffsetPagination",
            "PAGE_SIZE": 20,
            "EXCEPTION_HANDLER": "common.errors.exception_handler",
            "DEFAULT_SCHEMA_CLASS": "common.openapi.AutoSchema",
            "DEFAULT_RENDERER_CLASSES": [
                "rest_framework.renderers.JSONRenderer",
                "rest_framework.renderers.BrowsableAPIRenderer",
            ],
            "DEFAULT_PARSER_CLASSES": ["common.limits.JSONParser"],
            "DEFAULT_THROTTLE_RATES": {
                "login": env.str("LOGIN_THROTTLE_RATE", default="10/min"),
                "admin_login": env.str("ADMIN_LOGIN_THROTTLE_RATE", default="10/min"),
            },
            "UNAUTHENTICATED_USER": None,
            "COERCE_DECIMAL_TO_STRING": True,
        },
        **token_keys,
        "ACCESS_TOKEN_LIFETIME": timedelta(
            minutes=env.int("JWT_ACCESS_TOKEN_MINUTES", default=15)),
        "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_DAYS", default=7)),
        "JWT_LEEWAY_SECONDS": env.int("JWT_LEEWAY_SECONDS", default=5),
        "REVOCATION_CACHE_SECONDS": env.float("REVOCATION_CACHE_SECONDS", default=2.0),
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"{name} API",
            "VERSION": version,
            "SERVE_INCLUDE_SCHEMA": False,
            "SWAGGER_UI_DIST": "SIDECAR",
            "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
            "REDOC_DIST": "SIDECAR",
            "COMPONENT_SPLIT_REQUEST": True,
            "PREPROCESSING_HOOKS": ["common.openapi.api_paths_only"],
            "POSTPROCESSING_HOOKS": [
                "drf_spectacular.hooks.postprocess_schema_enums",
                "common.openapi.error_envelope_default",
            ],
        },
        # Request limits (common.limits; docs/security.md)
        "DATA_UPLOAD_MAX_MEMORY_SIZE": env.int("REQUEST_BODY_MAX_BYTES", default=1_048_576),
        "FILE_UPLOAD_MAX_MEMORY_SIZE": env.int("REQUEST_BODY_MAX_BYTES", default=1_048_576),
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": 1000,
        "JSON_MAX_DEPTH": env.int("JSON_MAX_DEPTH", default=20),
        "TRUSTED_PROXIES": env.list("TRUSTED_PROXIES", default=[]),
        "HTTP_CLIENT_TIMEOUT": env.float("HTTP_CLIENT_TIMEOUT", default=5.0),
        "HTTP_CLIENT_RETRIES": env.int("HTTP_CLIENT_RETRIES", default=2),
        "SERVICE_TOKEN_SECONDS": env.int("SERVICE_TOKEN_SECONDS", default=60),
        "SERVICE_URLS": {
            svc: env.str(service_url_variable(svc), default=default_service_url(svc))
            for svc in SERVICE_PORTS
        },
        "LOGGING": _logging(env, name, testing),
        **_events(env, event_handlers, validate=debug or testing),
        **_email(env),
    }
    settings.update(extra or {})
    _ensure_static_root(settings["STATIC_ROOT"])
    return settings


def _events(env: environ.Env, handlers: dict[str, str] | None, *,
            validate: bool) -> dict[str, Any]:
    """The broker, the relay and the consumer (common.events; docs/events.md). Published events
    are checked against their schemas in development and tests unless EVENT_VALIDATE says."""
    return {
        "NATS_URL": env.str("NATS_URL", default="nats://127.0.0.1:4322"),
        "EVENT_STREAM": env.str("EVENT_STREAM", default="SHOP"),
        "EVENT_STREAM_MAX_AGE_DAYS": env.int("EVENT_STREAM_MAX_AGE_DAYS", default=7),
        "EVENT_STREAM_REPLICAS": env.int("EVENT_STREAM_REPLICAS", default=1),
        "EVENT_HANDLERS": {**DEFAULT_EVENT_HANDLERS, **(handlers or {})},
        "EVENT_MAX_DELIVER": env.int("EVENT_MAX_DELIVER", default=5),
        "EVENT_RETRY_SECONDS": env.float("EVENT_RETRY_SECONDS", default=1.0),
        "EVENT_ACK_WAIT_SECONDS": env.float("EVENT_ACK_WAIT_SECONDS", default=30.0),
        "EVENT_CONSUMER_BATCH": env.int("EVENT_CONSUMER_BATCH", default=64),
        "EVENT_RELAY_INTERVAL": env.float("EVENT_RELAY_INTERVAL", default=0.1),
        "EVENT_RELAY_BATCH": env.int("EVENT_RELAY_BATCH", default=100),
        "EVENT_RELAY_MAX_BACKOFF": env.float("EVENT_RELAY_MAX_BACKOFF", default=10.0),
        "EVENT_OUTBOX_RETENTION_DAYS": env.int("EVENT_OUTBOX_RETENTION_DAYS", default=7),
        "EVENT_VALIDATE": env.bool("EVENT_VALIDATE", default=validate),
    }


def _email(env: environ.Env) -> dict[str, Any]:
    """Django's email framework; locally the file backend under .run/mail/ (docs/events.md)."""
    return {
        "EMAIL_BACKEND": env.str("EMAIL_BACKEND",
                                 default="django.core.mail.backends.filebased.EmailBackend"),
        "EMAIL_FILE_PATH": env.str("EMAIL_FILE_PATH", default=str(REPO_ROOT / ".run" / "mail")),
        "EMAIL_HOST": env.str("EMAIL_HOST", default="127.0.0.1"),
        "EMAIL_PORT": env.int("EMAIL_PORT", default=1025),
        "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", default=""),
        "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", default=""),
        "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", default=False),
        "EMAIL_TIMEOUT": env.int("EMAIL_TIMEOUT", default=10),
        "DEFAULT_FROM_EMAIL": env.str("DEFAULT_FROM_EMAIL", default="Shop <no-reply@shop.local>"),
    }


def _ensure_static_root(static_root: str) -> None:
    """WhiteNoise warns on every start when STATIC_ROOT is missing; make it exist."""
    with contextlib.suppress(OSError):  # read-only filesystems collect at build time
        Path(static_root).mkdir(parents=True, exist_ok=True)


def _logging(env: environ.Env, service: str, testing: bool) -> dict[str, Any]:
    level = env.str("LOG_LEVEL", default="WARNING" if testing else "INFO")
    return json_stdout_logging(service=service, level=level, loggers={
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    })
