"""Demo orders: fixed ids for the demo customer, seeded idempotently, no calls out."""

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from orders.models import Order, OrderItem

pytestmark = pytest.mark.django_db

DEMO_CUSTOMER = uuid.UUID("20000000-0000-4000-8000-000000000001")


def test_seed_demo_creates_the_demo_customers_orders(partners):
    call_command("seed_demo")

    orders = Order.objects.all()
    assert {o.id for o in orders} == {
        uuid.UUID(f"30000000-0000-4000-8000-0000000000{n:02d}") for n in range(1, 5)}
    assert {o.user_id for o in orders} == {DEMO_CUSTOMER}
    assert {o.status for o in orders} == {"pending", "processing", "completed", "cancelled"}
    for order in orders:
        assert order.total_amount == sum((i.line_total for i in order.items.all()),
                                         Decimal("0.00"))
        assert all(str(i.product_id).startswith("10000000-0000-4000-8000-0000000000")
                   for i in order.items.all())
    assert len(partners.calls) == 0


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    before = {(o.id, o.status, o.total_amount, o.updated_at) for o in Order.objects.all()}
    lines = OrderItem.objects.count()

    call_command("seed_demo")

    assert {(o.id, o.status, o.total_amount, o.updated_at) for o in Order.objects.all()} == before
    assert OrderItem.objects.count() == lines
