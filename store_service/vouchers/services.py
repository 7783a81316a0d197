"""Writes on vouchers: admin CRUD, redeeming one use for a purchase and giving it back."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from common.errors import RuleViolation, atomic_refusing_duplicate, refuse_duplicate
from vouchers.models import Voucher

DUPLICATE_CODE = "A voucher with this code already exists."
ONE_KIND = "Give exactly one of percent_off and amount_off."
CENT = Decimal("0.01")
FIELDS = ("code", "percent_off", "amount_off", "valid_until", "max_uses")


def _validate_and_save(voucher: Voucher) -> Voucher:
    if (voucher.percent_off is None) == (voucher.amount_off is None):
        raise ValidationError({"percent_off": [ONE_KIND], "amount_off": [ONE_KIND]})
    refuse_duplicate(Voucher, field="code", value=voucher.code, message=DUPLICATE_CODE,
                     exclude_id=voucher.id)
    with atomic_refusing_duplicate(field="code", message=DUPLICATE_CODE):
        voucher.save()
    return voucher


def voucher_create(*, code: str, percent_off: int | None = None,
                   amount_off: Decimal | None = None, valid_until=None,
                   max_uses: int | None = None) -> Voucher:
    """A new voucher; its code is unique regardless of case."""
    voucher = Voucher(code=code.strip(), percent_off=percent_off, amount_off=amount_off,
                      valid_until=valid_until, max_uses=max_uses)
    return _validate_and_save(voucher)


def voucher_update(*, voucher: Voucher, changes: dict) -> Voucher:
    """Apply the given fields; the result must still name exactly one kind of discount."""
    for field in FIELDS:
        if field in changes:
            value = changes[field]
            setattr(voucher, field, value.strip() if field == "code" else value)
    return _validate_and_save(voucher)


def voucher_delete(*, voucher: Voucher) -> None:
    """Purchases keep the code they used (a snapshot); their link is cleared."""
    voucher.delete()


def voucher_discount(*, voucher: Voucher, subtotal: Decimal) -> Decimal:
    """The amount taken off `subtotal`: never more than the subtotal itself."""
    if voucher.percent_off is not None:
        discount = (subtotal * voucher.percent_off / Decimal(100)).quantize(CENT, ROUND_HALF_UP)
    else:
        discount = voucher.amount_off
    return min(discount, subtotal).quantize(CENT)


def voucher_redeem(*, code: str) -> Voucher:
    """Take one use of the voucher named `code`, or a 400 naming `voucher_code`.

    The use is counted with one conditional UPDATE so that concurrent purchases can never take
    more than `max_uses` between them. Call it inside the transaction that creates the purchase.
    """
    now = timezone.now()
    voucher = Voucher.objects.filter(code__iexact=code.strip()).first()
    if voucher is None:
        raise RuleViolation({"voucher_code": ["Unknown voucher."]}, reason="voucher_unknown")
    if voucher.valid_until is not None and voucher.valid_until < now:
        raise RuleViolation({"voucher_code": ["This voucher has expired."]},
                            reason="voucher_expired")
    taken = (Voucher.objects
             .filter(id=voucher.id)
             .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
             .update(uses=F("uses") + 1))
    if not taken:
        raise RuleViolation({"voucher_code": ["This voucher has been used up."]},
                            reason="voucher_used_up")
    voucher.refresh_from_db()
    return voucher


def voucher_release(*, voucher_id) -> None:
    """Give back the use a purchase took (the purchase failed)."""
    Voucher.objects.filter(id=voucher_id, uses__gt=0).update(uses=F("uses") - 1)
