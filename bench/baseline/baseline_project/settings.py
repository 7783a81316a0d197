"""Settings of the baseline: no middleware, no apps, product_service's bench database."""

import os

from django.core.exceptions import ImproperlyConfigured

_server = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
if not _server.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("POSTGRES_URL must be a postgres:// server URL.")
_user_host = _server.split("://", 1)[1]
_user, _, _host_port = _user_host.rpartition("@")
_user, _, _password = _user.partition(":")
_host, _, _port = _host_port.partition(":")

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "baseline-secret-key-not-for-production")
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "baseline_project.urls"
WSGI_APPLICATION = "baseline_project.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
# The same connection handling as the services (common/settings/base.py): persistent
# connections with health checks, so the comparison is about the code path, not connecting.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        # product_service's database by default; order_service's for the order floor's process.
        "NAME": (f"{os.environ.get('DATABASE_NAME_PREFIX', 'bench_')}"
                 f"{os.environ.get('BASELINE_DATABASE', 'product_service')}"),
        "USER": _user or "postgres",
        "PASSWORD": _password,
        "HOST": _host or "127.0.0.1",
        "PORT": _port or "5432",
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 3},
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"level": os.environ.get("LOG_LEVEL", "WARNING")}}
