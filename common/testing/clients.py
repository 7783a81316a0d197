"""pytest fixtures: DRF API clients carrying a token of each role (or none).

A suite's conftest imports the ones it uses (or takes them all from `common.testing.fixtures`):
`from common.testing.clients import service_client, user_client  # noqa: F401`.
`client_for(...)` builds a client with any token `make_token` can mint, for fixtures of a
suite's own (the store's SERVICE client, a given user's client); `bearer_client(token)` one
with a token the service itself issued (user_service's login).
"""

import pytest
from rest_framework.test import APIClient

from common.testing.tokens import make_token


def bearer_client(token: str) -> APIClient:
    """An API client that sends `token` as its bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def client_for(role: str | None = None, **token) -> APIClient:
    """An API client with a bearer token of `role` (claims as `make_token` takes them), or
    none when `role` is None."""
    return bearer_client(make_token(role=role, **token)) if role else APIClient()


@pytest.fixture
def api_client() -> APIClient:
    """A client without credentials; a test passes its own headers per request."""
    return APIClient()


@pytest.fixture
def service_client() -> APIClient:
    return client_for("SERVICE")


@pytest.fixture
def store_client() -> APIClient:
    """store_service's SERVICE client: the one caller the partners and payments accept."""
    return client_for("SERVICE", service="store_service")


@pytest.fixture
def other_service_client() -> APIClient:
    """Another service's SERVICE client (order_service's), for routes that refuse it."""
    return client_for("SERVICE", service="order_service")


@pytest.fixture
def user_client() -> APIClient:
    return client_for("USER")


@pytest.fixture
def admin_client() -> APIClient:
    return client_for("ADMIN")


@pytest.fixture
def anonymous_client() -> APIClient:
    return client_for()
