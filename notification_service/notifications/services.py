"""Writes of notification_service: the local user copy, notifications and their email."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from notifications.models import (
    ChannelStatus,
    CustomerReference,
    Notification,
    NotificationKind,
    Recipient,
)

logger = logging.getLogger(__name__)


def recipient_update(*, user_id: uuid.UUID | str, email: str, name: str, role: str,
                     is_active: bool, as_of: datetime) -> None:
    """Take the user's details from an event, unless a newer event already gave them.

    One upsert statement: the consumer runs it for every user event.
    """
    meta = Recipient._meta
    values = {"user_id": uuid.UUID(str(user_id)), "email": email, "name": name, "role": role,
              "is_active": is_active, "as_of": as_of}
    fields = [meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.get_field("user_id").column)
    updates = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in fields[1:])
    as_of_column = quote(meta.get_field("as_of").column)
    sql = (f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT ({key}) DO UPDATE SET {updates} "
           f"WHERE {table}.{as_of_column} <= excluded.{as_of_column}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(values[f.name], connection) for f in fields])


def reference_remember(*, reference_id: uuid.UUID | str, user_id: uuid.UUID | str) -> None:
    CustomerReference.objects.bulk_create(
        [CustomerReference(reference_id=reference_id, user_id=user_id)], ignore_conflicts=True)


def _render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(title, text body, HTML body) from the kind's templates."""
    folder = f"notifications/{kind}"
    # A title names the user or the order; a 200-character name must still fit the column.
    title = Truncator(" ".join(render_to_string(f"{folder}/subject.txt", context).split())).chars(
        Notification._meta.get_field("title").max_length)
    return (title, render_to_string(f"{folder}/body.txt", context).strip() + "\n",
            render_to_string(f"{folder}/body.html", context))


def _send_email(*, recipient: Recipient | None, title: str, text: str, html: str) -> str:
    if recipient is None or not recipient.is_active or not recipient.email:
        return ChannelStatus.SKIPPED
    message = EmailMultiAlternatives(subject=title, body=text,
                                     from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[recipient.email])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as error:  # SMTP refusals, timeouts, a full disk: the in-app copy stays
        logger.warning("notification email not sent: %s", error)
        return ChannelStatus.FAILED
    return ChannelStatus.SENT


def notification_create(*, user_id: uuid.UUID | str, kind: NotificationKind,
                        event_id: uuid.UUID | str, context: dict[str, Any],
                        recipient: Recipient | None = None) -> Notification:
    """Render, keep and email one notification; the same (event, kind) again returns the first.

    `recipient`: the user's details when the caller has them at hand (else the local copy).

    The email goes out inside the caller's transaction: should that transaction fail after
    sending, the event is handled again and the email may go twice, but the notification
    exists once (docs/notifications.md).
    """
    existing = Notification.objects.filter(event_id=event_id, kind=kind).first()
    if existing is not None:
        return existing
    if recipient is None:
        recipient = Recipient.objects.filter(user_id=user_id).first()
    context = {"name": recipient.name if recipient and recipient.name else "there", **context}
    title, text, html = _render(kind, context)
    email = _send_email(recipient=recipient, title=title, text=text, html=html)
    return Notification.objects.create(user_id=user_id, kind=kind, title=title, body=text,
                                       channels={"email": email}, event_id=event_id)


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark it read (the first reading's time stays)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
