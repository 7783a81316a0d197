"""Discount vouchers: a percentage or a fixed amount off, optionally limited in time and uses."""

import uuid

from django.db import models
from django.db.models.functions import Lower

from common.money import DECIMAL_PLACES, PRICE_DIGITS


class Voucher(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=50)
    percent_off = models.PositiveSmallIntegerField(null=True, blank=True)
    amount_off = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES,
                                     null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="vouchers_voucher_code_ci_unique"),
            models.CheckConstraint(
                condition=(models.Q(percent_off__isnull=False, amount_off__isnull=True)
                           | models.Q(percent_off__isnull=True, amount_off__isnull=False)),
                name="vouchers_voucher_one_kind_of_discount",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_off__isnull=True)
                | models.Q(percent_off__gte=1, percent_off__lte=100),
                name="vouchers_voucher_percent_off_range",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_off__isnull=True) | models.Q(amount_off__gt=0),
                name="vouchers_voucher_amount_off_positive",
            ),
        ]
        indexes = [models.Index(fields=["-created_at"], name="vouchers_created_idx")]

    def __str__(self) -> str:
        return self.code
