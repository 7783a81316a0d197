"""Gunicorn settings of every service, in images and under `manage_all.py up`: JSON log
lines, the request line limit, and metrics of exited workers."""

import os

from common.logging.config import json_stdout_logging

_service = os.environ.get("SERVICE_NAME") or os.path.basename(os.getcwd())
_level = os.environ.get("LOG_LEVEL", "INFO").upper()

# The entry point passes the other settings as flags; this file shapes the logs and the limits.

# gunicorn answers a longer request line itself, with an HTML 414; 8190 is its largest
# bounded limit, and nginx in front (8 KB buffers) answers longer ones in the JSON envelope.
limit_request_line = 8190
# Header lines: gunicorn's limit (8,190 bytes) is nginx's (8 KB buffers), so nginx answers a
# longer one in JSON first. The number of headers is bounded by nginx's 32 KB in total, more
# than gunicorn's default 100 fields allow: raised to its maximum so gunicorn's HTML 400 never
# answers a request the gateway accepted.
limit_request_fields = 32768
logconfig_dict = json_stdout_logging(service=_service, level=_level, loggers={
    "gunicorn.error": {"handlers": ["stdout"], "level": _level, "propagate": False},
    # Each request is logged once, by common's access log middleware.
    "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
})


def child_exit(server, worker):
    """Drop the live gauges of a worker that exited (prometheus_client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
