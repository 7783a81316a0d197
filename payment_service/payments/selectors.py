"""Reads on payments."""

from django.db.models import QuerySet

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
