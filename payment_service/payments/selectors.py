"""Reads on payments."""

from django.db.models import QuerySet, prefetch_related_objects

from common.db import filter_given
from payments.models import Payment


def payment_list(*, reference: str | None = None, status: str | None = None
                 ) -> QuerySet[Payment]:
    """Newest first, operations prefetched."""
    return filter_given(
        Payment.objects.prefetch_related("operations").order_by("-created_at", "-id"),
        reference=reference, status=status)


def payment_get(*, payment_id) -> Payment | None:
    return Payment.objects.prefetch_related("operations").filter(pk=payment_id).first()


def payment_operations_load(*, payment: Payment) -> Payment:
    """Load the operations of a payment already in hand (one query; its row is not re-read)."""
    prefetch_related_objects([payment], "operations")
    return payment
