"""The admin: notifications listed; a dead letter replayed once its cause is fixed."""

import pytest
from django.contrib.auth import get_user_model

from common.events.consuming import dead_letter_create
from common.events.models import DeadLetter, InboxEvent
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(user)
    return client


def test_the_admin_lists_notifications_inbox_and_dead_letters(staff):
    NotificationFactory(title="Hello there")
    assert "Hello there" in staff.get("/admin/notifications/notification/").content.decode()
    assert staff.get("/admin/common/inboxevent/").status_code == 200
    assert staff.get("/admin/common/deadletter/").status_code == 200
    assert staff.get("/admin/common/outboxevent/").status_code == 200


def test_the_replay_action_handles_a_dead_letter_once(staff, settings):
    envelope = registered(email="late@example.com")
    letter = dead_letter_create(envelope=envelope, error="RuntimeError: SMTP down", attempts=5)
    url = "/admin/common/deadletter/"
    action = {"action": "replay", "_selected_action": [letter.pk]}

    response = staff.post(url, action, follow=True)

    assert "1 dead letter(s) handled." in response.content.decode()
    letter.refresh_from_db()
    assert letter.replayed_at is not None
    assert Notification.objects.get().kind == "welcome"
    assert InboxEvent.objects.filter(event_id=envelope["id"]).exists()

    response = staff.post(url, action, follow=True)
    assert "Nothing to replay" in response.content.decode()
    assert Notification.objects.count() == 1 and DeadLetter.objects.count() == 1
