"""Reads on users."""

import uuid

from django.db.models import QuerySet
from django.utils import timezone

from common.db import CompiledRead
from users.models import Session, User

# Every order creation checks its user by id: that read is compiled once (common.db).
_BY_ID = CompiledRead(lambda: User.objects.filter(id=uuid.UUID(int=0)).order_by(),
                      params=[User._meta.pk])


def user_list() -> QuerySet[User]:
    return User.objects.order_by("-created_at", "-id")


def user_get(*, user_id) -> User | None:
    return User.objects.filter(id=user_id).first()


def user_get_active(*, user_id) -> User | None:
    found = _BY_ID.instances(user_id)
    return found[0] if found and found[0].is_active else None


def session_is_open(*, session_id, user_id) -> bool:
    """The session exists, belongs to the user, has not ended and its user is active."""
    try:
        session_id = uuid.UUID(str(session_id))
    except ValueError:
        return False
    return Session.objects.filter(
        id=session_id, user_id=user_id, ended_at__isnull=True,
        expires_at__gt=timezone.now(), user__is_active=True).exists()
