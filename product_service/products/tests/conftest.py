"""Fixtures of the products suite: an API client and auth headers for each role, all from
`common.testing.fixtures`."""

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_headers,
    api_client,
    service_headers,
    user_headers,
)
