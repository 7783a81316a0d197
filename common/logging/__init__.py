"""JSON logging: one object per line, with the service and the request id."""

from common.logging.access import AccessLogMiddleware
from common.logging.config import json_stdout_logging
from common.logging.json_format import ContextFilter, JsonFormatter

__all__ = ["AccessLogMiddleware", "ContextFilter", "JsonFormatter", "json_stdout_logging"]
