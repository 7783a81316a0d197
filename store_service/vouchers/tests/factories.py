"""factory-boy factories for vouchers."""

import factory

from vouchers.models import Voucher


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    code = factory.Sequence(lambda n: f"CODE{n}")
    percent_off = 10
    amount_off = None
