"""launcher.ports and launcher.readiness: free ports and offsets, bounded waits, URL probes."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from launcher.ports import free_port, free_port_offset, port_in_use, ports_or_free
from launcher.processes import start_group
from launcher.readiness import NotReady, answers_200, wait_for_url, wait_until


@pytest.fixture
def listening() -> Iterator[int]:
    """A port something listens on for the test's duration."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.fixture
def http_server() -> Iterator[str]:
    """A local server: /ok answers 200, anything else 503."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/ok" else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_port_in_use_tells_a_listening_port_from_a_free_one(listening):
    assert port_in_use(listening) is True
    assert port_in_use(free_port()) is False


def test_ports_or_free_keeps_free_wanted_ports_and_moves_busy_ones(listening):
    wanted_free = free_port()

    ports = ports_or_free({"busy": listening, "free": wanted_free})

    assert ports["free"] == wanted_free
    assert ports["busy"] != listening and not port_in_use(ports["busy"])


def test_free_port_offset_moves_every_port_onto_a_free_one(listening, monkeypatch):
    offsets = iter([1000, 2000, 2500, 3000])
    monkeypatch.setattr("launcher.ports.random.randrange", lambda low, high: next(offsets))
    # the first offset lands port (listening - 1000) on the busy port: it must be skipped; a
    # later one is taken (another process on this machine may hold one of its ports)
    base = listening - 1000

    offset = free_port_offset([base, base + 1])

    assert offset in (2000, 2500, 3000)
    assert not port_in_use(base + offset) and not port_in_use(base + offset + 1)


def test_free_port_offset_gives_up_after_its_tries(listening, monkeypatch):
    monkeypatch.setattr("launcher.ports.random.randrange", lambda low, high: 5)

    with pytest.raises(RuntimeError, match="no free port offset"):
        free_port_offset([listening - 5], tries=3)


def test_wait_until_returns_the_first_true_result():
    answers = iter([None, 0, "done"])

    assert wait_until(lambda: next(answers), timeout=5, what="x", interval=0.01) == "done"


def test_wait_until_raises_not_ready_after_the_timeout():
    began = time.monotonic()

    with pytest.raises(NotReady, match=r"timed out after 0\.3 s waiting for nothing"):
        wait_until(lambda: False, timeout=0.3, what="nothing", interval=0.05)

    assert time.monotonic() - began < 2


def test_wait_until_stops_as_soon_as_the_process_exits():
    process = start_group(["sh", "-c", "exit 3"])
    began = time.monotonic()

    with pytest.raises(NotReady, match="exited with 3"):
        wait_until(lambda: False, timeout=30, what="a server", process=process)

    assert time.monotonic() - began < 5


def test_answers_200_only_for_a_200(http_server):
    assert answers_200(f"{http_server}/ok") is True
    assert answers_200(f"{http_server}/other") is False
    assert answers_200(f"http://127.0.0.1:{free_port()}/") is False


def test_wait_for_url_is_true_once_it_answers_200_and_false_when_it_never_does(http_server):
    assert wait_for_url(f"{http_server}/ok", timeout=5) is True
    assert wait_for_url(f"{http_server}/other", timeout=0.5, interval=0.1) is False
