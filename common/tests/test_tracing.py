"""Tracing: incoming context continued, outgoing calls carry it, stored context links back."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import responses
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from common.http import ServiceClient
from common.logging import ContextFilter, JsonFormatter
from common.tracing import (
    configure_tracing,
    current_span_ids,
    inject_context,
    linked_span,
    tracing_enabled,
)

REPO = Path(__file__).resolve().parents[2]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spans():
    exporter = InMemorySpanExporter()
    configure_tracing("common_tests", exporter=exporter, batch=False)
    return exporter


@pytest.fixture(autouse=True)
def _clear(spans):
    spans.clear()


def test_tracing_is_off_unless_the_otel_variables_turn_it_on(monkeypatch):
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT",
                 "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing_enabled()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert tracing_enabled()
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not tracing_enabled()
    monkeypatch.delenv("OTEL_SDK_DISABLED")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert not tracing_enabled()


def test_an_incoming_traceparent_is_continued(client, spans):
    client.get("/healthz", HTTP_TRACEPARENT=f"00-{TRACE_ID}-{PARENT_ID}-01")
    server = [s for s in spans.get_finished_spans() if s.kind == trace.SpanKind.SERVER]
    assert server, "the request made no server span"
    assert format(server[0].context.trace_id, "032x") == TRACE_ID
    assert format(server[0].parent.span_id, "016x") == PARENT_ID


@responses.activate
def test_an_outgoing_call_carries_the_current_trace(spans):
    responses.get("http://product.test/api/products", json={"results": []})
    upstream = ServiceClient("product_service", base_url="http://product.test", retries=0)
    with trace.get_tracer("test").start_as_current_span("handling"):
        trace_id, _ = current_span_ids()
        upstream.get("/api/products")
    sent = responses.calls[0].request.headers["traceparent"]
    assert sent.split("-")[1] == trace_id


def test_work_resumed_later_links_to_the_trace_that_stored_it(spans):
    with trace.get_tracer("test").start_as_current_span("create purchase"):
        stored = inject_context()
        created_trace, _ = current_span_ids()
    with linked_span("process purchase", stored):
        pass
    resumed = next(s for s in spans.get_finished_spans() if s.name == "process purchase")
    assert [format(link.context.trace_id, "032x") for link in resumed.links] == [created_trace]


def test_log_lines_carry_trace_and_span_ids():
    record = logging.makeLogRecord({"msg": "inside", "levelno": logging.INFO,
                                    "levelname": "INFO", "name": "x"})
    with trace.get_tracer("test").start_as_current_span("work"):
        trace_id, span_id = current_span_ids()
        ContextFilter(service="svc").filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert (line["trace_id"], line["span_id"]) == (trace_id, span_id)
    assert len(trace_id) == 32 and len(span_id) == 16


def test_with_tracing_off_nothing_of_opentelemetry_is_loaded(tmp_path):
    code = ("import os, sys, django; django.setup(); "
            "from django.test import Client; Client().get('/healthz'); "
            "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(DJANGO_SETTINGS_MODULE="common.tests.settings", DJANGO_DEBUG="true",
               SQLITE_DIR=str(tmp_path), DJANGO_ENV_FILE="")
    env.pop("POSTGRES_URL", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
