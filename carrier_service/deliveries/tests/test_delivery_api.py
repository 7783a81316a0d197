"""POST /api/delivery and GET /api/delivery/<tracking_code>."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.addresses import BRAZILIAN_STATES
from deliveries.models import Delivery
from deliveries.tests.factories import DeliveryFactory, address

pytestmark = pytest.mark.django_db

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _body(reference="purchase-1:delivery", origin=None, destination=None, items=None):
    return {
        "reference": reference,
        "origin": {"address": origin or address(state="SP")},
        "destination": {"address": destination or address(
            street="Rua da Bahia", city="Belo Horizonte", state="MG", zip_code="30160-011")},
        "items": items if items is not None else [
            {"product_id": str(uuid.uuid4()), "quantity": 2}],
    }


def _post(client, body):
    return client.post("/api/delivery", body, format="json")


def test_delivery_create_answers_201_scheduled_with_cost_and_date(store_client):
    response = _post(store_client, _body())

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"TRK[A-Z0-9]{10}", body["tracking_code"])
    assert body["reference"] == "purchase-1:delivery"
    assert body["status"] == "SCHEDULED"
    assert body["cost"] == "22.00"  # SP -> MG, same region: 18.00 + 2 x 2.00
    assert body["estimated_delivery_date"] == str(timezone.localdate() + timedelta(days=4))
    assert body["items_count"] == 2
    assert body["destination"]["address"]["city"] == "Belo Horizonte"
    assert Delivery.objects.get(tracking_code=body["tracking_code"]).cost == 22


def test_delivery_create_accepts_bare_addresses_and_normalises_them(store_client):
    body = _body()
    body["origin"] = address(state="sp", zip_code="01310100", country="brasil")
    body["destination"] = {"street": "Rua X", "number": 12, "city": "Manaus", "state": "AM",
                           "zip_code": "69005-040"}

    response = _post(store_client, body)

    assert response.status_code == 201
    origin = response.json()["origin"]["address"]
    destination = response.json()["destination"]["address"]
    assert (origin["state"], origin["zip_code"], origin["country"]) == ("SP", "01310-100", "BR")
    assert destination == {"street": "Rua X", "number": "12", "complement": "", "district": "",
                           "city": "Manaus", "state": "AM", "zip_code": "69005-040",
                           "country": "BR"}
    assert response.json()["cost"] == "46.00"  # Southeast -> North, distant: 40.00 + 2 x 3.00


def test_delivery_create_treats_null_optional_address_fields_as_absent(store_client):
    destination = address(complement=None, district=None, country=None)

    response = _post(store_client, _body(destination=destination))

    assert response.status_code == 201
    stored = response.json()["destination"]["address"]
    assert (stored["complement"], stored["district"], stored["country"]) == ("", "", "BR")


def test_delivery_create_merges_the_same_product_listed_twice(store_client):
    product_id = str(uuid.uuid4())
    line = {"product_id": product_id, "quantity": 3}

    response = _post(store_client, _body(items=[line, line]))

    assert response.json()["items"] == [{"product_id": product_id, "quantity": 6}]
    assert response.json()["items_count"] == 6


def test_delivery_create_with_the_same_reference_returns_the_first_delivery(store_client):
    first = _post(store_client, _body(reference="dup"))

    again = _post(store_client, _body(reference="dup"))

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"street": ""}, "street"),
    ({"street": None}, "street"),
    ({"city": "   "}, "city"),
    ({"number": ""}, "number"),
    ({"state": "XX"}, "state"),
    ({"state": "SAO"}, "state"),
    ({"state": ""}, "state"),
    ({"zip_code": "1234"}, "zip_code"),
    ({"zip_code": "01310-10"}, "zip_code"),
    ({"zip_code": "0131O-100"}, "zip_code"),
    ({"zip_code": "01310--100"}, "zip_code"),
    ({"country": "US"}, "country"),
])
def test_delivery_create_with_an_unusable_address_is_400_naming_the_field(
        store_client, changes, field):
    response = _post(store_client, _body(destination=address(**changes)))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]["destination"]["address"]
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize("missing", ["street", "number", "city", "state", "zip_code"])
def test_delivery_create_with_a_required_address_field_missing_is_400(store_client, missing):
    origin = address()
    del origin[missing]

    response = _post(store_client, _body(origin=origin))

    assert response.status_code == 400
    assert missing in response.json()["error"]["details"]["origin"]["address"]


@pytest.mark.parametrize(("body", "field"), [
    ({"origin": {"address": address()}, "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "reference"),
    ({"reference": "r", "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "origin"),
    ({"reference": "r", "origin": "Rua A", "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "origin"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": None},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "destination"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()},
      "items": []}, "items"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()}},
     "items"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()},
      "items": [{"product_id": "x", "quantity": 1}]}, "items"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]}, "items"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1001}]}, "items"),
    ({"reference": "r", "origin": {"address": address()}, "destination": {"address": address()},
      "items": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)]}, "items"),
])
def test_delivery_create_invalid_input_is_400_validation_error(store_client, body, field):
    response = _post(store_client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert field in response.json()["error"]["details"]
    assert Delivery.objects.count() == 0


@FAST
@given(state=st.sampled_from(sorted(BRAZILIAN_STATES)), upper=st.booleans(),
       digits=st.text(alphabet="0123456789", min_size=8, max_size=8), hyphen=st.booleans())
def test_delivery_create_accepts_every_state_and_well_formed_cep(
        store_client, state, upper, digits, hyphen):
    zip_code = f"{digits[:5]}-{digits[5:]}" if hyphen else digits

    response = _post(store_client, _body(
        reference=str(uuid.uuid4()),
        destination=address(state=state if upper else state.lower(), zip_code=zip_code)))

    assert response.status_code == 201
    destination = response.json()["destination"]["address"]
    assert destination["state"] == state
    assert destination["zip_code"] == f"{digits[:5]}-{digits[5:]}"


@FAST
@given(state=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
       .filter(lambda code: code not in BRAZILIAN_STATES))
def test_delivery_create_rejects_any_other_two_letter_state(store_client, state):
    response = _post(store_client, _body(reference=str(uuid.uuid4()),
                                           destination=address(state=state)))

    assert response.status_code == 400
    assert "state" in response.json()["error"]["details"]["destination"]["address"]


@FAST
# NUL and lone surrogates are refused earlier, by the JSON parser (400 parse_error).
@given(zip_code=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                        max_size=12).filter(
    lambda text: re.fullmatch(r"\s*\d{5}-?\d{3}\s*", text) is None))
def test_delivery_create_rejects_any_malformed_cep(store_client, zip_code):
    response = _post(store_client, _body(reference=str(uuid.uuid4()),
                                           destination=address(zip_code=zip_code)))

    assert response.status_code == 400
    assert "zip_code" in response.json()["error"]["details"]["destination"]["address"]


def test_delivery_get_answers_the_delivery_in_any_case_and_with_a_slash(store_client):
    created = _post(store_client, _body()).json()

    response = store_client.get(f"/api/delivery/{created['tracking_code'].lower()}/")

    assert response.status_code == 200
    assert response.json() == created


def test_delivery_get_answers_a_stored_delivery(store_client):
    delivery = DeliveryFactory(tracking_code="TRKABCDE12345")

    response = store_client.get("/api/delivery/TRKABCDE12345")

    assert response.status_code == 200
    assert response.json()["reference"] == delivery.reference
    assert response.json()["cost"] == "13.50"


def test_delivery_get_unknown_is_404_not_found(store_client):
    response = store_client.get("/api/delivery/TRKNOPE000000")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
