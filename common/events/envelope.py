"""The CloudEvents 1.0 envelope of an event, built when it is published."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from common.request_id import current_request_id
from common.tracing import inject_context

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUEST_ID_ATTRIBUTE = "requestid"  # CloudEvents extension names are lower-case alphanumerics


def json_ready(data: dict[str, Any]) -> dict[str, Any]:
    """The data as plain JSON values: UUIDs, Decimals and datetimes become strings."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def build_envelope(*, type: str, subject: str, data: dict[str, Any],
                   time: datetime | None = None) -> dict[str, Any]:
    """The envelope: a new id, this service as source, the trace context and the request id."""
    envelope: dict[str, Any] = {
        "specversion": SPEC_VERSION,
        "id": str(uuid.uuid4()),
        "source": settings.SERVICE_NAME,
        "type": type,
        "subject": str(subject),
        "time": utc_timestamp(time or datetime.now(UTC)),
        "datacontenttype": CONTENT_TYPE,
        "data": json_ready(data),
    }
    trace = inject_context()
    if trace.get("traceparent"):
        envelope["traceparent"] = trace["traceparent"]
        if trace.get("tracestate"):
            envelope["tracestate"] = trace["tracestate"]
    request_id = current_request_id()
    if request_id:
        envelope[REQUEST_ID_ATTRIBUTE] = request_id
    return envelope
