"""The notification routes: own list (newest first, unread filter), one, mark read."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from common.testing.clients import client_for
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def client_of(user_id, role="USER") -> APIClient:
    return client_for(role, user_id=user_id)


@pytest.fixture
def owner():
    return uuid.uuid4()


def test_a_user_lists_their_own_newest_first(owner):
    now = timezone.now()
    old = NotificationFactory(user_id=owner, created_at=now - timedelta(hours=2))
    new = NotificationFactory(user_id=owner, created_at=now)
    NotificationFactory()  # someone else's

    response = client_of(owner).get("/api/notifications")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["limit"] == 20 and body["offset"] == 0
    assert [item["id"] for item in body["results"]] == [str(new.id), str(old.id)]
    item = body["results"][0]
    assert set(item) == {"id", "user_id", "kind", "title", "body", "channels", "read_at",
                         "created_at", "event_id"}
    assert item["channels"] == {"email": "sent"} and item["read_at"] is None


def test_the_list_is_paginated_and_filters_unread(owner):
    for _ in range(3):
        NotificationFactory(user_id=owner)
    NotificationFactory(user_id=owner, read_at=timezone.now())
    client = client_of(owner)

    assert client.get("/api/notifications?unread=true").json()["count"] == 3
    assert client.get("/api/notifications?unread=false").json()["count"] == 1
    page = client.get("/api/notifications?limit=2&offset=1").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["limit"] == 2


@pytest.mark.parametrize("query", ["unread=maybe", "limit=-1", "offset=x"])
def test_a_bad_query_is_a_400_envelope(owner, query):
    response = client_of(owner).get(f"/api/notifications?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_an_anonymous_caller_is_refused(anonymous_client):
    response = anonymous_client.get("/api/notifications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_owner_and_an_admin_read_one_anybody_else_gets_a_404(owner):
    notification = NotificationFactory(user_id=owner)
    path = f"/api/notifications/{notification.id}"

    assert client_of(owner).get(path).json()["id"] == str(notification.id)
    assert client_of(uuid.uuid4(), role="ADMIN").get(path).status_code == 200
    response = client_of(uuid.uuid4()).get(path)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client_of(owner).get("/api/notifications/not-a-uuid").status_code == 404
    assert client_of(owner).get(f"/api/notifications/{uuid.uuid4()}/").status_code == 404


def test_the_owner_marks_one_read_once(owner):
    notification = NotificationFactory(user_id=owner)
    path = f"/api/notifications/{notification.id}/read"

    first = client_of(owner).post(path)
    again = client_of(owner).post(f"{path}/")

    assert first.status_code == 200 and first.json()["read_at"] is not None
    assert again.status_code == 200 and again.json()["read_at"] == first.json()["read_at"]
    assert Notification.objects.get().read_at is not None


def test_nobody_else_marks_it_read(owner):
    notification = NotificationFactory(user_id=owner)
    path = f"/api/notifications/{notification.id}/read"

    assert client_of(uuid.uuid4()).post(path).status_code == 404
    response = client_of(uuid.uuid4(), role="ADMIN").post(path)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Notification.objects.get().read_at is None


def test_the_openapi_document_lists_the_routes(anonymous_client):
    schema = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/notifications", "/api/notifications/{notification_id}",
            "/api/notifications/{notification_id}/read"} <= set(schema["paths"])
