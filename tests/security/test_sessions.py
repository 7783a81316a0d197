"""Ending sessions over HTTP: logout, refresh reuse, password change, demotion and deletion
each end the user's access within 5 seconds at every service (the revocation travels as an
event), and at user_service at once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest
import requests

pytestmark = pytest.mark.e2e

PASSWORD = "first-Secret-42"
WITHIN = 5.0
# A route per service that a signed-in USER may call.
USER_ROUTES = {
    "order_service": "/api/orders",
    "store_service": "/api/purchases",
    "notification_service": "/api/notifications",
}
ADMIN_ROUTES = {
    "order_service": "/api/orders?user_id=" + str(uuid.uuid4()),
    "store_service": "/api/vouchers",
    "payment_service": "/api/payments",
}


def _post(platform, path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{platform.gateway}{path}", json=body, headers=headers, timeout=10)


def _register_and_log_in(platform) -> dict:
    email = f"sec-{uuid.uuid4().hex[:10]}@example.com"
    created = _post(platform, "/api/users", {"email": email, "password": PASSWORD,
                                             "name": "Sec Tester"})
    assert created.status_code == 201, created.text
    tokens = _post(platform, "/api/auth/login", {"email": email, "password": PASSWORD}).json()
    return {"email": email, "id": created.json()["id"], **tokens}


def _status(platform, service, path, token) -> int:
    return requests.get(f"{platform.url(service)}{path}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).status_code


def _within(seconds: float, check: Callable[[], bool]) -> float | None:
    """Seconds until `check()` holds, or None if it never did in time."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def _assert_access_ends(platform, token: str, routes: dict[str, str]) -> None:
    before = {service: _status(platform, service, path, token) for service, path in
              routes.items()}
    assert set(before.values()) <= {401, 200}
    assert _status(platform, "user_service", "/api/users/me", token) == 401
    for service, path in routes.items():
        took = _within(WITHIN, lambda s=service, p=path: _status(platform, s, p, token) == 401)
        assert took is not None, f"{service} still accepts the token after {WITHIN} s"


def _assert_access_works(platform, token: str, routes: dict[str, str]) -> None:
    for service, path in routes.items():
        assert _status(platform, service, path, token) == 200, service


def test_logout_ends_access_everywhere(platform):
    user = _register_and_log_in(platform)
    _assert_access_works(platform, user["access"], USER_ROUTES)
    assert _post(platform, "/api/auth/logout", {"refresh": user["refresh"]}).status_code == 204
    _assert_access_ends(platform, user["access"], USER_ROUTES)
    assert _post(platform, "/api/auth/refresh", {"refresh": user["refresh"]}).status_code == 401


def test_a_reused_refresh_token_ends_the_session_everywhere(platform):
    user = _register_and_log_in(platform)
    rotated = _post(platform, "/api/auth/refresh", {"refresh": user["refresh"]}).json()
    _assert_access_works(platform, rotated["access"], USER_ROUTES)
    replay = _post(platform, "/api/auth/refresh", {"refresh": user["refresh"]})
    assert replay.status_code == 401
    _assert_access_ends(platform, rotated["access"], USER_ROUTES)
    assert _post(platform, "/api/auth/refresh",
                 {"refresh": rotated["refresh"]}).status_code == 401


def test_a_password_change_ends_every_session_everywhere(platform):
    user = _register_and_log_in(platform)
    other = _post(platform, "/api/auth/login", {"email": user["email"], "password": PASSWORD})
    changed = _post(platform, "/api/auth/password",
                    {"current_password": PASSWORD, "new_password": "second-Secret-43"},
                    token=user["access"])
    assert changed.status_code == 204, changed.text
    _assert_access_ends(platform, user["access"], USER_ROUTES)
    _assert_access_ends(platform, other.json()["access"], USER_ROUTES)
    fresh = _post(platform, "/api/auth/login",
                  {"email": user["email"], "password": "second-Secret-43"}).json()
    _assert_access_works(platform, fresh["access"], USER_ROUTES)


def test_a_demoted_admin_loses_admin_access_everywhere(platform):
    admin_token = platform.fresh_admin_token()
    user = _register_and_log_in(platform)
    promote = requests.patch(f"{platform.gateway}/api/users/{user['id']}", json={"role": "ADMIN"},
                             headers={"Authorization": f"Bearer {admin_token}"},
                             timeout=10)
    assert promote.status_code == 200, promote.text
    admin = _post(platform, "/api/auth/login", {"email": user["email"], "password": PASSWORD})
    _assert_access_works(platform, admin.json()["access"], ADMIN_ROUTES)
    demote = requests.patch(f"{platform.gateway}/api/users/{user['id']}", json={"role": "USER"},
                            headers={"Authorization": f"Bearer {admin_token}"},
                            timeout=10)
    assert demote.status_code == 200
    _assert_access_ends(platform, admin.json()["access"], ADMIN_ROUTES)


def test_a_deleted_user_loses_access_everywhere(platform):
    user = _register_and_log_in(platform)
    deleted = requests.delete(f"{platform.gateway}/api/users/{user['id']}", timeout=10,
                              headers={"Authorization": f"Bearer {user['access']}"})
    assert deleted.status_code == 204
    _assert_access_ends(platform, user["access"], USER_ROUTES)
    assert _post(platform, "/api/auth/login",
                 {"email": user["email"], "password": PASSWORD}).status_code == 401
