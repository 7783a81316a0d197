"""Writes on users: registration, profile changes, deletion."""

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from users.models import User, UserRole

DUPLICATE_EMAIL = "A user with this email already exists."


def _email_taken(email: str, *, exclude_id=None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude_id is not None:
        users = users.exclude(id=exclude_id)
    return users.exists()


def _save(user: User) -> User:
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"email": [DUPLICATE_EMAIL]}) from exc
    return user


def user_create(*, email: str, password: str, name: str) -> User:
    """Register a USER; the email is stored lower-cased and must be unique in any case."""
    email = email.strip().lower()
    if _email_taken(email):
        raise ValidationError({"email": [DUPLICATE_EMAIL]})
    user = User(email=email, name=name, role=UserRole.USER)
    user.set_password(password)
    return _save(user)


def user_update(*, user: User, changes: dict, by_admin: bool) -> User:
    """Change email and name; the role only when an ADMIN asks."""
    if "email" in changes:
        email = changes["email"].strip().lower()
        if _email_taken(email, exclude_id=user.id):
            raise ValidationError({"email": [DUPLICATE_EMAIL]})
        user.email = email
    if "name" in changes:
        user.name = changes["name"]
    if by_admin and "role" in changes:
        user.role = changes["role"]
    return _save(user)


def user_delete(*, user: User) -> None:
    user.delete()
