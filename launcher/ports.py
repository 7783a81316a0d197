"""Ports: whether one is free, a free one, and a free offset for a whole second platform."""

from __future__ import annotations

import errno
import random
import socket
from collections.abc import Iterable, Mapping

LOCALHOST = "127.0.0.1"


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    """True when binding `port` fails because something holds it (or it is privileged)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            return error.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def free_port(host: str = LOCALHOST) -> int:
    """An ephemeral port nobody listens on now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def ports_or_free(wanted: Mapping[str, int], host: str = LOCALHOST) -> dict[str, int]:
    """Each name on its wanted port, or on a free ephemeral one when that is taken."""
    return {name: port if not port_in_use(port, host) else free_port(host)
            for name, port in wanted.items()}


def free_port_offset(ports: Iterable[int], *, public_ports: Iterable[int] = (),
                     low: int = 7000, high: int = 21000, tries: int = 200) -> int:
    """An offset in [low, high) that moves every port onto a free one.

    `ports` must be free on 127.0.0.1, `public_ports` (a gateway listening on every
    interface) on 0.0.0.0.
    """
    ports, public_ports = list(ports), list(public_ports)
    for _ in range(tries):
        offset = random.randrange(low, high)
        if (not any(port_in_use(port + offset) for port in ports)
                and not any(port_in_use(port + offset, "0.0.0.0") for port in public_ports)):
            return offset
    raise RuntimeError(f"no free port offset found in {tries} tries")


def busy_port_message(port: int, owner: str, hint: str = "") -> str:
    return (f"port {port} ({owner}) is already in use: stop whatever listens there "
            f"(`ss -ltnp 'sport = :{port}'` shows it; maybe an earlier `manage_all.py up`)"
            f"{hint}, then run again.")
