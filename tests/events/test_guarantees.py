"""The event stream's guarantees, proven with real processes, PostgreSQL and a real broker."""

from __future__ import annotations

import json
import signal
import uuid
from datetime import UTC, datetime
from email import message_from_bytes

import pytest
import requests

from common.events.broker import Broker, Outgoing
from launcher.readiness import wait_until

pytestmark = pytest.mark.e2e
DELIVERY_SECONDS = 5


def welcome_of(stack, token):
    return [n for n in stack.notifications(token) if n["kind"] == "welcome"]


def test_a_registration_gives_a_welcome_notification_and_an_email_within_5_s(stack):
    user_id, token = stack.register(email="welcome-me@example.com", name="Wendy")

    [welcome] = stack.wait(lambda: welcome_of(stack, token), timeout=DELIVERY_SECONDS,
                           what="the welcome notification")

    assert welcome["user_id"] == user_id
    assert welcome["title"] == "Welcome to the shop, Wendy"
    assert welcome["channels"] == {"email": "sent"}
    emails = [message_from_bytes(path.read_bytes()) for path in stack.mail_dir.iterdir()]
    mine = [email for email in emails if email["To"] == "welcome-me@example.com"]
    assert len(mine) == 1 and mine[0]["Subject"] == welcome["title"]
    [outbox] = stack.query("user_service", "SELECT sent_at FROM common_outboxevent WHERE "
                                           "type = 'shop.user.registered' AND subject = %s",
                           user_id)
    assert outbox[0] is not None


def test_the_broker_stopped_mid_flow_loses_nothing_and_doubles_nothing(stack):
    before = [stack.register() for _ in range(3)]
    stack.broker.stop()
    try:
        during = [stack.register() for _ in range(5)]  # the API goes on without the broker
        unsent = stack.query("user_service", "SELECT count(*) FROM common_outboxevent "
                                             "WHERE sent_at IS NULL")[0][0]
        assert unsent >= 5
    finally:
        stack.broker.start()
    after = [stack.register() for _ in range(2)]
    users = {user_id for user_id, _ in before + during + after}

    counts = stack.wait(lambda: (c := stack.notification_counts()) and users <= set(c) and c,
                        timeout=30, what="every welcome after the restart")

    assert all(counts[user_id] == 1 for user_id in users)
    assert not stack.query("user_service", "SELECT 1 FROM common_outboxevent "
                                           "WHERE sent_at IS NULL")


def test_a_consumer_killed_after_its_effect_before_its_ack_handles_nothing_twice(stack):
    stack.stop_worker("notification_service")
    dying = stack.start_worker("notification_service",
                               DJANGO_SETTINGS_MODULE="tests.events.crash_after_commit")
    user_id, _ = stack.register()

    wait_until(lambda: dying.poll() is not None, timeout=15, what="the worker's death",
               interval=0.1)
    assert dying.returncode == -signal.SIGKILL, stack.worker_log("notification_service")
    assert stack.notification_counts().get(user_id) == 1  # the effect committed

    stack.start_worker("notification_service")  # the message comes again after the ack wait
    stack.wait(lambda: stack.notification_counts().get(user_id) and _acked(stack),
               timeout=20, what="the redelivered event acked")
    later_id, _ = stack.register()
    stack.wait(lambda: stack.notification_counts().get(later_id), timeout=DELIVERY_SECONDS,
               what="the next welcome")

    assert stack.notification_counts()[user_id] == 1
    assert stack.query("notification_service",
                       "SELECT count(*) FROM common_inboxevent WHERE subject = %s",
                       user_id)[0][0] == 1


def _acked(stack) -> bool:
    broker = Broker(stack.broker.url, name="events-suite")
    try:
        broker.connect()
        info = broker.consumer_info(stream="SHOP", durable="notification_service")
    finally:
        broker.close()
    return info.num_ack_pending == 0 and info.num_pending == 0


def _publish_directly(stack, envelope: dict) -> None:
    broker = Broker(stack.broker.url, name="events-suite")
    try:
        broker.connect()
        done, error = broker.publish_in_order([Outgoing(
            subject=envelope["type"], payload=json.dumps(envelope).encode(),
            msg_id=envelope["id"])])
        assert done == 1, error
    finally:
        broker.close()


def test_a_poison_event_is_dead_lettered_and_replayed_from_the_admin_once_fixed(stack):
    user_id = str(uuid.uuid4())
    long_email = f"{'x' * 300}@example.com"  # longer than the local copy's column
    poison = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "user_service",
              "type": "shop.user.registered", "subject": user_id,
              "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
              "datacontenttype": "application/json",
              "data": {"user_id": user_id, "email": long_email, "name": "Pat", "role": "USER"}}
    _publish_directly(stack, poison)
    next_id, _ = stack.register()

    # The consumer goes on: the next event is handled (while the poison waits for its next
    # try, or after it was set aside), and the poison ends as a dead letter after its tries.
    stack.wait(lambda: stack.notification_counts().get(next_id), timeout=15,
               what="the event after the poison one")
    [(attempts, error)] = stack.wait(lambda: stack.query(
        "notification_service",
        "SELECT attempts, error FROM common_deadletter WHERE event_id = %s", poison["id"]),
        timeout=30, what="the poison event's dead letter")
    assert attempts == 3 and "value too long" in error
    assert user_id not in stack.notification_counts()

    # The fix ships (a wider column), then an operator replays the letter in the admin.
    stack.query("notification_service",
                "ALTER TABLE notifications_recipient ALTER COLUMN email TYPE varchar(400)")
    admin = _admin_session(stack)
    changelist = f"{stack.url('notification_service')}/admin/common/deadletter/"
    [(letter_id,)] = stack.query("notification_service",
                                 "SELECT id FROM common_deadletter WHERE event_id = %s",
                                 poison["id"])
    for _ in range(2):  # the second replay finds nothing left to do
        page = admin.get(changelist, timeout=10)
        response = admin.post(changelist, timeout=10, data={
            "action": "replay", "_selected_action": [letter_id],
            "csrfmiddlewaretoken": page.cookies.get("csrftoken") or admin.cookies["csrftoken"]},
            headers={"Referer": changelist})
        assert response.status_code == 200

    assert stack.notification_counts().get(user_id) == 1
    [(replayed_at,)] = stack.query("notification_service",
                                   "SELECT replayed_at FROM common_deadletter WHERE id = %s",
                                   letter_id)
    assert replayed_at is not None


def _admin_session(stack) -> requests.Session:
    session = requests.Session()
    login = f"{stack.url('notification_service')}/admin/login/"
    session.get(login, timeout=10)
    response = session.post(login, timeout=10, headers={"Referer": login}, data={
        "username": stack.env["DEV_ADMIN_EMAIL"], "password": stack.env["DEV_ADMIN_PASSWORD"],
        "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"})
    assert response.status_code == 200 and "Log out" in response.text, response.text[-2000:]
    return session


def test_events_of_one_user_are_handled_in_the_order_they_happened(stack):
    user_id, token = stack.register(name="First")
    for name in ("Second", "Third", "Fourth"):
        changed = requests.patch(f"{stack.url('user_service')}/api/users/{user_id}", timeout=10,
                                 headers={"Authorization": f"Bearer {token}"},
                                 json={"name": name})
        assert changed.status_code == 200, changed.text

    handled = stack.wait(
        lambda: (rows := stack.query(
            "notification_service",
            "SELECT event_id::text, stream_sequence FROM common_inboxevent "
            "WHERE subject = %s ORDER BY handled_at", user_id)) and len(rows) == 4 and rows,
        timeout=DELIVERY_SECONDS * 2, what="four events of the user")
    published = [event_id for (event_id,) in stack.query(
        "user_service", "SELECT event_id::text FROM common_outboxevent WHERE subject = %s "
                        "ORDER BY id", user_id)]

    assert [event_id for event_id, _ in handled] == published
    sequences = [sequence for _, sequence in handled]
    assert sequences == sorted(sequences)
    assert stack.query("notification_service", "SELECT name FROM notifications_recipient "
                                               "WHERE user_id = %s", user_id) == [("Fourth",)]
