"""Fixtures of the payments suite: API clients for the store, another service and each role."""

import pytest
from rest_framework.test import APIClient

from common.testing import make_token
from common.testing.clients import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    user_client,
)


def service_api_client(service: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + make_token(role="SERVICE",
                                                                 service=service))
    return client


@pytest.fixture
def store_client() -> APIClient:
    return service_api_client("store_service")


@pytest.fixture
def carrier_client() -> APIClient:
    return service_api_client("carrier_service")
