"""PostgreSQL databases for a run: is the server up, create one (maybe fresh), drop one.

Used by `manage_all.py setup`, the benchmark's stack and the platform test fixtures; the
services themselves never create databases.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


def postgres_reachable(url: str, *, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections at the URL's host and port (5432)."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432),
                                      timeout):
            return True
    except OSError:
        return False


def _maintenance(server: str):
    import psycopg

    return psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True)


def database_create(*, server: str, name: str, fresh: bool = False) -> bool:
    """Create database `name` on `server` (a URL without a database) unless it exists.

    With `fresh`, an existing one is dropped first (open sessions are ended). True when a
    database was created.
    """
    from psycopg import sql

    with _maintenance(server) as conn:
        if fresh:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def database_drop(*, server: str, name: str) -> None:
    """Drop database `name` if it exists, ending its open sessions."""
    from psycopg import sql

    with _maintenance(server) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
