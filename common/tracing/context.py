"""Trace context for logs and for work resumed later (the purchase worker)."""

import contextlib
import sys


def _trace_module():
    """OpenTelemetry's API only when something imported it (tracing on), else None."""
    return sys.modules.get("opentelemetry.trace")


def current_span_ids() -> tuple[str | None, str | None]:
    """(trace_id, span_id) of the current span as hex, or (None, None)."""
    trace = _trace_module()
    if trace is None:
        return None, None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def inject_context() -> dict[str, str]:
    """The current trace context as W3C headers (`traceparent`), to store with a job."""
    if _trace_module() is None:
        return {}
    from opentelemetry import propagate

    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextlib.contextmanager
def linked_span(name: str, carrier: dict[str, str] | None):
    """A new span linked to the trace stored in `carrier`; nothing when tracing is off."""
    trace = _trace_module()
    if trace is None:
        yield None
        return
    from opentelemetry import propagate

    links = []
    stored = trace.get_current_span(propagate.extract(carrier or {})).get_span_context()
    if stored.is_valid:
        links.append(trace.Link(stored))
    tracer = trace.get_tracer("common.tracing")
    with tracer.start_as_current_span(name, links=links) as span:
        yield span
