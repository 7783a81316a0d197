"""Fixtures shared by store_service's suites: fresh breakers, partner settings and an empty
cache (the local provider info); an API client and fast hashers from `common.testing.fixtures`."""

import pytest
from purchases.breakers import breakers_reset

from common.testing.fixtures import api_client, clean_cache, fast_password_hashers  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated_settings(fast_password_hashers, clean_cache):  # noqa: F811
    settings = fast_password_hashers
    settings.REDIS_URL = ""  # breakers in memory unless a test asks for Redis
    settings.BREAKER_FAIL_MAX = 5
    settings.BREAKER_RESET_TIMEOUT = 30
    settings.PURCHASE_MAX_ATTEMPTS = 8
    breakers_reset()
    yield settings
    breakers_reset()
