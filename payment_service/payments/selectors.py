"""Reads on payments."""

from django.db.models import QuerySet

from payments.models import Payment


def payment_list(*, reference: str | None = None, status: str | None = None
                 ) -> QuerySet[Payment]:
    """Newest first, operations prefetched."""
    payments = Payment.objects.prefetch_related("operations").order_by("-created_at", "-id")
    if reference:
        payments = payments.filter(reference=reference)
    if status:
        payments = payments.filter(status=status)
    return payments


def payment_get(*, payment_id) -> Payment | None:
    return Payment.objects.prefetch_related("operations").filter(pk=payment_id).first()
