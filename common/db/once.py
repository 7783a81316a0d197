"""Create a row once per caller reference, when it also carries a random unique code."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError

Row = TypeVar("Row")


def created_once(create: Callable[[], Row], find: Callable[[], Row | None], *,
                 attempts: int = 3) -> tuple[Row, bool]:
    """(row, created). `find()` returns the row already made for the reference, if any;
    `create()` makes it in its own transaction.

    An IntegrityError from `create()` means one of two things: a concurrent create with the
    same reference won (its row is answered, created False), or the random code collided
    with another row's (`create()` runs again, at most `attempts` times in all).
    """
    existing = find()
    if existing is not None:
        return existing, False
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
