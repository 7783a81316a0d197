"""Fixtures of the payments suite: API clients for the store, another service and each role."""

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    other_service_client,
    store_client,
    user_client,
)
