"""Management commands: the demo seed and the dev admin."""

import pytest
from django.core.management import call_command

from users.management.commands.seed_demo import DEMO_CUSTOMER_EMAIL, DEMO_CUSTOMER_ID
from users.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_demo_customer_once():
    call_command("seed_demo")
    call_command("seed_demo")
    customer = User.objects.get(id=DEMO_CUSTOMER_ID)
    assert customer.email == DEMO_CUSTOMER_EMAIL
    assert User.objects.count() == 1


def test_ensure_dev_admin_creates_an_admin_once(monkeypatch):
    monkeypatch.setenv("DEV_ADMIN_EMAIL", "Boss@Example.com")
    monkeypatch.setenv("DEV_ADMIN_PASSWORD", "boss-password")
    call_command("ensure_dev_admin")
    call_command("ensure_dev_admin")
    admin = User.objects.get()
    assert (admin.email, admin.role, admin.is_superuser) == ("boss@example.com", "ADMIN", True)
    assert admin.check_password("boss-password")


def test_ensure_dev_admin_does_nothing_without_credentials(monkeypatch):
    monkeypatch.delenv("DEV_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("DEV_ADMIN_PASSWORD", raising=False)
    call_command("ensure_dev_admin")
    assert not User.objects.exists()


def test_the_admin_can_log_in_through_the_api(monkeypatch, client):
    monkeypatch.setenv("DEV_ADMIN_EMAIL", "boss@example.com")
    monkeypatch.setenv("DEV_ADMIN_PASSWORD", "boss-password")
    call_command("ensure_dev_admin")
    response = client.post("/api/auth/login", {"email": "boss@example.com",
                                               "password": "boss-password"},
                           content_type="application/json")
    assert response.json()["user"]["role"] == "ADMIN"
