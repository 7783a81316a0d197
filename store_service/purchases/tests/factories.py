"""factory-boy factories for purchases."""

import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from purchases import states
from purchases.models import Purchase


class PurchaseFactory(factory.django.DjangoModelFactory):
    """A RECEIVED purchase with its creation history row (as purchase_create writes it)."""

    class Meta:
        model = Purchase
        skip_postgeneration_save = True

    user_id = factory.LazyFunction(uuid.uuid4)
    order_id = factory.LazyFunction(uuid.uuid4)
    street = "Rua das Flores"
    number = "42"
    city = "Sao Paulo"
    address_state = "SP"
    zip_code = "01234-567"
    items = factory.LazyFunction(lambda: [{"product_id": str(uuid.uuid4()), "name": "Widget",
                                           "unit_price": "25.00", "quantity": 2,
                                           "line_total": "50.00"}])
    subtotal = Decimal("50.00")
    total = Decimal("50.00")
    card_token = "tok_visa"
    next_attempt_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def begun(obj, create, extracted, **kwargs):
        if create:
            states.purchase_state_begin(purchase=obj)
