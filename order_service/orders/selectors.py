"""Reads on orders; lists fetch every line in one extra query, however many orders.

One order by id (what the store reads and moves on every purchase) runs SQL the ORM compiled
once (`common.db.CompiledRead`): the order, then its lines.
"""

import uuid

from django.db.models import QuerySet

from common.db import CompiledRead, CompiledRelated, filter_given
from orders.models import IdempotencyKey, KnownUser, Order
from orders.status import OrderStatus

_BY_ID = CompiledRead(lambda: Order.objects.filter(id=uuid.UUID(int=0)).order_by(),
                      params=[Order._meta.pk])
_ITEMS = CompiledRelated(Order, "items")


def order_list(*, user_id=None) -> QuerySet[Order]:
    """Orders newest first with their lines, optionally of one user only."""
    return filter_given(Order.objects.prefetch_related("items").order_by("-created_at", "-id"),
                        user_id=user_id)


def order_get(*, order_id) -> Order | None:
    """The order with its lines (as `prefetch_related("items")` would give them), or None."""
    found = _BY_ID.instances(order_id)
    if not found:
        return None
    return _ITEMS.load(found[0])


def idempotency_key_get(*, user_id, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(user_id=user_id, key=key).first()


def order_ids_expirable(*, cutoff, limit: int) -> list:
    """Ids of pending orders created before `cutoff` that no purchase holds, oldest first."""
    return list(Order.objects.filter(status=OrderStatus.PENDING, created_at__lt=cutoff,
                                     purchase_id__isnull=True)
                .order_by("created_at").values_list("id", flat=True)[:limit])


def known_user_get(*, user_id) -> KnownUser | None:
    """The local copy's entry for this user (None: no event or lookup has told of them)."""
    try:  # .get(): a primary-key lookup needs no ORDER BY
        return KnownUser.objects.get(user_id=user_id)
    except KnownUser.DoesNotExist:
        return None
