"""The options of `manage_all.py up` / `run`, parsed from the words after the command."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class LaunchOptions:
    gateway: bool
    workers: int
    timeout: int
    ready_timeout: float
    grace: float
    port_offset: int


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return number


def parse_options(args: list[str]) -> LaunchOptions:
    parser = argparse.ArgumentParser(
        prog="manage_all.py up",
        description="Start every service, the purchase worker and the gateway; Ctrl-C stops all.",
    )
    parser.add_argument("--no-gateway", action="store_true",
                        help="do not start the nginx gateway on GATEWAY_PORT (8080)")
    parser.add_argument("--workers", type=positive_int,
                        default=os.environ.get("GUNICORN_WORKERS", "2"),
                        help="gunicorn workers per service (env GUNICORN_WORKERS, default 2)")
    parser.add_argument("--timeout", type=positive_int,
                        default=os.environ.get("GUNICORN_TIMEOUT", "30"),
                        help="gunicorn worker timeout, seconds (env GUNICORN_TIMEOUT, default 30)")
    parser.add_argument("--ready-timeout", type=float, default=90.0,
                        help="seconds to wait for every /readyz (default 90)")
    parser.add_argument("--grace", type=float, default=10.0,
                        help="seconds a child gets after SIGTERM before SIGKILL (default 10)")
    parser.add_argument("--port-offset", type=int, default=0,
                        help="add N to every port (services and gateway) and point the services "
                             "at each other there: a second platform beside the first (default 0)")
    options = parser.parse_args(args)
    return LaunchOptions(
        gateway=not options.no_gateway,
        workers=options.workers,
        timeout=options.timeout,
        ready_timeout=options.ready_timeout,
        grace=options.grace,
        port_offset=options.port_offset,
    )
