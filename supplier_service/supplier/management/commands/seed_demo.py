"""Seed the demo data, idempotently: providers for the 27 states and stock for demo products."""

import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from supplier import services

DEMO_PRODUCT_IDS = tuple(uuid.UUID(f"10000000-0000-4000-8000-{n:012d}") for n in range(1, 21))
DEMO_STOCK = 100_000


class Command(BaseCommand):
    help = "Create the providers of the 27 Brazilian states and stock for the demo products."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = services.provider_seed_all()
            services.supplier_product_seed(product_ids=DEMO_PRODUCT_IDS, stock=DEMO_STOCK)
        self.stdout.write(f"supplier demo data ready ({created} provider(s) created, "
                          f"{len(DEMO_PRODUCT_IDS)} demo products stocked)")
