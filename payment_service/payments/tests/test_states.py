"""The payment state machine and refund arithmetic, for every sequence of operations."""

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import APIException

from payments import services, states
from payments.models import Payment
from payments.tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db

CENTS = Decimal("0.01")
HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])
money = st.decimals(min_value=CENTS, max_value=Decimal("500.00"), places=2)
operation = st.one_of(
    st.just(("capture", None)), st.just(("void", None)),
    st.tuples(st.just("refund"), st.one_of(st.none(), money)),
)


def test_the_table_names_every_allowed_move():
    table, final = states.MOVES, states.FINAL

    assert table == {
        ("pending", "authorize"): {"authorized", "declined"},
        ("pending", "void"): {"voided"},
        ("authorized", "capture"): {"captured"},
        ("authorized", "void"): {"voided"},
        ("captured", "refund"): {"captured", "refunded"},
    }
    assert final == {"declined", "voided", "refunded"}


def _apply(payment: Payment, kind: str, amount: Decimal | None):
    try:
        if kind == "capture":
            services.payment_capture(payment_id=payment.pk)
        elif kind == "void":
            services.payment_void(payment_id=payment.pk)
        else:
            services.payment_refund(payment_id=payment.pk, amount=amount)
    except APIException as exc:
        return exc
    return None


@HYPOTHESIS
@given(amount=money, steps=st.lists(operation, max_size=8))
def test_any_sequence_of_operations_keeps_the_money_consistent(amount, steps):
    payment = PaymentFactory(amount=amount, reference=str(uuid.uuid4()))
    expected_refunded = Decimal("0.00")

    for kind, refund in steps:
        before = Payment.objects.get(pk=payment.pk)
        refused = _apply(payment, kind, refund)
        after = Payment.objects.get(pk=payment.pk)
        if refused is not None:  # a refusal is a 409 and changes nothing
            assert refused.status_code == 409 and refused.reason
            assert (after.status, after.captured_amount, after.refunded_amount) == (
                before.status, before.captured_amount, before.refunded_amount)
        elif kind == "refund":
            expected_refunded += before.refundable_amount if refund is None else refund

        # the amount never changes; captured is all or nothing; refunds within captured
        assert after.amount == amount
        assert after.captured_amount in (Decimal("0.00"), amount)
        assert Decimal("0.00") <= after.refunded_amount <= after.captured_amount
        assert after.refunded_amount == expected_refunded
        assert (after.status == "refunded") == (
            after.captured_amount > 0 and after.refunded_amount == after.captured_amount)
        # a status changes only by a move of the table
        if after.status != before.status:
            assert states.can_move(before.status, kind, after.status)

    operations = list(payment.operations.all())
    assert sum(1 for op in operations if op.kind == "capture") <= 1
    assert not ({op.kind for op in operations} >= {"capture", "void"})
    assert sum((op.amount for op in operations if op.kind == "refund"), Decimal("0.00")) == (
        Payment.objects.get(pk=payment.pk).refunded_amount)


@HYPOTHESIS
@given(captured=money, refunds=st.lists(money, max_size=10))
def test_refunds_are_accepted_exactly_while_they_fit_what_was_captured(captured, refunds):
    payment = PaymentFactory(amount=captured, status="captured", captured_amount=captured,
                             reference=str(uuid.uuid4()))
    refunded = Decimal("0.00")

    for refund in refunds:
        refused = _apply(payment, "refund", refund)
        fits = refunded < captured and refunded + refund <= captured
        if fits:
            assert refused is None
            refunded += refund
        else:
            assert refused is not None and refused.reason in (
                "refund_exceeds_captured", "payment_not_captured")

    payment.refresh_from_db()
    assert payment.refunded_amount == refunded <= captured
    assert payment.status == ("refunded" if refunded == captured else "captured")
