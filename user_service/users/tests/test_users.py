"""The /api/users routes: me, list, read, update, delete."""

import uuid

import pytest

from common.testing import auth_header
from users.models import User
from users.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_me_is_the_caller(as_user, user):
    response = as_user.get("/api/users/me")
    assert response.status_code == 200
    assert response.json()["id"] == str(user.id)


def test_me_without_a_token_is_not_authenticated(api_client):
    response = api_client.get("/api/users/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_admin_lists_all_users_paginated_newest_first(as_admin, admin):
    UserFactory.create_batch(3)
    response = as_admin.get("/api/users?limit=2")
    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["limit"], body["offset"]) == (4, 2, 0)
    created = [u["created_at"] for u in body["results"]]
    assert created == sorted(created, reverse=True)


def test_a_user_cannot_list_users(as_user):
    response = as_user.get("/api/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_listing_users_with_a_bad_limit_is_400(as_admin):
    assert as_admin.get("/api/users?limit=-5").status_code == 400


def test_a_user_reads_itself(as_user, user):
    assert as_user.get(f"/api/users/{user.id}").json()["email"] == user.email


def test_a_user_reading_another_user_is_403(as_user):
    other = UserFactory()
    response = as_user.get(f"/api/users/{other.id}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_deactivated_user_is_not_found(api_client, user):
    User.objects.filter(id=user.id).update(is_active=False)

    response = api_client.get(f"/api/users/{user.id}", **auth_header(role="SERVICE"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_admin_and_service_read_any_user(as_admin, api_client, user):
    assert as_admin.get(f"/api/users/{user.id}").status_code == 200
    response = api_client.get(f"/api/users/{user.id}", **auth_header(role="SERVICE"))
    assert response.status_code == 200
    assert response.json()["id"] == str(user.id)


def test_an_unknown_or_malformed_id_is_404(as_admin):
    assert as_admin.get(f"/api/users/{uuid.uuid4()}").status_code == 404
    response = as_admin.get("/api/users/12345")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_user_updates_its_email_and_name(as_user, user):
    response = as_user.patch(f"/api/users/{user.id}", {"name": "New Name", "email": "NEW@x.io"},
                             format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.name, user.email) == ("New Name", "new@x.io")


def test_put_needs_every_field(as_user, user):
    response = as_user.put(f"/api/users/{user.id}/", {"name": "Only"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["details"]


def test_a_user_cannot_promote_itself(as_user, user):
    response = as_user.patch(f"/api/users/{user.id}", {"role": "ADMIN"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "USER"
    user.refresh_from_db()
    assert user.role == "USER"


def test_an_admin_changes_a_role(as_admin, user):
    response = as_admin.put(f"/api/users/{user.id}",
                            {"email": user.email, "name": user.name, "role": "ADMIN"},
                            format="json")
    assert response.json()["role"] == "ADMIN"


def test_an_invalid_role_is_400(as_admin, user):
    response = as_admin.patch(f"/api/users/{user.id}", {"role": "SERVICE"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["error"]["details"]


def test_updating_to_a_taken_email_in_another_case_is_400(as_user, user):
    other = UserFactory()
    response = as_user.patch(f"/api/users/{user.id}", {"email": other.email.upper()},
                             format="json")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["details"]


def test_a_user_cannot_update_or_delete_another_user(as_user):
    other = UserFactory()
    assert as_user.patch(f"/api/users/{other.id}", {"name": "x"}, format="json").status_code == 403
    assert as_user.delete(f"/api/users/{other.id}").status_code == 403
    assert User.objects.filter(id=other.id).exists()


def test_a_service_cannot_update_a_user(api_client, user):
    response = api_client.patch(f"/api/users/{user.id}", {"name": "x"}, format="json",
                         **auth_header(role="SERVICE"))
    assert response.status_code == 403


def test_after_delete_the_user_can_no_longer_log_in(as_user, api_client, user):
    assert as_user.delete(f"/api/users/{user.id}").status_code == 204
    response = api_client.post("/api/auth/login",
                               {"email": user.email, "password": DEFAULT_PASSWORD},
                               format="json")
    assert response.status_code == 401


def test_an_admin_deletes_a_user(as_admin):
    victim = UserFactory()
    assert as_admin.delete(f"/api/users/{victim.id}/").status_code == 204
    assert not User.objects.filter(id=victim.id).exists()


def test_createsuperuser_style_admins_are_staff():
    admin = AdminFactory()
    assert admin.is_staff
    assert not UserFactory().is_staff
