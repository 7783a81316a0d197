"""Reads of notification_service."""

from __future__ import annotations

import re
import uuid

from django.db.models import QuerySet

from notifications.models import CustomerReference, Notification

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def notification_list(*, user_id: uuid.UUID, unread: bool | None = None) -> QuerySet[Notification]:
    """A user's notifications, newest first; only unread (True) or only read (False)."""
    notifications = Notification.objects.filter(user_id=user_id).order_by("-created_at", "-id")
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications


def notification_get(*, notification_id: uuid.UUID) -> Notification | None:
    return Notification.objects.filter(id=notification_id).first()


def user_for_reference(reference: str) -> uuid.UUID | None:
    """The user of the first order or purchase id in a payment reference that events named."""
    ids = [uuid.UUID(match) for match in _UUID.findall(reference or "")]
    if not ids:
        return None
    known = CustomerReference.objects.filter(reference_id__in=ids).first()
    return known.user_id if known else None
