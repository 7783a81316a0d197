"""Fixtures of the carrier suite: API clients per role."""

from common.testing.clients import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    service_client,
    user_client,
)
