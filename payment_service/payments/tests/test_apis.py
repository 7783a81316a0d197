"""The payments API: authorize, replay, decline, capture, void, refund, reads and access."""

import uuid
from decimal import Decimal

import pytest

from common.events.models import OutboxEvent
from payments.models import Operation, Payment
from payments.tests.factories import PaymentFactory, authorization

pytestmark = pytest.mark.django_db


def _authorize(client, **changes):
    return client.post("/api/payments", authorization(**changes), format="json")


def _post(client, payment_id, action, body=None, **headers):
    return client.post(f"/api/payments/{payment_id}/{action}", body or {}, format="json",
                       **headers)


def _error(response) -> dict:
    return response.json()["error"]


def _events(payment_id) -> list[dict]:
    return [row.envelope["data"] for row in OutboxEvent.objects.filter(
        type="shop.payment.changed", subject=str(payment_id)).order_by("id")]


# -- authorize ----------------------------------------------------------------------------------

def test_authorize_holds_the_amount_and_keeps_brand_and_last4_only(store_client):
    user_id = str(uuid.uuid4())

    response = _authorize(store_client, amount="150.00", user_id=user_id)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "authorized"
    assert (body["amount"], body["currency"]) == ("150.00", "BRL")
    assert (body["card_brand"], body["card_last4"]) == ("visa", "4242")
    assert (body["captured_amount"], body["refunded_amount"]) == ("0.00", "0.00")
    assert body["user_id"] == user_id
    assert [(op["kind"], op["amount"], op["outcome"]) for op in body["operations"]] == [
        ("authorize", "150.00", "succeeded")]
    assert "card_token" not in body and "tok_visa" not in response.content.decode()
    assert _events(body["id"]) == [{
        "payment_id": body["id"], "reference": body["reference"], "user_id": user_id,
        "status": "authorized", "amount": "150.00", "captured_amount": "0.00",
        "refunded_amount": "0.00", "currency": "BRL", "operation": "authorize"}]


def test_authorize_with_mastercard_names_its_brand(store_client):
    body = _authorize(store_client, card_token="tok_mastercard").json()

    assert (body["card_brand"], body["card_last4"]) == ("mastercard", "4444")


def test_the_same_reference_again_answers_the_first_payment(store_client):
    first = _authorize(store_client, reference="purchase-1")

    again = _authorize(store_client, reference="purchase-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Payment.objects.count() == 1
    assert Operation.objects.filter(kind="authorize").count() == 1


@pytest.mark.parametrize("changes", [{"amount": "150.01"}, {"card_token": "tok_mastercard"}])
def test_the_same_reference_with_another_amount_or_card_is_409(store_client, changes):
    _authorize(store_client, reference="purchase-2")

    response = _authorize(store_client, reference="purchase-2", **changes)

    assert response.status_code == 409
    assert _error(response)["reason"] == "reference_reused"
    assert Payment.objects.get().amount == Decimal("150.00")


@pytest.mark.parametrize(("token", "reason"), [("tok_chargeDeclined", "card_declined"),
                                               ("tok_insufficientFunds", "insufficient_funds")])
def test_a_declined_card_is_402_with_its_reason_and_recorded_as_declined(store_client, token,
                                                                         reason):
    response = _authorize(store_client, card_token=token, reference="declined-1")

    assert response.status_code == 402
    error = _error(response)
    assert (error["code"], error["reason"]) == ("payment_declined", reason)
    payment = Payment.objects.get(reference="declined-1")
    assert str(payment.pk) == error["details"]["payment_id"]
    assert (payment.status, payment.decline_reason) == ("declined", reason)
    assert list(payment.operations.values_list("kind", "outcome", "reason")) == [
        ("authorize", "declined", reason)]
    assert _events(payment.pk)[0]["status"] == "declined"
    assert _events(payment.pk)[0]["reason"] == reason
    # the replay is declined again, without asking the provider twice
    again = _authorize(store_client, card_token=token, reference="declined-1")
    assert again.status_code == 402 and _error(again)["reason"] == reason
    assert payment.operations.count() == 1


def test_a_processing_error_is_503_and_leaves_a_pending_payment_to_try_again(store_client):
    response = _authorize(store_client, card_token="tok_processingError", reference="flaky-1")

    assert response.status_code == 503
    assert _error(response)["code"] == "upstream_unavailable"
    payment = Payment.objects.get(reference="flaky-1")
    assert payment.status == "pending" and payment.operations.count() == 0
    assert _events(payment.pk) == []


def test_a_transient_provider_failure_then_a_retry_authorizes_once(store_client, settings):
    settings.PAYMENT_PROVIDER_FAILURE_RATE = 1.0
    failed = _authorize(store_client, reference="flaky-2")
    settings.PAYMENT_PROVIDER_FAILURE_RATE = 0.0

    retried = _authorize(store_client, reference="flaky-2")

    assert failed.status_code == 503
    assert retried.status_code == 200 and retried.json()["status"] == "authorized"
    assert Payment.objects.filter(reference="flaky-2").count() == 1
    assert Operation.objects.filter(kind="authorize").count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"card_token": "tok_unknown"}, "card_token"),
    ({"amount": "0.00"}, "amount"),
    ({"amount": "-1.00"}, "amount"),
    ({"amount": "1.001"}, "amount"),
    ({"amount": "100000000000000.00"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"currency": "USD"}, "currency"),
    ({"reference": ""}, "reference"),
])
def test_bad_input_is_400_naming_the_field(store_client, changes, field):
    response = _authorize(store_client, **changes)

    assert response.status_code == 400
    assert field in _error(response)["details"]
    assert Payment.objects.count() == 0


def test_the_largest_amount_can_be_authorized_and_read_back(store_client):
    response = _authorize(store_client, amount="9999999999999.99")

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "9999999999999.99"
    assert Payment.objects.get().amount == Decimal("9999999999999.99")


def test_an_amount_above_the_largest_is_400_and_saves_nothing(store_client):
    response = _authorize(store_client, amount="10000000000000.00")

    assert response.status_code == 400
    assert "amount" in _error(response)["details"]
    assert Payment.objects.count() == 0


# -- capture, void, refund ----------------------------------------------------------------------

def test_capture_charges_the_authorized_amount_once(store_client):
    payment = PaymentFactory(amount=Decimal("80.00"))

    first = _post(store_client, payment.pk, "capture")
    again = _post(store_client, payment.pk, "capture")

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "captured"
    assert first.json()["captured_amount"] == "80.00"
    assert again.json() == first.json()
    assert payment.operations.filter(kind="capture").count() == 1
    assert [event["status"] for event in _events(payment.pk)] == ["captured"]


def test_void_releases_an_authorization_and_a_second_void_changes_nothing(store_client):
    payment = PaymentFactory()

    first = _post(store_client, payment.pk, "void")
    again = _post(store_client, payment.pk, "void")

    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "voided"
    assert payment.operations.filter(kind="void").count() == 1


def test_a_pending_payment_can_be_voided(store_client):
    payment = PaymentFactory(status="pending", provider_reference="")

    response = _post(store_client, payment.pk, "void")

    assert response.status_code == 200 and response.json()["status"] == "voided"


@pytest.mark.parametrize(("status", "action", "reason"), [
    ("captured", "void", "payment_not_authorized"),
    ("voided", "capture", "payment_not_authorized"),
    ("declined", "capture", "payment_not_authorized"),
    ("pending", "capture", "payment_not_authorized"),
    ("authorized", "refund", "payment_not_captured"),
    ("voided", "refund", "payment_not_captured"),
])
def test_an_operation_that_does_not_fit_the_status_is_409_with_its_reason(
        store_client, status, action, reason):
    captured = Decimal("100.00") if status == "captured" else Decimal("0.00")
    payment = PaymentFactory(status=status, captured_amount=captured)

    response = _post(store_client, payment.pk, action)

    assert response.status_code == 409
    assert (_error(response)["code"], _error(response)["reason"]) == ("conflict", reason)
    payment.refresh_from_db()
    assert payment.status == status and payment.operations.count() == 0


def test_partial_refunds_add_up_to_the_captured_amount_then_the_payment_is_refunded(
        store_client):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"))

    first = _post(store_client, payment.pk, "refund", {"amount": "30.00"})
    second = _post(store_client, payment.pk, "refund", {"amount": "70.00"})

    assert first.status_code == second.status_code == 200
    assert (first.json()["status"], first.json()["refunded_amount"]) == ("captured", "30.00")
    assert (second.json()["status"], second.json()["refunded_amount"]) == ("refunded", "100.00")
    assert [op["amount"] for op in second.json()["operations"] if op["kind"] == "refund"] == [
        "30.00", "70.00"]


def test_a_refund_beyond_what_was_captured_is_409_and_refunds_nothing(store_client):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"),
                             refunded_amount=Decimal("60.00"))

    response = _post(store_client, payment.pk, "refund", {"amount": "40.01"})

    assert response.status_code == 409
    assert _error(response)["reason"] == "refund_exceeds_captured"
    assert _error(response)["details"] == {"refundable_amount": "40.00"}
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("60.00")


def test_a_refund_without_amount_gives_back_all_that_is_left(store_client):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"),
                             refunded_amount=Decimal("25.50"))

    response = _post(store_client, payment.pk, "refund")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["refunded_amount"]) == (
        "refunded", "100.00")


def test_a_refund_with_a_key_used_before_refunds_nothing_again(store_client):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"))
    key = {"HTTP_IDEMPOTENCY_KEY": "purchase-9:refund"}

    first = _post(store_client, payment.pk, "refund", {"amount": "10.00"}, **key)
    again = _post(store_client, payment.pk, "refund", {"amount": "10.00"}, **key)

    assert first.status_code == again.status_code == 200
    assert again.json()["refunded_amount"] == "10.00"
    assert payment.operations.filter(kind="refund").count() == 1


def test_a_transient_failure_on_capture_is_503_and_changes_nothing(store_client, settings):
    payment = PaymentFactory()
    settings.PAYMENT_PROVIDER_FAILURE_RATE = 1.0

    response = _post(store_client, payment.pk, "capture")

    assert response.status_code == 503
    payment.refresh_from_db()
    assert payment.status == "authorized" and payment.captured_amount == Decimal("0.00")
    assert payment.operations.count() == 0 and _events(payment.pk) == []


def test_operations_on_an_unknown_payment_are_404(store_client):
    response = _post(store_client, uuid.uuid4(), "capture")

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


# -- reads and access ---------------------------------------------------------------------------

def test_admin_lists_payments_with_filters(admin_client):
    kept = PaymentFactory(reference="ref-a", status="captured", captured_amount=Decimal("100"))
    PaymentFactory(reference="ref-b")

    by_reference = admin_client.get("/api/payments?reference=ref-a").json()
    by_status = admin_client.get("/api/payments?status=authorized").json()
    everything = admin_client.get("/api/payments?limit=1").json()

    assert [p["id"] for p in by_reference["results"]] == [str(kept.pk)]
    assert [p["reference"] for p in by_status["results"]] == ["ref-b"]
    assert (everything["count"], everything["limit"], len(everything["results"])) == (2, 1, 1)


def test_an_unknown_status_filter_is_400(admin_client):
    response = admin_client.get("/api/payments?status=lost")

    assert response.status_code == 400
    assert "status" in _error(response)["details"]


def test_admin_reads_and_refunds_a_payment(admin_client):
    payment = PaymentFactory(status="captured", captured_amount=Decimal("100.00"))

    read = admin_client.get(f"/api/payments/{payment.pk}")
    refund = _post(admin_client, payment.pk, "refund", {"amount": "5.00"})

    assert read.status_code == 200 and read.json()["reference"] == payment.reference
    assert refund.status_code == 200 and refund.json()["refunded_amount"] == "5.00"


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/api/payments"), ("post", "/api/payments/{id}/capture"),
    ("post", "/api/payments/{id}/void"),
])
def test_store_only_routes_refuse_admins_users_and_other_services(
        request, method, path, admin_client, user_client, other_service_client):
    payment = PaymentFactory()
    for client in (admin_client, user_client, other_service_client):
        response = getattr(client, method)(path.format(id=payment.pk), authorization(),
                                           format="json")

        assert response.status_code == 403
        assert _error(response)["code"] == "permission_denied"
    assert payment.operations.count() == 0


@pytest.mark.parametrize("path", ["/api/payments", "/api/payments/{id}"])
def test_reads_refuse_users_and_other_services(user_client, other_service_client, path):
    payment = PaymentFactory()

    for client in (user_client, other_service_client):
        assert client.get(path.format(id=payment.pk)).status_code == 403


def test_the_store_reads_one_payment_and_finds_one_by_reference(store_client):
    payment = PaymentFactory()

    found = store_client.get(f"/api/payments?reference={payment.reference}")
    read = store_client.get(f"/api/payments/{payment.pk}")

    assert [p["id"] for p in found.json()["results"]] == [str(payment.pk)]
    assert read.status_code == 200 and read.json()["id"] == str(payment.pk)


def test_routes_without_a_token_are_401(anonymous_client):
    response = anonymous_client.post("/api/payments", authorization(), format="json")

    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_the_openapi_document_names_every_route(anonymous_client):
    document = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(document["paths"])

    assert {"/api/payments", "/api/payments/{payment_id}",
            "/api/payments/{payment_id}/capture", "/api/payments/{payment_id}/void",
            "/api/payments/{payment_id}/refund"} <= paths
    declined = document["paths"]["/api/payments"]["post"]["responses"]["402"]
    assert declined["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    error = document["components"]["schemas"]["ErrorBody"]
    assert "reason" in error["properties"] and "reason" not in error["required"]
