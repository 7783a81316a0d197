"""Every pytest fixture the services' suites share, importable from one module.

A conftest takes the ones it uses:
`from common.testing.fixtures import api_client, fast_password_hashers  # noqa: F401`.

- clients: `api_client` (no token), `anonymous_client`, `user_client`, `admin_client`,
  `service_client`, `store_client` (store_service's), `other_service_client` (see
  `common.testing.clients`; `client_for` and `bearer_client` build any other);
- headers for a bare client: `user_headers`, `admin_headers`, `service_headers`;
- settings: `fast_password_hashers` (MD5: hashing is not what a suite measures),
  `clean_cache` (the cache emptied before the test);
- HTTP to other services: `http_stubs`, a `responses.RequestsMock` in which a request that
  nothing stubs fails as a connection error, and stubs that go unused are not an error.
"""

import pytest
import responses
from django.core.cache import cache

from common.testing.clients import (
    admin_client,
    anonymous_client,
    api_client,
    bearer_client,
    client_for,
    other_service_client,
    service_client,
    store_client,
    user_client,
)
from common.testing.tokens import auth_header

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user_headers() -> dict[str, str]:
    return auth_header(role="USER")


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return auth_header(role="ADMIN")


@pytest.fixture
def service_headers() -> dict[str, str]:
    return auth_header(role="SERVICE")


@pytest.fixture
def fast_password_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    return settings


@pytest.fixture
def clean_cache():
    cache.clear()
    yield cache


@pytest.fixture
def http_stubs():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


__all__ = ["FAST_PASSWORD_HASHERS", "admin_client", "admin_headers", "anonymous_client",
           "api_client", "bearer_client", "clean_cache", "client_for", "fast_password_hashers",
           "http_stubs", "other_service_client", "service_client", "service_headers",
           "store_client", "user_client", "user_headers"]
