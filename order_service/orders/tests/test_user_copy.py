"""The local copy of users: fed by user_service's events through the inbox, read by an
ADMIN's order for someone else."""

import uuid

import pytest
from django.conf import settings

from common.events import validate_event
from common.events.consuming import inbox_handle
from common.events.envelope import build_envelope
from common.testing import auth_header
from orders.models import KnownUser, Order
from orders.services import known_user_record_lookup
from orders.tests import upstream
from orders.tests.factories import KnownUserFactory
from orders.tests.upstream import calls_to, product

pytestmark = pytest.mark.django_db


def _registered(user_id) -> dict:
    envelope = build_envelope(type="shop.user.registered", subject=str(user_id), data={
        "user_id": str(user_id), "email": "ana@example.com", "name": "Ana", "role": "USER"})
    validate_event(envelope)
    return envelope


def _changed(user_id, *, is_active: bool) -> dict:
    envelope = build_envelope(type="shop.user.changed", subject=str(user_id), data={
        "user_id": str(user_id), "email": "ana@example.com", "name": "Ana", "role": "USER",
        "is_active": is_active})
    validate_event(envelope)
    return envelope


def test_the_user_events_are_consumed():
    assert settings.EVENT_HANDLERS["shop.user.registered"] == "orders.handlers.user_registered"
    assert settings.EVENT_HANDLERS["shop.user.changed"] == "orders.handlers.user_changed"


def test_a_registered_user_is_known_active_once_however_often_delivered():
    user_id = uuid.uuid4()
    envelope = _registered(user_id)

    assert inbox_handle(envelope=envelope) == "handled"
    KnownUser.objects.filter(user_id=user_id).delete()
    assert inbox_handle(envelope=envelope) == "duplicate"

    assert not KnownUser.objects.filter(user_id=user_id).exists()


def test_a_deactivated_user_is_known_inactive():
    user_id = uuid.uuid4()
    inbox_handle(envelope=_registered(user_id))

    inbox_handle(envelope=_changed(user_id, is_active=False))

    known = KnownUser.objects.get(user_id=user_id)
    assert (known.is_active, known.source) == (False, "event")


def test_an_event_overwrites_what_a_lookup_learnt():
    user_id = uuid.uuid4()
    KnownUserFactory(user_id=user_id, is_active=True, source="lookup")

    inbox_handle(envelope=_changed(user_id, is_active=False))

    known = KnownUser.objects.get(user_id=user_id)
    assert (known.is_active, known.source) == (False, "event")


def test_a_lookup_never_overwrites_what_an_event_said():
    """A lookup that raced with a deactivation's event cannot bring the user back."""
    user_id = uuid.uuid4()
    inbox_handle(envelope=_changed(user_id, is_active=False))

    known_user_record_lookup(user_id=user_id)

    assert KnownUser.objects.get(user_id=user_id).is_active is False


def test_an_admin_orders_for_a_user_the_events_told_of_with_one_call(api_client, partners):
    user_id, keyboard = uuid.uuid4(), product()
    inbox_handle(envelope=_registered(user_id))
    upstream.stub_reserve(partners, products=[keyboard])

    response = api_client.post("/api/orders", {
        "items": [{"product_id": keyboard["id"], "quantity": 1}], "user_id": str(user_id)},
        format="json", **auth_header(role="ADMIN"))

    assert response.status_code == 201
    assert len(partners.calls) == 1
    assert not calls_to(partners, "GET", upstream.user_url(user_id))


def test_an_admin_order_for_a_user_deleted_since_is_400(api_client, partners):
    user_id = uuid.uuid4()
    inbox_handle(envelope=_registered(user_id))
    inbox_handle(envelope=_changed(user_id, is_active=False))

    response = api_client.post("/api/orders", {
        "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}],
        "user_id": str(user_id)}, format="json", **auth_header(role="ADMIN"))

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"user_id": ["Unknown user."]}
    assert len(partners.calls) == 0
    assert not Order.objects.exists()
