"""POST /api/users: registration rules."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from users.models import User

pytestmark = pytest.mark.django_db

VALID = {"email": "Ana@Example.COM", "password": "s3cret-pass", "name": "Ana"}


def register(api_client, **overrides):
    return api_client.post("/api/users", {**VALID, **overrides}, format="json")


def test_register_creates_a_user_with_a_lowercased_email(api_client):
    response = register(api_client)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email", "name", "role", "created_at", "updated_at"}
    assert body["email"] == "ana@example.com"
    assert body["role"] == "USER"
    assert User.objects.get(id=body["id"]).check_password("s3cret-pass")


def test_register_never_returns_the_password_or_its_hash(api_client):
    text = register(api_client).content.decode()
    assert "password" not in text and "s3cret-pass" not in text and "md5$" not in text


def test_a_role_sent_at_registration_is_ignored(api_client):
    response = register(api_client, role="ADMIN")
    assert response.status_code == 201
    assert response.json()["role"] == "USER"
    assert User.objects.get().role == "USER"


def test_a_duplicate_email_in_another_case_is_400_on_email(api_client):
    register(api_client)
    response = register(api_client, email="ANA@example.com")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "email" in error["details"]
    assert User.objects.count() == 1


@pytest.mark.parametrize(("field", "value"), [
    ("email", "not-an-email"), ("email", ""), ("email", "a@"), ("password", "short7!"),
    ("password", ""), ("name", ""), ("name", "   "), ("name", "x" * 201),
])
def test_each_validation_rule_is_a_400_naming_its_field(api_client, field, value):
    response = register(api_client, **{field: value})
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == [field]
    assert User.objects.count() == 0


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_each_field_is_required(api_client, missing):
    body = {k: v for k, v in VALID.items() if k != missing}
    response = api_client.post("/api/users", body, format="json")
    assert response.status_code == 400
    assert missing in response.json()["error"]["details"]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(length=st.integers(0, 7))
def test_any_password_shorter_than_8_is_rejected(api_client, length):
    response = register(api_client, password="p" * length)
    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(length=st.integers(8, 64), name_length=st.integers(1, 200))
def test_any_password_of_8_or_more_and_name_up_to_200_is_accepted(api_client, length, name_length):
    User.objects.all().delete()
    response = register(api_client, password="Zq7-" + "p" * (length - 4), name="n" * name_length)
    assert response.status_code == 201


@pytest.mark.parametrize("password", [
    "password", "12345678", "qwertyuiop", "93847561029", "ana@example.com", "ana-example",
])
def test_weak_passwords_are_refused_by_djangos_validators(api_client, password):
    response = register(api_client, password=password)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and list(error["details"]) == ["password"]
    assert User.objects.count() == 0


def test_registration_publishes_user_registered(api_client):
    from common.events.models import OutboxEvent

    body = register(api_client).json()
    event = OutboxEvent.objects.get(type="shop.user.registered")
    assert event.subject == body["id"]
    assert event.envelope["data"] == {"user_id": body["id"], "email": "ana@example.com",
                                      "name": "Ana", "role": "USER"}


def test_passwords_are_hashed_with_argon2_by_default(api_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    register(api_client)
    assert identify_hasher(User.objects.get().password).algorithm == "argon2"
