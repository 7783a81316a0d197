"""Fixtures for user_service's suite."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from users.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def admin(db):
    return AdminFactory()


def _bearer_client(api, account):
    response = api.post("/api/auth/login", {"email": account.email, "password": DEFAULT_PASSWORD},
                        format="json")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


@pytest.fixture
def as_user(api, user):
    """A client logged in as `user` with a token issued by the login route."""
    return _bearer_client(api, user)


@pytest.fixture
def as_admin(api, admin):
    return _bearer_client(api, admin)
