"""Reads on vouchers."""

from django.db.models import QuerySet

from vouchers.models import Voucher


def voucher_list() -> QuerySet[Voucher]:
    return Voucher.objects.order_by("-created_at", "-id")


def voucher_get(*, voucher_id) -> Voucher | None:
    return Voucher.objects.filter(id=voucher_id).first()


def voucher_get_by_code(*, code: str) -> Voucher | None:
    """The voucher with this code, whatever its case."""
    return Voucher.objects.filter(code__iexact=code.strip()).first()
