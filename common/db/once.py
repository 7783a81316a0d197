"""Create a row once per caller reference, when it also carries a random unique code."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError

Row = TypeVar("Row")


def created_once(create: Callable[[], Row], find: Callable[[], Row | None], *,
                 attempts: int = 3) -> tuple[Row, bool]:
    """(row, created). `create()` makes the row in its own transaction, its row with the
    reference's unique index first; `find()` returns the row already made for the reference.

    The reference's unique index answers a replay: `create()` is tried first, without a read
    before it, since a reference is new far more often than it is replayed. An IntegrityError
    from it means one of two things: the reference already has its row (made earlier or by a
    concurrent create: that row is answered, created False), or the random code collided with
    another row's (`create()` runs again, at most `attempts` times in all).
    """
    attempt = 1
    while True:
        try:
            return create(), True
        except IntegrityError:
            existing = find()
            if existing is not None:
                return existing, False
            if attempt >= attempts:
                raise
            attempt += 1
