"""Fixtures shared by store_service's suites: fresh breakers, fast hashers, API clients."""

import pytest
from purchases.breakers import breakers_reset
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _isolated_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REDIS_URL = ""  # breakers in memory unless a test asks for Redis
    settings.BREAKER_FAIL_MAX = 5
    settings.BREAKER_RESET_TIMEOUT = 30
    settings.PURCHASE_MAX_ATTEMPTS = 8
    breakers_reset()
    yield settings
    breakers_reset()


@pytest.fixture
def api_client():
    return APIClient()
