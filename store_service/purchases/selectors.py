"""Reads on purchases."""

from django.db.models import QuerySet

from common.db import CompiledRelated, filter_given
from purchases.models import Purchase

_HISTORY = CompiledRelated(Purchase, "history")


def purchase_list(*, user_id=None, state: str | None = None) -> QuerySet[Purchase]:
    """Newest first, history prefetched; every purchase when `user_id` is None."""
    return filter_given(
        Purchase.objects.prefetch_related("history").order_by("-created_at", "-id"),
        user_id=user_id, state=state)


def purchase_get(*, purchase_id) -> Purchase | None:
    return Purchase.objects.prefetch_related("history").filter(id=purchase_id).first()


def purchase_history_load(*, purchase: Purchase) -> Purchase:
    """Load the history of a purchase already in hand (one query; its row is not re-read)."""
    return _HISTORY.load(purchase)
