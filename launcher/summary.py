"""The table printed once everything is ready: where the API, docs and admin live."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

GATEWAY_ROUTES = ("/api/auth /api/users /api/products /api/orders /api/purchases /api/vouchers "
                  "/api/notifications")


def database_description(environ: os._Environ[str] | dict[str, str]) -> str:
    if environ.get("DATABASE_URL"):
        return "DATABASE_URL"
    if environ.get("POSTGRES_URL"):
        parts = urlsplit(environ["POSTGRES_URL"])
        return f"PostgreSQL at {parts.hostname or '127.0.0.1'}:{parts.port or 5432}"
    if environ.get("SQLITE_DIR"):
        return f"SQLite files in {environ['SQLITE_DIR']}"
    return "SQLite files (<service>/db.sqlite3)"


def ready_table(
    *,
    services: dict[str, int],
    gateway_port: int | None,
    gateway_note: str | None,
    workers: list[tuple[str, str]],
    seconds: float,
    environ: os._Environ[str] | dict[str, str],
    broker_url: str | None = None,
    broker_started: bool = False,
    event_workers: list[str] | None = None,
) -> str:
    rows = [f"Platform ready in {seconds:.1f} s ({database_description(environ)})", ""]
    if gateway_port:
        rows.append(f"  API gateway      http://127.0.0.1:{gateway_port}/api/...")
        rows.append(f"                   routes: {GATEWAY_ROUTES}")
    else:
        rows.append(f"  API gateway      not running{f': {gateway_note}' if gateway_note else ''}")
    rows.append("")
    width = max([16, *(len(name) for name in services)])
    rows.append(f"  {'service':<{width}} {'API docs':<38} admin")
    for name, port in services.items():
        base = f"http://127.0.0.1:{port}"
        rows.append(f"  {name:<{width}} {base + '/api/docs/':<38} {base}/admin/")
    for child, command in workers:
        rows.append(f"  {child:<{width}} manage.py {command} (no HTTP)")
    if event_workers:
        rows.append(f"  {'<name>_events':<{width}} manage.py run_events (relay + consumer): "
                    f"{', '.join(event_workers)}")
    if broker_url:
        how = "started here, JetStream" if broker_started else "NATS_URL, not started here"
        rows.append(f"  {'event broker':<{width}} {broker_url} ({how})")
    rows.append("")
    email = environ.get("DEV_ADMIN_EMAIL")
    if email:
        rows.append(f"  dev admin        {email} (password: DEV_ADMIN_PASSWORD in .env)")
    rows.append("  Ctrl-C (or SIGTERM) stops everything.")
    return "\n".join(rows)
