"""`manage_all.py up`: every service behind the gateway, clean stop, crash, busy port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

from launcher.gateway import find_nginx
from tests.e2e.markers import requires_nginx
from tests.e2e.process_table import command_line
from tests.e2e.running_platform import (
    ROOT,
    RunningPlatform,
    free_port_offset,
    platform_env,
    present_services,
)

pytestmark = pytest.mark.e2e

ROUTED = {  # service -> the request that reaches it through the gateway
    "user_service": ("POST", "/api/users"),
    "product_service": ("GET", "/api/products"),
    "order_service": ("GET", "/api/orders"),
    "store_service": ("GET", "/api/purchases"),
}


def call_through_gateway(platform: RunningPlatform, service: str) -> requests.Response:
    method, path = ROUTED[service]
    body = None
    if service == "user_service":
        body = {"email": f"e2e-{uuid.uuid4().hex[:12]}@example.com",
                "password": "a-long-password", "name": "E2E"}
    return requests.request(method, f"{platform.gateway_url}{path}", json=body, timeout=15,
                            headers={"X-Request-ID": f"e2e-{service}"})


@requires_nginx
def test_up_serves_every_public_service_through_the_gateway_and_stops_cleanly(start_platform):
    services = present_services()
    platform = start_platform("up", "--workers", "1")
    seconds = platform.wait_ready()
    print(f"\n`manage_all.py up` ready after {seconds:.1f} s for {', '.join(services)}")

    for service in services:
        if service not in ROUTED:
            continue
        response = call_through_gateway(platform, service)
        assert response.headers["X-Request-ID"] == f"e2e-{service}"
        if service == "user_service":
            assert response.status_code == 201, response.text
            assert response.json()["email"].startswith("e2e-")
        elif service == "product_service":
            assert response.status_code == 200, response.text
            assert {"count", "limit", "offset", "results"} <= set(response.json())
        else:  # orders and purchases need a token: the service's own 401 envelope
            assert response.status_code == 401, response.text
            error = response.json()["error"]
            assert error["code"] == "not_authenticated"
            assert error["request_id"] == f"e2e-{service}"
    for service in set(ROUTED) - set(services):
        response = call_through_gateway(platform, service)
        assert response.json()["error"]["code"] == "upstream_unavailable"

    children = platform.record_descendants()
    assert any("nginx" in command_line(info.pid) for info in children)
    platform.popen.send_signal(signal.SIGTERM)
    code = platform.wait_exit(timeout=30)

    assert code == 0, platform.output[-3000:]
    assert platform.left_behind() == []
    assert "all stopped" in platform.output


def test_a_dying_service_stops_everything_and_exits_non_zero(start_platform):
    gateway = [] if find_nginx() else ["--no-gateway"]
    platform = start_platform("--only", "user_service", "up", "--workers", "2", *gateway)
    platform.wait_ready()
    masters = [info for info in platform.record_descendants()
               if info.ppid == platform.popen.pid and "gunicorn" in command_line(info.pid)]
    assert len(masters) == 1
    workers = [info for info in platform.record_descendants() if info.ppid == masters[0].pid]
    assert len(workers) == 2

    killed_at = time.monotonic()
    os.kill(masters[0].pid, signal.SIGKILL)
    code = platform.wait_exit(timeout=30)

    assert code == 1
    assert time.monotonic() - killed_at < 15
    assert "user_service exited unexpectedly" in platform.output
    assert platform.left_behind() == []  # its orphaned workers and the gateway too


def test_a_busy_port_stops_up_before_anything_starts(sqlite_dir):
    offset = free_port_offset()
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", 3001 + offset))
        squatter.listen(1)
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage_all.py"), "--only", "user_service", "up",
             "--no-gateway", "--port-offset", str(offset)], cwd=ROOT,
            env=platform_env(sqlite_dir), capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 1
    assert f"port {3001 + offset} (user_service) is already in use" in result.stderr
    assert "Starting gunicorn" not in result.stdout + result.stderr


def test_metrics_add_up_every_gunicorn_worker(start_platform):
    platform = start_platform("--only", "user_service", "up", "--workers", "2", "--no-gateway")
    platform.wait_ready()
    base = f"http://127.0.0.1:{3001 + platform.port_offset}"
    session = requests.Session()  # keep-alive off below: spread the calls over both workers
    for _ in range(30):
        assert session.get(f"{base}/healthz", headers={"Connection": "close"},
                           timeout=10).status_code == 200
    body = requests.get(f"{base}/metrics", timeout=10).text
    line = next(line for line in body.splitlines() if line.startswith("http_requests_total{")
                and 'route="/healthz"' in line and 'method="GET"' in line)
    assert float(line.rsplit(" ", 1)[1]) == 30
