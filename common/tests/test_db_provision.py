"""common.db.provision: creating and dropping databases on a real PostgreSQL server."""

import os
import socket
import uuid

import psycopg
import pytest

from common.db import database_create, database_drop, postgres_reachable

SERVER = (os.environ.get("POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432").rstrip("/")

needs_postgres = pytest.mark.skipif(not postgres_reachable(SERVER),
                                    reason="PostgreSQL is not reachable; CI provides it")


def _exists(name: str) -> bool:
    with psycopg.connect(f"{SERVER}/postgres") as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (name,)).fetchone() is not None


@pytest.fixture
def name():
    name = f"{os.environ.get('DATABASE_NAME_PREFIX', '')}provision_{uuid.uuid4().hex[:8]}"
    yield name
    database_drop(server=SERVER, name=name)


def test_postgres_reachable_is_false_when_nothing_listens():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connections are refused

        assert postgres_reachable(f"postgres://postgres@127.0.0.1:{port}") is False


@needs_postgres
def test_database_create_creates_once_then_leaves_it(name):
    assert database_create(server=SERVER, name=name) is True
    with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int)")

    assert database_create(server=SERVER, name=name) is False
    with psycopg.connect(f"{SERVER}/{name}") as conn:
        assert conn.execute("SELECT to_regclass('kept')").fetchone()[0] == "kept"


@needs_postgres
def test_database_create_fresh_replaces_it_even_with_a_session_open(name):
    database_create(server=SERVER, name=name)
    with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
        conn.execute("CREATE TABLE dropped (id int)")
    holder = psycopg.connect(f"{SERVER}/{name}")
    try:
        assert database_create(server=SERVER, name=name, fresh=True) is True
    finally:
        holder.close()

    with psycopg.connect(f"{SERVER}/{name}") as conn:
        assert conn.execute("SELECT to_regclass('dropped')").fetchone()[0] is None


@needs_postgres
def test_database_drop_removes_it_and_accepts_a_missing_one(name):
    database_create(server=SERVER, name=name)

    database_drop(server=SERVER, name=name)
    database_drop(server=SERVER, name=name)

    assert not _exists(name)


@needs_postgres
def test_database_create_quotes_the_name():
    name = f'{os.environ.get("DATABASE_NAME_PREFIX", "")}Odd "name" {uuid.uuid4().hex[:6]}'
    try:
        assert database_create(server=SERVER, name=name) is True
        assert _exists(name)
    finally:
        database_drop(server=SERVER, name=name)
    assert not _exists(name)
