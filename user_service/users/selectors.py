"""Reads on users."""

from django.db.models import QuerySet

from users.models import User


def user_list() -> QuerySet[User]:
    return User.objects.order_by("-created_at", "-id")


def user_get(*, user_id) -> User | None:
    return User.objects.filter(id=user_id).first()


def user_get_active(*, user_id) -> User | None:
    return User.objects.filter(id=user_id, is_active=True).first()
