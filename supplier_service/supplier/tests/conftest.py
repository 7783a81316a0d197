"""Fixtures of the supplier suite: API clients per role; `service_client` is the store's, the one
caller the partners accept, and `other_service_client` another service's."""

import pytest
from rest_framework.test import APIClient

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    client_for,
    user_client,
)


@pytest.fixture
def service_client() -> APIClient:
    return client_for("SERVICE", service="store_service")


@pytest.fixture
def other_service_client() -> APIClient:
    return client_for("SERVICE", service="order_service")
