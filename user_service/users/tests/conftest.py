"""Fixtures for user_service's suite: accounts, and clients logged in through the login route.

The shared ones (an API client, fast password hashers, a clean cache) come from
`common.testing.fixtures`.
"""

import pytest

from common.testing.clients import bearer_client
from common.testing.fixtures import api_client, clean_cache, fast_password_hashers  # noqa: F401
from users.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_hasher_and_clean_cache(fast_password_hashers, clean_cache):  # noqa: F811
    """Every test: MD5 hashing and an empty cache (login throttles count in it)."""


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def admin(db):
    return AdminFactory()


def _bearer_client(api_client, account):  # noqa: F811
    response = api_client.post("/api/auth/login",
                               {"email": account.email, "password": DEFAULT_PASSWORD},
                               format="json")
    return bearer_client(response.json()["access"])


@pytest.fixture
def as_user(api_client, user):  # noqa: F811
    """A client logged in as `user` with a token issued by the login route."""
    return _bearer_client(api_client, user)


@pytest.fixture
def as_admin(api_client, admin):  # noqa: F811
    return _bearer_client(api_client, admin)
