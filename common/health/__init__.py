"""Liveness (`/healthz`) and readiness (`/readyz`, `/health`) checks."""

from common.health.checks import database_check
from common.health.views import health, healthz, readyz

__all__ = ["database_check", "health", "healthz", "readyz"]
