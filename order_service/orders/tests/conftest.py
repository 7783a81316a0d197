"""Fixtures of the orders suite: a customer and their headers, stubbed partners; the API
client and the admin's headers come from `common.testing.fixtures`."""

import uuid

import pytest

from common.testing import auth_header
from common.testing.fixtures import admin_headers, api_client, http_stubs  # noqa: F401


@pytest.fixture
def customer_id():
    return uuid.uuid4()


@pytest.fixture
def customer_headers(customer_id):
    return auth_header(role="USER", user_id=customer_id)


@pytest.fixture
def partners(http_stubs):  # noqa: F811
    """Other services stubbed at the HTTP boundary (`http_stubs`); an unstubbed call fails as
    unreachable."""
    return http_stubs
