"""Fixtures of the supplier suite: API clients per role; `store_client` is the one caller the
partners accept, `other_service_client` another service's."""

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    other_service_client,
    store_client,
    user_client,
)
