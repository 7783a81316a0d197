"""Fixtures of the payments suite: API clients for the store, another service and each role."""

import pytest
from rest_framework.test import APIClient

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    client_for,
    user_client,
)


@pytest.fixture
def store_client() -> APIClient:
    return client_for("SERVICE", service="store_service")


@pytest.fixture
def carrier_client() -> APIClient:
    return client_for("SERVICE", service="carrier_service")
