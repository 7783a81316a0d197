"""Reads on payments. The ones every purchase makes (the row locked by an operation, its
operations for the answer) run SQL the ORM compiled once (`common.db.CompiledRead`)."""

import uuid

from django.db.models import QuerySet

from common.db import CompiledRead, CompiledRelated, filter_given
from payments.models import Payment

_LOCKED = CompiledRead(
    lambda: Payment.objects.select_for_update().filter(pk=uuid.UUID(int=0)).order_by(),
    params=[Payment._meta.pk])
_OPERATIONS = CompiledRelated(Payment, "operations")


def payment_list(*, reference: str | None = None, status: str | None = None
                 ) -> QuerySet[Payment]:
    """Newest first, operations prefetched."""
    return filter_given(
        Payment.objects.prefetch_related("operations").order_by("-created_at", "-id"),
        reference=reference, status=status)


def payment_get(*, payment_id) -> Payment | None:
    return Payment.objects.prefetch_related("operations").filter(pk=payment_id).first()


def payment_locked(*, payment_id) -> Payment | None:
    """The payment, its row locked until the transaction ends (call it inside one)."""
    found = _LOCKED.instances(payment_id)
    return found[0] if found else None


def payment_operations_load(*, payment: Payment) -> Payment:
    """Load the operations of a payment already in hand (one query; its row is not re-read),
    as `prefetch_related("operations")` would."""
    return _OPERATIONS.load(payment)
