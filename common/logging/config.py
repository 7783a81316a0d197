"""The one logging configuration: JSON lines on stdout with the service and request context.

Django's settings and gunicorn's config file both build theirs here, so the lines a service
writes look the same whoever configured the logger.
"""

from typing import Any


def json_stdout_logging(*, service: str, level: str,
                        loggers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A `logging.config.dictConfig` dict: the root and `loggers` write JSON to stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "common.logging.ContextFilter", "service": service}},
        "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["context"],
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": loggers,
    }
