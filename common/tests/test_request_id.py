"""X-Request-ID is echoed when well formed, replaced otherwise, and in every log line."""

import json
import logging
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.logging import ContextFilter, JsonFormatter
from common.request_id import is_valid_request_id

pytestmark = pytest.mark.django_db


def test_a_well_formed_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc.DEF_123-x")
    assert response["X-Request-ID"] == "abc.DEF_123-x"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 129, "semi;colon", "ünïcode"])
def test_a_malformed_request_id_is_replaced_by_a_uuid(client, bad):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    uuid.UUID(response["X-Request-ID"])


def test_a_missing_request_id_gets_a_new_uuid(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    uuid.UUID(first)
    assert first != second


@settings(max_examples=200)
@given(st.text(alphabet="abcXYZ019._-", min_size=1, max_size=128))
def test_every_id_of_allowed_characters_up_to_128_is_valid(value):
    assert is_valid_request_id(value)


@given(st.text(min_size=1).filter(lambda s: any(c not in
       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-" for c in s)))
def test_any_other_character_makes_an_id_invalid(value):
    assert not is_valid_request_id(value)


def _json_lines(records):
    formatter = JsonFormatter()
    context = ContextFilter(service="common_tests")
    lines = []
    for record in records:
        context.filter(record)
        lines.append(json.loads(formatter.format(record)))
    return lines


def test_the_request_id_is_in_every_log_line_of_the_request(client, caplog):
    caplog.set_level(logging.INFO)
    client.post("/api/echo", {"price": "1.50"}, format="json", HTTP_X_REQUEST_ID="trace-42")
    lines = _json_lines(caplog.records)
    assert {line["message"] for line in lines} >= {"echo accepted", "POST /api/echo 201"}
    assert all(line["request_id"] == "trace-42" for line in lines)
    assert all(line["service"] == "common_tests" for line in lines)


def test_the_access_line_has_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/healthz")
    access = [line for line in _json_lines(caplog.records) if line["logger"] == "common.access"]
    assert len(access) == 1
    line = access[0]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["timestamp"].endswith("+00:00")
    assert line["level"] == "INFO"
