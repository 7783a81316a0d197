"""The WSGI application of a service, stopping gunicorn cleanly on a configuration error."""

import os
import sys

from common.settings.base import ImproperlyConfiguredExit

# gunicorn's WORKER_BOOT_ERROR: the arbiter stops instead of restarting the worker forever.
WORKER_BOOT_ERROR = 3


def service_application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    try:
        return get_wsgi_application()
    except ImproperlyConfiguredExit as stop:
        print(stop.code, file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None
