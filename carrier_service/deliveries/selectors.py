"""Reads on deliveries."""

from django.db.models import QuerySet

from deliveries.models import Delivery


def delivery_get(*, tracking_code: str) -> Delivery | None:
    return Delivery.objects.filter(tracking_code=tracking_code.upper()).first()


def delivery_get_by_reference(*, reference: str) -> Delivery | None:
    return Delivery.objects.filter(reference=reference).first()


def delivery_list() -> QuerySet[Delivery]:
    return Delivery.objects.order_by("-created_at", "-id")
