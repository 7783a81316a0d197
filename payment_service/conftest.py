"""Fixtures shared by payment_service's suites: a provider that answers at once, every time."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings):
    settings.PAYMENT_PROVIDER_LATENCY_MS = 0
    settings.PAYMENT_PROVIDER_FAILURE_RATE = 0.0
    yield settings
