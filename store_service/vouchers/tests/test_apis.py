"""The vouchers API: ADMIN CRUD, one kind of discount, codes unique regardless of case."""

import uuid

import pytest
from django.core.management import call_command

from common.testing import auth_header
from vouchers.models import Voucher
from vouchers.tests.factories import VoucherFactory

pytestmark = pytest.mark.django_db

ADMIN = auth_header(role="ADMIN")


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_an_admin_creates_a_percent_voucher(api_client):
    response = api_client.post("/api/vouchers", {"code": "Summer20", "percent_off": 20,
                                                 "max_uses": 5}, format="json", **ADMIN)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "Summer20"
    assert body["percent_off"] == 20 and body["amount_off"] is None
    assert body["max_uses"] == 5 and body["uses"] == 0 and body["valid_until"] is None


def test_an_admin_creates_an_amount_voucher(api_client):
    response = api_client.post("/api/vouchers", {"code": "TEN", "amount_off": "10.00",
                                                 "valid_until": "2030-01-01T00:00:00Z"},
                               format="json", **ADMIN)

    assert response.status_code == 201
    assert response.json()["amount_off"] == "10.00"
    assert response.json()["valid_until"] == "2030-01-01T00:00:00Z"


def test_codes_are_unique_regardless_of_case(api_client):
    VoucherFactory(code="SUMMER")

    response = api_client.post("/api/vouchers", {"code": "summer", "percent_off": 5},
                               format="json", **ADMIN)

    assert "code" in _error(response, 400, "validation_error")["details"]
    assert Voucher.objects.count() == 1


@pytest.mark.parametrize("body", [
    {"code": "BOTH", "percent_off": 10, "amount_off": "1.00"},
    {"code": "NONE"},
    {"code": "ZERO", "percent_off": 0},
    {"code": "MORE", "percent_off": 101},
    {"code": "FREE", "amount_off": "0.00"},
    {"code": "BAD CODE", "percent_off": 10},
    {"code": "CENTS", "amount_off": "1.001"},
])
def test_invalid_vouchers_are_400(api_client, body):
    _error(api_client.post("/api/vouchers", body, format="json", **ADMIN), 400,
           "validation_error")
    assert Voucher.objects.count() == 0


def test_only_admins_manage_vouchers(api_client):
    voucher = VoucherFactory()

    _error(api_client.get("/api/vouchers", **auth_header()), 403, "permission_denied")
    _error(api_client.post("/api/vouchers", {"code": "X", "percent_off": 1}, format="json",
                           **auth_header()), 403, "permission_denied")
    _error(api_client.delete(f"/api/vouchers/{voucher.id}", **auth_header(role="SERVICE")), 403,
           "permission_denied")
    _error(api_client.get("/api/vouchers"), 401, "not_authenticated")


def test_list_is_paginated_newest_first(api_client):
    first = VoucherFactory()
    second = VoucherFactory()

    body = api_client.get("/api/vouchers?limit=1", **ADMIN).json()

    assert body["count"] == 2 and body["limit"] == 1
    assert [v["id"] for v in body["results"]] == [str(second.id)]
    assert first.id != second.id


def test_get_patch_put_delete_one_voucher(api_client):
    voucher = VoucherFactory(code="EDIT", percent_off=10)
    url = f"/api/vouchers/{voucher.id}"

    assert api_client.get(url, **ADMIN).json()["code"] == "EDIT"
    patched = api_client.patch(url, {"max_uses": 3}, format="json", **ADMIN)
    assert patched.status_code == 200 and patched.json()["max_uses"] == 3
    assert patched.json()["percent_off"] == 10
    switched = api_client.patch(url, {"percent_off": None, "amount_off": "2.50"}, format="json",
                                **ADMIN)
    assert switched.json()["amount_off"] == "2.50" and switched.json()["percent_off"] is None
    replaced = api_client.put(url, {"code": "edit2", "percent_off": 15}, format="json", **ADMIN)
    assert replaced.status_code == 200
    assert replaced.json() | {"updated_at": None} == replaced.json() | {
        "code": "edit2", "percent_off": 15, "amount_off": None, "max_uses": None,
        "updated_at": None}
    assert api_client.delete(url, **ADMIN).status_code == 204
    _error(api_client.get(url, **ADMIN), 404, "not_found")


def test_patch_that_leaves_two_kinds_of_discount_is_400(api_client):
    voucher = VoucherFactory(percent_off=10)

    response = api_client.patch(f"/api/vouchers/{voucher.id}", {"amount_off": "1.00"},
                                format="json", **ADMIN)

    _error(response, 400, "validation_error")
    voucher.refresh_from_db()
    assert voucher.amount_off is None


def test_renaming_onto_another_code_in_any_case_is_400(api_client):
    VoucherFactory(code="TAKEN")
    voucher = VoucherFactory(code="FREE1")

    response = api_client.patch(f"/api/vouchers/{voucher.id}", {"code": "taken"}, format="json",
                                **ADMIN)

    assert "code" in _error(response, 400, "validation_error")["details"]


def test_unknown_and_malformed_voucher_ids_are_404(api_client):
    _error(api_client.get(f"/api/vouchers/{uuid.uuid4()}", **ADMIN), 404, "not_found")
    _error(api_client.patch("/api/vouchers/nope", {}, format="json", **ADMIN), 404, "not_found")


def test_seed_demo_creates_the_demo_vouchers_once():
    call_command("seed_demo")
    call_command("seed_demo")

    vouchers = {v.code: v for v in Voucher.objects.all()}
    assert set(vouchers) == {"WELCOME10", "FIVEOFF"}
    assert vouchers["WELCOME10"].percent_off == 10
    assert str(vouchers["FIVEOFF"].amount_off) == "5.00"
