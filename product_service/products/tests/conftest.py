"""Fixtures of the products suite: an API client and auth headers for each role."""

import pytest
from rest_framework.test import APIClient

from common.testing import auth_header


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def admin_headers():
    return auth_header(role="ADMIN")


@pytest.fixture
def user_headers():
    return auth_header(role="USER")


@pytest.fixture
def service_headers():
    return auth_header(role="SERVICE")
