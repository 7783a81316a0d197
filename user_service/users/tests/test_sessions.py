"""Sessions: rotating refresh tokens with reuse detection, logout, password change, and the
changes that end every session of a user (each publishing shop.user.sessions_revoked)."""

import pytest

from common.events.models import OutboxEvent
from common.testing.clients import bearer_client
from users.models import Session
from users.tests.factories import DEFAULT_PASSWORD, AdminFactory

pytestmark = pytest.mark.django_db


def _login(api_client, user, password=DEFAULT_PASSWORD):
    response = api_client.post("/api/auth/login", {"email": user.email, "password": password},
                        format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _refresh(api_client, refresh):
    return api_client.post("/api/auth/refresh", {"refresh": refresh}, format="json")


def _revocations(user):
    return [event.envelope["data"] for event in
            OutboxEvent.objects.filter(type="shop.user.sessions_revoked", subject=str(user.id))]


def test_a_refresh_token_works_once(api_client, user):
    first = _login(api_client, user)["refresh"]
    second = _refresh(api_client, first)
    assert second.status_code == 200
    assert _refresh(api_client, second.json()["refresh"]).status_code == 200


def test_presenting_a_used_refresh_token_ends_the_whole_session(api_client, user):
    tokens = _login(api_client, user)
    rotated = _refresh(api_client, tokens["refresh"]).json()
    replay = _refresh(api_client, tokens["refresh"])
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "authentication_failed"
    assert _refresh(api_client, rotated["refresh"]).status_code == 401
    assert bearer_client(rotated["access"]).get("/api/users/me").status_code == 401
    assert bearer_client(tokens["access"]).get("/api/users/me").status_code == 401
    session = Session.objects.get()
    assert session.end_reason == "refresh_reused"
    assert _revocations(user) == [{"user_id": str(user.id), "reason": "refresh_reused",
                                   "session_id": str(session.id),
                                   "not_before": _revocations(user)[0]["not_before"]}]


def test_logout_ends_that_session_only(api_client, user):
    phone, laptop = _login(api_client, user), _login(api_client, user)
    response = api_client.post("/api/auth/logout", {"refresh": phone["refresh"]}, format="json")
    assert response.status_code == 204
    assert bearer_client(phone["access"]).get("/api/users/me").status_code == 401
    assert _refresh(api_client, phone["refresh"]).status_code == 401
    assert bearer_client(laptop["access"]).get("/api/users/me").status_code == 200
    assert [r["reason"] for r in _revocations(user)] == ["logout"]
    again = api_client.post("/api/auth/logout", {"refresh": phone["refresh"]}, format="json")
    assert again.status_code == 204


@pytest.mark.parametrize("body", [{"refresh": "not-a-token"}, {"refresh": ""}, {}])
def test_logout_with_a_bad_refresh_token_is_refused(api_client, body):
    response = api_client.post("/api/auth/logout", body, format="json")
    assert response.status_code in (400, 401)


def test_password_change_ends_every_session_and_needs_the_current_password(api_client, user):
    one, two = _login(api_client, user), _login(api_client, user)
    client = bearer_client(one["access"])
    wrong = client.post("/api/auth/password", {"current_password": "nope-nope-nope",
                                               "new_password": "brand-new-secret-9"},
                        format="json")
    assert wrong.status_code == 400
    assert list(wrong.json()["error"]["details"]) == ["current_password"]
    response = client.post("/api/auth/password", {"current_password": DEFAULT_PASSWORD,
                                                  "new_password": "brand-new-secret-9"},
                           format="json")
    assert response.status_code == 204
    for tokens in (one, two):
        assert bearer_client(tokens["access"]).get("/api/users/me").status_code == 401
        assert _refresh(api_client, tokens["refresh"]).status_code == 401
    assert api_client.post("/api/auth/login", {"email": user.email, "password": DEFAULT_PASSWORD},
                    format="json").status_code == 401
    fresh = _login(api_client, user, "brand-new-secret-9")
    assert bearer_client(fresh["access"]).get("/api/users/me").status_code == 200
    assert [r["reason"] for r in _revocations(user)] == ["password_changed"]
    assert "session_id" not in _revocations(user)[0]


@pytest.mark.parametrize("new_password", ["password", "12345678", "short"])
def test_a_weak_new_password_is_refused(api_client, user, new_password):
    client = bearer_client(_login(api_client, user)["access"])
    response = client.post("/api/auth/password", {"current_password": DEFAULT_PASSWORD,
                                                  "new_password": new_password}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["new_password"]


def test_a_service_token_cannot_change_a_password(api_client):
    from common.testing import auth_header

    response = api_client.post("/api/auth/password", {"current_password": "a", "new_password": "b"},
                        format="json", **auth_header(role="SERVICE"))
    assert response.status_code == 403


def test_demotion_ends_the_admins_sessions(api_client, user):
    demoted = AdminFactory()
    tokens = _login(api_client, demoted)
    boss = bearer_client(_login(api_client, AdminFactory())["access"])
    assert bearer_client(tokens["access"]).get("/api/users").status_code == 200
    response = boss.patch(f"/api/users/{demoted.id}", {"role": "USER"}, format="json")
    assert response.status_code == 200
    assert bearer_client(tokens["access"]).get("/api/users").status_code == 401
    assert _refresh(api_client, tokens["refresh"]).status_code == 401
    assert [r["reason"] for r in _revocations(demoted)] == ["role_changed"]
    changed = OutboxEvent.objects.get(type="shop.user.changed", subject=str(demoted.id))
    assert changed.envelope["data"]["role"] == "USER"


def test_a_name_change_publishes_user_changed_and_keeps_sessions(api_client, user):
    tokens = _login(api_client, user)
    client = bearer_client(tokens["access"])
    assert client.patch(f"/api/users/{user.id}", {"name": "New"}, format="json").status_code == 200
    assert client.get("/api/users/me").status_code == 200
    event = OutboxEvent.objects.get(type="shop.user.changed")
    assert event.envelope["data"] == {"user_id": str(user.id), "email": user.email,
                                      "name": "New", "role": "USER", "is_active": True}
    assert _revocations(user) == []


def test_deletion_ends_access_and_publishes_the_revocation(api_client, user):
    tokens = _login(api_client, user)
    client = bearer_client(tokens["access"])
    assert client.delete(f"/api/users/{user.id}").status_code == 204
    assert client.get("/api/users/me").status_code == 401
    assert _refresh(api_client, tokens["refresh"]).status_code == 401
    assert [r["reason"] for r in _revocations(user)] == ["deleted"]


def test_deactivation_in_the_admin_ends_sessions(api_client, user):
    from users.services import user_deactivate

    tokens = _login(api_client, user)
    user_deactivate(user=user)
    assert bearer_client(tokens["access"]).get("/api/users/me").status_code == 401
    assert [r["reason"] for r in _revocations(user)] == ["deactivated"]


def test_jwks_publishes_the_user_token_keys_with_their_kid(api_client, user):
    import jwt

    response = api_client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys and all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in keys)
    access = _login(api_client, user)["access"]
    kid = jwt.get_unverified_header(access)["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    claims = jwt.decode(access, jwt.PyJWK(key).key, algorithms=["EdDSA"])
    assert claims["user_id"] == str(user.id)
    assert api_client.get("/.well-known/jwks.json/").status_code == 200


def test_a_token_whose_session_id_is_not_a_uuid_is_refused(api_client, user):
    from common.testing import auth_header

    response = api_client.get("/api/users/me", **auth_header(user_id=user.id, sid={"x": 1}))
    assert response.status_code == 401
