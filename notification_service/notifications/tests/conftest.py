"""Fixtures of the notification suite: API clients per role, the email outbox."""

import pytest

from common.testing.fixtures import (  # noqa: F401  (fixtures)
    admin_client,
    anonymous_client,
    user_client,
)


@pytest.fixture(autouse=True)
def _memory_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
