"""A text unique regardless of case (an email, a voucher code): a 400 naming its field when
another row has it, checked before the write and enforced by the database during it."""

import contextlib
from collections.abc import Iterator

from django.db import IntegrityError, models, transaction
from rest_framework.exceptions import ValidationError


def refuse_duplicate(model: type[models.Model], *, field: str, value: str, message: str,
                     exclude_id=None) -> None:
    """A 400 `{field: [message]}` when a row of `model` other than `exclude_id` has `value`
    in `field`, in any case."""
    rows = model._default_manager.filter(**{f"{field}__iexact": value})
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    if rows.exists():
        raise ValidationError({field: [message]})


@contextlib.contextmanager
def atomic_refusing_duplicate(*, field: str, message: str) -> Iterator[None]:
    """A transaction whose unique-constraint failure is the same 400 as `refuse_duplicate`'s:
    a concurrent write took the value between the check and this write."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError({field: [message]}) from exc
