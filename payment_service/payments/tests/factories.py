"""factory-boy factories for payments, and the request body of an authorization."""

import uuid
from decimal import Decimal

import factory

from payments import states
from payments.models import Payment


def authorization(**changes) -> dict:
    """A valid `POST /api/payments` body; `changes` override its fields."""
    return {"reference": str(uuid.uuid4()), "amount": "150.00", "currency": "BRL",
            "card_token": "tok_visa", **changes}


class PaymentFactory(factory.django.DjangoModelFactory):
    """An authorized payment, as the provider would have left it."""

    class Meta:
        model = Payment

    reference = factory.LazyFunction(lambda: str(uuid.uuid4()))
    amount = Decimal("100.00")
    status = states.AUTHORIZED
    card_brand = "visa"
    card_last4 = "4242"
    provider_reference = factory.LazyAttribute(lambda payment: f"auth_{payment.reference}")
