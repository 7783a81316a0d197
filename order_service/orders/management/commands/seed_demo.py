"""Seed a few demo orders for the demo customer, with fixed ids, created once.

Names and prices are copied from product_service's demo catalog; no other service is called.
"""

import uuid
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from orders.clients import ReservedLine
from orders.models import Order, OrderItem
from orders.services import order_lines_price
from orders.status import OrderStatus

DEMO_CUSTOMER_ID = uuid.UUID("20000000-0000-4000-8000-000000000001")

# Product NN of the demo catalog: id 10000000-0000-4000-8000-0000000000NN.
DEMO_PRODUCTS = {
    1: ("Mechanical Keyboard", "89.90"),
    2: ("Wireless Mouse", "29.99"),
    5: ("Noise-Cancelling Headphones", "199.99"),
    11: ("Standing Desk", "399.00"),
    15: ("HDMI Cable 2 m", "9.99"),
    16: ("Notebook A5", "7.50"),
}

# Order NN gets id 30000000-0000-4000-8000-0000000000NN: (status, [(product number, quantity)]).
DEMO_ORDERS = [
    (OrderStatus.PENDING, [(1, 1), (2, 2)]),
    (OrderStatus.PROCESSING, [(5, 1)]),
    (OrderStatus.COMPLETED, [(15, 3), (16, 2)]),
    (OrderStatus.CANCELLED, [(11, 1)]),
]


def demo_product_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"10000000-0000-4000-8000-0000000000{number:02d}")


def demo_order_id(number: int) -> uuid.UUID:
    return uuid.UUID(f"30000000-0000-4000-8000-0000000000{number:02d}")


class Command(BaseCommand):
    help = "Create the demo customer's orders (fixed ids) that are missing."

    def handle(self, *args, **options):
        products = {demo_product_id(number): ReservedLine(name=name, unit_price=Decimal(price))
                    for number, (name, price) in DEMO_PRODUCTS.items()}
        created = 0
        with transaction.atomic():
            for number, (status, lines) in enumerate(DEMO_ORDERS, start=1):
                order_id = demo_order_id(number)
                if Order.objects.filter(id=order_id).exists():
                    continue
                quantities = {demo_product_id(product): quantity for product, quantity in lines}
                priced, total = order_lines_price(quantities=quantities, products=products)
                # Seed rows are written as they stand; live orders move only via services.py.
                order = Order.objects.create(id=order_id, user_id=DEMO_CUSTOMER_ID,
                                             total_amount=total, status=status)
                OrderItem.objects.bulk_create([
                    OrderItem(order=order, product_id=line.product_id, name=line.name,
                              unit_price=line.unit_price, quantity=line.quantity,
                              line_total=line.line_total)
                    for line in priced
                ])
                created += 1
        self.stdout.write(f"demo orders: {created} created, "
                          f"{len(DEMO_ORDERS) - created} already present")
