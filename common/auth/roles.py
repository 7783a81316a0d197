"""The roles a token can carry."""

from enum import StrEnum


class Role(StrEnum):
    USER = "USER"
    ADMIN = "ADMIN"
    SERVICE = "SERVICE"


ROLES = frozenset(role.value for role in Role)
