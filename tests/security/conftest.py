"""The security suite runs against the platform suite's running services (PostgreSQL, the
gateway, event workers): the same session fixture, started once."""

from tests.platform.conftest import platform  # noqa: F401  (the session fixture)
