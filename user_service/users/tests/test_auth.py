"""Login, refresh and the claims of issued tokens."""

import uuid

import pytest

from common.testing import read_token
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(api_client, email, password=DEFAULT_PASSWORD, **headers):
    return api_client.post("/api/auth/login", {"email": email, "password": password}, format="json",
                    **headers)


def decode(token):
    return read_token(token, audience="user_service")


def test_login_returns_tokens_and_the_user(api_client, user):
    response = login(api_client, user.email.upper())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["id"] == str(user.id)
    claims = decode(body["access"])
    assert claims["user_id"] == str(user.id)
    assert claims["email"] == user.email
    assert claims["role"] == "USER"
    assert claims["token_type"] == "access"
    assert claims["iss"] == "user_service"
    assert {"exp", "jti", "iat", "sid"} <= set(claims)


def test_wrong_password_and_unknown_email_get_the_same_401(api_client, user):
    wrong = login(api_client, user.email, "wrong-password").json()["error"]
    unknown = login(api_client, "nobody@example.com").json()["error"]
    for error in (wrong, unknown):
        error.pop("request_id")
    assert wrong == unknown
    assert wrong["status"] == 401 and wrong["code"] == "authentication_failed"


def test_login_with_missing_fields_is_a_validation_error(api_client):
    response = api_client.post("/api/auth/login", {"email": "a@example.com"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]


def test_login_attempts_are_throttled_per_email_and_client(api_client, user):
    statuses = [login(api_client, user.email, "wrong").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    error = login(api_client, user.email).json()["error"]
    assert error["code"] == "throttled"
    other = UserFactory()
    assert login(api_client, other.email).status_code == 200


def test_refresh_returns_a_new_access_and_refresh_token(api_client, user):
    refresh = login(api_client, user.email).json()["refresh"]
    response = api_client.post("/api/auth/refresh", {"refresh": refresh}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != refresh
    claims = decode(response.json()["access"])
    assert (claims["user_id"], claims["role"], claims["token_type"]) == (
        str(user.id), "USER", "access")


def test_refresh_carries_a_changed_email(api_client, user):
    refresh = login(api_client, user.email).json()["refresh"]
    user.email = "renamed@example.com"
    user.save()
    access = api_client.post("/api/auth/refresh", {"refresh": refresh},
                             format="json").json()["access"]
    assert decode(access)["email"] == "renamed@example.com"


@pytest.mark.parametrize("token", ["garbage", ""])
def test_a_bad_refresh_token_is_rejected(api_client, token):
    response = api_client.post("/api/auth/refresh", {"refresh": token}, format="json")
    assert response.status_code in (400, 401)
    assert response.json()["error"]["code"] in ("validation_error", "authentication_failed")


def test_an_access_token_is_not_a_refresh_token(api_client, user):
    access = login(api_client, user.email).json()["access"]
    response = api_client.post("/api/auth/refresh", {"refresh": access}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_refresh_for_a_deleted_user_is_rejected(api_client, user):
    refresh = login(api_client, user.email).json()["refresh"]
    user.delete()
    response = api_client.post("/api/auth/refresh", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_a_token_for_an_unknown_user_reads_me_as_404(api_client):
    from common.testing import auth_header

    response = api_client.get("/api/users/me", **auth_header(user_id=uuid.uuid4()))
    assert response.status_code == 404


def test_a_forged_forwarded_for_does_not_dodge_the_login_throttle(api_client, user, settings):
    settings.TRUSTED_PROXIES = []
    statuses = [login(api_client, user.email, "wrong",
                      HTTP_X_FORWARDED_FOR=f"10.1.2.{n}").status_code
                for n in range(11)]
    assert statuses == [401] * 10 + [429]


def test_behind_a_trusted_gateway_each_client_has_its_own_login_budget(api_client, user, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    for _ in range(10):
        login(api_client, user.email, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1")
    refused = login(api_client, user.email, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert refused.status_code == 429
    assert login(api_client, user.email, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


def test_a_huge_email_is_refused_and_throttled_under_a_bounded_key(api_client):
    from django.core.cache import cache

    response = login(api_client, "a" * 500_000 + "@example.com")
    assert response.status_code == 400
    keys = [key for key in cache._cache if "throttle_login_" in key]
    assert keys and all(len(key) < 120 for key in keys)
