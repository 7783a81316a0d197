"""Check, before starting anything, that every port the platform needs is free."""

from __future__ import annotations

import errno
import socket


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            return error.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def busy_port_message(port: int, owner: str, hint: str = "") -> str:
    return (f"port {port} ({owner}) is already in use: stop whatever listens there "
            f"(`ss -ltnp 'sport = :{port}'` shows it; maybe an earlier `manage_all.py up`)"
            f"{hint}, then run again.")
