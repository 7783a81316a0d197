"""factory-boy factories for deliveries."""

import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from deliveries.models import Delivery, DeliveryStatus


def address(**changes) -> dict:
    """A valid address in São Paulo; `changes` override its fields."""
    return {"street": "Avenida Paulista", "number": "1000", "complement": "Apto 12",
            "district": "Bela Vista", "city": "São Paulo", "state": "SP",
            "zip_code": "01310-100", "country": "BR", **changes}


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    tracking_code = factory.Sequence(lambda n: f"TRK{n:010d}")
    reference = factory.LazyFunction(lambda: str(uuid.uuid4()))
    status = DeliveryStatus.SCHEDULED
    origin = factory.LazyFunction(address)
    destination = factory.LazyFunction(lambda: address(city="Campinas", zip_code="13010-000"))
    items = factory.LazyFunction(lambda: [{"product_id": str(uuid.uuid4()), "quantity": 1}])
    items_count = 1
    estimated_delivery_date = factory.LazyFunction(
        lambda: timezone.localdate() + timedelta(days=2))
    cost = Decimal("13.50")
