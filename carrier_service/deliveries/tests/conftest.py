"""Fixtures of the carrier suite: API clients per role."""

import pytest
from rest_framework.test import APIClient

from common.testing import auth_header


def _client(role: str | None) -> APIClient:
    client = APIClient()
    if role:
        client.credentials(**auth_header(role=role))
    return client


@pytest.fixture
def service_client() -> APIClient:
    return _client("SERVICE")


@pytest.fixture
def user_client() -> APIClient:
    return _client("USER")


@pytest.fixture
def admin_client() -> APIClient:
    return _client("ADMIN")


@pytest.fixture
def anonymous_client() -> APIClient:
    return _client(None)
