"""Readiness checks: each returns "ok" or a short reason."""

from django.db import connection


def database_check() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        connection.close()
        return f"unavailable: {type(exc).__name__}"
    return "ok"
