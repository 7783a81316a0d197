"""Writes on users: registration, profile and role changes, password change, deletion.

Each write publishes its event in its own transaction (`shop.user.registered`,
`shop.user.changed`), and a password change, a role change, a deactivation or a deletion
ends every session of the user (`shop.user.sessions_revoked`).
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework.exceptions import ValidationError

from common.errors import atomic_refusing_duplicate, refuse_duplicate
from common.events import publish
from users.models import User, UserRole
from users.sessions import sessions_end_all

DUPLICATE_EMAIL = "A user with this email already exists."
WRONG_PASSWORD = "The current password is not correct."


def _validate_password(password: str, *, user: User, field: str) -> None:
    """Django's password validators (length, common, numeric, similar to email or name)."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationError({field: list(exc.messages)}) from exc


def _changed_data(user: User) -> dict:
    return {"user_id": str(user.id), "email": user.email, "name": user.name, "role": user.role,
            "is_active": user.is_active}


def user_create(*, email: str, password: str, name: str) -> User:
    """Register a USER; the email is stored lower-cased and must be unique in any case."""
    email = email.strip().lower()
    refuse_duplicate(User, field="email", value=email, message=DUPLICATE_EMAIL)
    user = User(email=email, name=name, role=UserRole.USER)
    _validate_password(password, user=user, field="password")
    user.set_password(password)
    with atomic_refusing_duplicate(field="email", message=DUPLICATE_EMAIL):
        user.save()
        publish(type="shop.user.registered", subject=str(user.id), data={
            "user_id": str(user.id), "email": user.email, "name": user.name, "role": user.role})
    return user


def user_update(*, user: User, changes: dict, by_admin: bool) -> User:
    """Change email and name; the role only when an ADMIN asks (which ends their sessions)."""
    before = (user.email, user.name, user.role)
    if "email" in changes:
        email = changes["email"].strip().lower()
        refuse_duplicate(User, field="email", value=email, message=DUPLICATE_EMAIL,
                         exclude_id=user.id)
        user.email = email
    if "name" in changes:
        user.name = changes["name"]
    if by_admin and "role" in changes:
        user.role = changes["role"]
    if (user.email, user.name, user.role) == before:
        return user
    with atomic_refusing_duplicate(field="email", message=DUPLICATE_EMAIL):
        user.save()
        publish(type="shop.user.changed", subject=str(user.id), data=_changed_data(user))
        if user.role != before[2]:
            sessions_end_all(user=user, reason="role_changed")
    return user


def user_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """Set a new password after checking the current one; every session of the user ends."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": [WRONG_PASSWORD]})
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    with transaction.atomic():
        user.save(update_fields=["password", "updated_at"])
        sessions_end_all(user=user, reason="password_changed")


def user_deactivate(*, user: User) -> User:
    """The user can no longer sign in and every session ends (the Django admin's switch)."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active", "updated_at"])
        publish(type="shop.user.changed", subject=str(user.id), data=_changed_data(user))
        sessions_end_all(user=user, reason="deactivated")
    return user


def user_delete(*, user: User) -> None:
    """Delete the user; every session ends with it, everywhere."""
    with transaction.atomic():
        user.is_active = False
        publish(type="shop.user.changed", subject=str(user.id), data=_changed_data(user))
        sessions_end_all(user=user, reason="deleted")
        user.delete()
