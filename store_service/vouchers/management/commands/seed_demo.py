"""`manage.py seed_demo`: a couple of demo vouchers; running it again changes nothing."""

from decimal import Decimal

from django.core.management.base import BaseCommand

from vouchers import selectors, services

DEMO_VOUCHERS = (
    {"code": "WELCOME10", "percent_off": 10},
    {"code": "FIVEOFF", "amount_off": Decimal("5.00")},
)


class Command(BaseCommand):
    help = "Create the demo vouchers WELCOME10 (10% off) and FIVEOFF (5.00 off) if missing."

    def handle(self, *args, **options):
        for fields in DEMO_VOUCHERS:
            if selectors.voucher_get_by_code(code=fields["code"]) is None:
                services.voucher_create(**fields)
                self.stdout.write(f"created voucher {fields['code']}")
            else:
                self.stdout.write(f"voucher {fields['code']} already exists")
