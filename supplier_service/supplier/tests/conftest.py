"""Fixtures of the supplier suite: API clients per role; `service_client` is the store's, the one
caller the partners accept, and `other_service_client` another service's."""

import pytest
from rest_framework.test import APIClient

from common.testing import auth_header
from common.testing.clients import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    user_client,
)


def _client_of(service: str) -> APIClient:
    client = APIClient()
    client.credentials(**auth_header(role="SERVICE", service=service))
    return client


@pytest.fixture
def service_client() -> APIClient:
    return _client_of("store_service")


@pytest.fixture
def other_service_client() -> APIClient:
    return _client_of("order_service")
