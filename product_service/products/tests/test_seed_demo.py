"""The demo catalog: twenty products with fixed ids, seeded idempotently."""

import uuid

import pytest
from django.core.management import call_command

from products.models import Product

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_twenty_products_with_fixed_ids():
    call_command("seed_demo")

    ids = set(Product.objects.values_list("id", flat=True))
    assert ids == {uuid.UUID(f"10000000-0000-4000-8000-0000000000{n:02d}") for n in range(1, 21)}
    assert all(p.price > 0 and p.stock >= 0 for p in Product.objects.all())


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    Product.objects.filter(id="10000000-0000-4000-8000-000000000001").update(stock=3)
    before = {p.id: (p.name, p.price, p.stock, p.updated_at) for p in Product.objects.all()}

    call_command("seed_demo")

    after = {p.id: (p.name, p.price, p.stock, p.updated_at) for p in Product.objects.all()}
    assert after == before
