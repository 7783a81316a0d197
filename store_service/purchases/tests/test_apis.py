"""The purchases API: each route's success and errors, in the contract's envelope."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.testing import auth_header
from purchases import states
from purchases.models import Purchase
from purchases.tests.conftest import CARD
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def _post(api_client, body, **auth):
    """POST a purchase, paid with a card that the fake payment_service accepts."""
    body = {"payment": CARD, **body} if body else body
    return api_client.post("/api/purchases", body, format="json", **auth)


def _error(response, status, code):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error


def test_create_without_a_token_is_401(api_client):
    _error(_post(api_client, {}), 401, "not_authenticated")


def test_create_with_a_service_token_is_403(api_client, partners, address):
    order = partners.add_order(user_id=uuid.uuid4())
    response = _post(api_client, {"order_id": order["id"], "address": address},
                     **auth_header(role="SERVICE"))
    _error(response, 403, "permission_denied")


@pytest.mark.parametrize(("change", "field"), [
    ({"state": "SPX"}, "state"),
    ({"state": "1"}, "state"),
    ({"zip_code": ""}, "zip_code"),
    ({"zip_code": None}, "zip_code"),
    ({"street": ""}, "street"),
    ({"country": "PT"}, "country"),
    ({"state": "ZZ"}, "state"),
    ({"zip_code": "12345"}, "zip_code"),
])
def test_create_validates_the_address(api_client, partners, user_id, address, change, field):
    order = partners.add_order(user_id=user_id)

    response = _post(api_client, {"order_id": order["id"], "address": {**address, **change}},
                     **auth_header(user_id=user_id))

    error = _error(response, 400, "validation_error")
    assert field in error["details"]["address"]
    assert Purchase.objects.count() == 0


def test_create_requires_the_order_id_the_address_and_the_payment(api_client, user_id):
    response = _post(api_client, {}, **auth_header(user_id=user_id))

    details = _error(response, 400, "validation_error")["details"]
    assert set(details) == {"order_id", "address", "payment"}


def test_create_without_a_zip_code_is_400(api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)
    del address["zip_code"]

    response = _post(api_client, {"order_id": order["id"], "address": address},
                     **auth_header(user_id=user_id))

    assert "zip_code" in _error(response, 400, "validation_error")["details"]["address"]


def test_create_normalizes_the_region_and_defaults_the_country(api_client, partners, user_id,
                                                               address):
    order = partners.add_order(user_id=user_id)

    response = _post(api_client, {"order_id": order["id"], "address": {**address, "state": " rj"}},
                     **auth_header(user_id=user_id))

    assert response.status_code == 201
    assert response.json()["address"]["state"] == "RJ"
    assert response.json()["address"]["country"] == "BR"
    assert response.json()["info_provider"]["state"] == "RJ"


def test_create_for_an_unknown_order_is_404(api_client, partners, user_id, address):
    response = _post(api_client, {"order_id": str(uuid.uuid4()), "address": address},
                     **auth_header(user_id=user_id))
    _error(response, 404, "not_found")


def test_create_for_someone_elses_order_is_404(api_client, partners, user_id, address):
    order = partners.add_order(user_id=uuid.uuid4())

    response = _post(api_client, {"order_id": order["id"], "address": address},
                     **auth_header(user_id=user_id))

    _error(response, 404, "not_found")
    assert partners.supplier_posts == []


def test_create_for_an_order_that_is_not_pending_is_400(api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id, status="processing")

    response = _post(api_client, {"order_id": order["id"], "address": address},
                     **auth_header(user_id=user_id))

    assert "order_id" in _error(response, 400, "validation_error")["details"]


def test_create_while_order_service_is_down_is_503_and_keeps_nothing(api_client, partners,
                                                                     user_id, address):
    order = partners.add_order(user_id=user_id)
    partners.down["order"] = True

    response = _post(api_client, {"order_id": order["id"], "address": address},
                     **auth_header(user_id=user_id))

    _error(response, 503, "upstream_unavailable")
    assert Purchase.objects.count() == 0


def test_a_second_purchase_of_an_order_with_an_active_one_is_409(api_client, partners, user_id,
                                                                 address):
    partners.down["supplier"] = True
    order = partners.add_order(user_id=user_id)
    first = _post(api_client, {"order_id": order["id"], "address": address},
                  **auth_header(user_id=user_id))
    assert first.status_code == 202

    second = _post(api_client, {"order_id": order["id"], "address": address},
                   **auth_header(user_id=user_id))

    _error(second, 409, "conflict")
    assert Purchase.objects.filter(order_id=order["id"]).count() == 1


def test_a_failed_purchase_does_not_block_the_order_in_the_database():
    failed = PurchaseFactory()
    states.purchase_state_move(purchase=failed, to=states.FAILED, note="gave up")

    again = PurchaseFactory(order_id=failed.order_id)

    assert Purchase.objects.filter(order_id=failed.order_id).count() == 2
    assert again.state == "RECEIVED"


def test_list_shows_only_the_callers_purchases_newest_first(api_client, user_id):
    older = PurchaseFactory(user_id=user_id)
    newer = PurchaseFactory(user_id=user_id)
    PurchaseFactory()  # someone else's

    response = api_client.get("/api/purchases", **auth_header(user_id=user_id))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["limit"] == 20 and body["offset"] == 0
    assert [p["id"] for p in body["results"]] == [str(newer.id), str(older.id)]
    assert body["results"][0]["history"] == [
        {"from": None, "to": "RECEIVED", "at": body["results"][0]["history"][0]["at"],
         "note": "Purchase received."}]


def test_an_admin_lists_every_purchase_and_may_filter(api_client, user_id):
    mine = PurchaseFactory(user_id=user_id)
    PurchaseFactory()

    everything = api_client.get("/api/purchases", **auth_header(role="ADMIN")).json()
    one_user = api_client.get(f"/api/purchases?user_id={user_id}",
                              **auth_header(role="ADMIN")).json()
    failed = api_client.get("/api/purchases?state=FAILED", **auth_header(role="ADMIN")).json()

    assert everything["count"] == 2
    assert [p["id"] for p in one_user["results"]] == [str(mine.id)]
    assert failed["count"] == 0


def test_list_rejects_bad_paging_and_unknown_states(api_client, user_id):
    _error(api_client.get("/api/purchases?limit=-1", **auth_header(user_id=user_id)), 400,
           "validation_error")
    _error(api_client.get("/api/purchases?state=LOST", **auth_header(user_id=user_id)), 400,
           "validation_error")


def test_list_pages_with_limit_and_offset(api_client, user_id):
    created = [PurchaseFactory(user_id=user_id) for _ in range(3)]

    body = api_client.get("/api/purchases?limit=1&offset=1", **auth_header(user_id=user_id)).json()

    assert body["count"] == 3 and body["limit"] == 1 and body["offset"] == 1
    assert [p["id"] for p in body["results"]] == [str(created[1].id)]


def test_list_runs_the_same_number_of_queries_for_any_page_size(api_client, user_id,
                                                                settings):
    settings.REVOCATION_CACHE_SECONDS = 3600  # the revocation list: read once per process
    PurchaseFactory(user_id=user_id)
    api_client.get("/api/purchases", **auth_header(user_id=user_id))
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/purchases", **auth_header(user_id=user_id))
    for _ in range(5):
        PurchaseFactory(user_id=user_id)

    with CaptureQueriesContext(connection) as many:
        response = api_client.get("/api/purchases", **auth_header(user_id=user_id))

    assert response.json()["count"] == 6
    assert len(many) == len(few)


def test_detail_answers_the_owner_and_admins_with_history(api_client, user_id):
    purchase = PurchaseFactory(user_id=user_id)

    own = api_client.get(f"/api/purchases/{purchase.id}", **auth_header(user_id=user_id))
    admin = api_client.get(f"/api/purchases/{purchase.id}/", **auth_header(role="ADMIN"))

    assert own.status_code == admin.status_code == 200
    body = own.json()
    assert set(body) >= {"id", "order_id", "user_id", "state", "address", "voucher_code",
                         "subtotal", "discount", "total", "info_order", "info_provider",
                         "info_delivery", "failure_reason", "last_error", "attempts",
                         "next_attempt_at", "history", "created_at", "updated_at"}
    assert body["subtotal"] == "50.00" and body["discount"] == "0.00"
    assert body["address"]["state"] == "SP"
    assert body["history"][0]["from"] is None


def test_detail_hides_other_peoples_purchases_and_bad_ids(api_client):
    purchase = PurchaseFactory()

    _error(api_client.get(f"/api/purchases/{purchase.id}", **auth_header()), 404, "not_found")
    _error(api_client.get(f"/api/purchases/{uuid.uuid4()}", **auth_header()), 404, "not_found")
    _error(api_client.get("/api/purchases/not-a-uuid", **auth_header()), 404, "not_found")


def test_retry_runs_a_waiting_purchase_now(api_client, partners, user_id, address):
    partners.down["supplier"] = True
    order = partners.add_order(user_id=user_id)
    body = _post(api_client, {"order_id": order["id"], "address": address},
                 **auth_header(user_id=user_id)).json()
    partners.down["supplier"] = False

    response = api_client.post(f"/api/purchases/{body['id']}/retry",
                               **auth_header(user_id=user_id))

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "RESERVE_DELIVERED"


def test_retry_still_failing_answers_202_and_counts_the_attempt(api_client, partners, user_id,
                                                                address):
    partners.down["carrier"] = True
    order = partners.add_order(user_id=user_id)
    body = _post(api_client, {"order_id": order["id"], "address": address},
                 **auth_header(user_id=user_id)).json()

    response = api_client.post(f"/api/purchases/{body['id']}/retry", **auth_header(role="ADMIN"))

    assert response.status_code == 202
    assert response.json()["state"] == "ORDER_REQUESTED"
    assert response.json()["attempts"] == 2


@pytest.mark.parametrize("final", [states.FAILED, "RESERVE_DELIVERED"])
def test_retry_of_a_finished_purchase_is_409(api_client, user_id, final):
    purchase = PurchaseFactory(user_id=user_id)
    if final == "RESERVE_DELIVERED":
        states.purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED)
        states.purchase_state_move(purchase=purchase, to=states.ORDER_REQUESTED)
    states.purchase_state_move(purchase=purchase, to=final)

    response = api_client.post(f"/api/purchases/{purchase.id}/retry",
                               **auth_header(user_id=user_id))

    _error(response, 409, "conflict")


def test_retry_of_someone_elses_purchase_is_404(api_client):
    purchase = PurchaseFactory()
    _error(api_client.post(f"/api/purchases/{purchase.id}/retry", **auth_header()), 404,
           "not_found")


def test_the_openapi_document_lists_the_routes(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/purchases", "/api/purchases/{purchase_id}",
            "/api/purchases/{purchase_id}/retry", "/api/vouchers",
            "/api/vouchers/{voucher_id}"} <= set(paths)
    declined = paths["/api/purchases"]["post"]["responses"]["402"]
    assert declined["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
