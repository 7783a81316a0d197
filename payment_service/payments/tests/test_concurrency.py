"""Concurrent callers on PostgreSQL: one authorization per reference, one capture per payment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from payments import services
from payments.models import Operation, Payment
from payments.tests.factories import PaymentFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks between concurrent transactions"),
    pytest.mark.django_db(transaction=True),
]


def _race(count: int, action) -> list:
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait()
            outcomes.append(action())
        except Exception as exc:  # the outcome is what the test looks at
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_authorizations_of_one_reference_make_one_payment(settings):
    settings.PAYMENT_PROVIDER_LATENCY_MS = 20  # the provider is slow: the calls overlap

    outcomes = _race(6, lambda: services.payment_authorize(
        reference="purchase-race", amount=Decimal("42.00"), currency="BRL",
        card_token="tok_visa"))

    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert {payment.pk for payment, _ in outcomes} == {Payment.objects.get().pk}
    assert sum(1 for _, created in outcomes if created) == 1
    assert Operation.objects.filter(kind="authorize").count() == 1
    assert Payment.objects.get().status == "authorized"


def test_concurrent_captures_charge_once(settings):
    settings.PAYMENT_PROVIDER_LATENCY_MS = 20
    payment = PaymentFactory(amount=Decimal("19.99"))

    outcomes = _race(6, lambda: services.payment_capture(payment_id=payment.pk))

    assert all(outcome.status == "captured" for outcome in outcomes), outcomes
    assert Operation.objects.filter(payment=payment, kind="capture").count() == 1
    payment.refresh_from_db()
    assert payment.captured_amount == Decimal("19.99")


def test_concurrent_full_refunds_give_the_money_back_once(settings):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"))

    outcomes = _race(5, lambda: services.payment_refund(payment_id=payment.pk))

    refunded = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refunded) == 1
    assert {exc.reason for exc in refused} == {"payment_not_captured"}
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("100.00"))
