"""A logging filter adding service and request id, and a formatter writing one JSON object."""

import json
import logging
from datetime import UTC, datetime

from common.request_id.context import current_request_id
from common.tracing.context import current_span_ids

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_FIELDS_FIRST = ("timestamp", "level", "logger", "message", "service", "request_id",
                 "trace_id", "span_id")


class ContextFilter(logging.Filter):
    """Stamps every record with the service name and the current request id."""

    def __init__(self, service: str = "", name: str = ""):
        super().__init__(name)
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        record.trace_id, record.span_id = current_span_ids()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": getattr(record, "service", None),
            "request_id": getattr(record, "request_id", None),
            "trace_id": getattr(record, "trace_id", None),
            "span_id": getattr(record, "span_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _FIELDS_FIRST:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
