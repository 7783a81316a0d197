"""factory-boy factories for orders, their lines and the local copy of users."""

import uuid
from decimal import Decimal

import factory

from orders.models import KnownUser, Order, OrderItem


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    user_id = factory.LazyFunction(uuid.uuid4)
    total_amount = Decimal("0.00")


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product_id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Product {n}")
    unit_price = Decimal("10.00")
    quantity = 2
    line_total = factory.LazyAttribute(lambda item: item.unit_price * item.quantity)


class KnownUserFactory(factory.django.DjangoModelFactory):
    """A user as the events told of them."""

    class Meta:
        model = KnownUser

    user_id = factory.LazyFunction(uuid.uuid4)
    is_active = True
    source = KnownUser.Source.EVENT


def order_with_lines(*, lines: int = 1, **fields) -> Order:
    """An order with `lines` lines and the matching total."""
    order = OrderFactory(**fields)
    items = OrderItemFactory.create_batch(lines, order=order)
    order.total_amount = sum((item.line_total for item in items), Decimal("0.00"))
    order.save(update_fields=["total_amount"])
    return order
