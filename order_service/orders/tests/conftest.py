"""Fixtures of the orders suite: an API client, callers of each role, stubbed partners."""

import uuid

import pytest
import responses
from rest_framework.test import APIClient

from common.testing import auth_header


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def customer_id():
    return uuid.uuid4()


@pytest.fixture
def customer_headers(customer_id):
    return auth_header(role="USER", user_id=customer_id)


@pytest.fixture
def admin_headers():
    return auth_header(role="ADMIN")


@pytest.fixture
def service_headers():
    """store_service: the one service that reads and moves any order."""
    return auth_header(role="SERVICE", service="store_service")


@pytest.fixture
def partners():
    """Other services stubbed at the HTTP boundary; an unstubbed call fails as unreachable."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
