"""pytest fixtures: DRF API clients carrying a token of each role (or none).

A suite's conftest imports the ones it uses:
`from common.testing.clients import service_client, user_client  # noqa: F401`.
"""

import pytest
from rest_framework.test import APIClient

from common.testing.tokens import auth_header


def api_client(role: str | None = None) -> APIClient:
    client = APIClient()
    if role:
        client.credentials(**auth_header(role=role))
    return client


@pytest.fixture
def service_client() -> APIClient:
    return api_client("SERVICE")


@pytest.fixture
def user_client() -> APIClient:
    return api_client("USER")


@pytest.fixture
def admin_client() -> APIClient:
    return api_client("ADMIN")


@pytest.fixture
def anonymous_client() -> APIClient:
    return api_client()
