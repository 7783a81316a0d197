"""OpenTelemetry tracing: off unless the standard OTEL_* variables turn it on."""

from common.tracing.context import current_span_ids, inject_context, linked_span
from common.tracing.setup import configure_tracing, tracing_enabled

__all__ = [
    "configure_tracing",
    "current_span_ids",
    "inject_context",
    "linked_span",
    "tracing_enabled",
]
