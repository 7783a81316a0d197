"""The catalog routes: list, search, batch fetch, read, create, update, delete."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from products.models import Product
from products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Desk Lamp", "description": "LED", "price": "24.95", "stock": 7}


def _aged(products):
    """Give the products distinct creation times, the first being the oldest."""
    start = timezone.now() - timedelta(days=1)
    for minutes, product in enumerate(products):
        Product.objects.filter(id=product.id).update(created_at=start + timedelta(minutes=minutes))
    return products


# ---- list ----------------------------------------------------------------------------------

def test_product_list_is_public_paginated_and_newest_first(api_client):
    old, new = _aged(ProductFactory.create_batch(2))

    response = api_client.get("/api/products")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 20, 0)
    assert [item["id"] for item in body["results"]] == [str(new.id), str(old.id)]
    assert set(body["results"][0]) == {"id", "name", "description", "price", "stock",
                                       "created_at", "updated_at"}
    assert body["results"][0]["price"] == "19.99"


def test_product_list_rejects_a_bad_token(api_client):
    response = api_client.get("/api/products", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_product_list_searches_names_case_insensitively(api_client):
    lamp = ProductFactory(name="Desk LAMP")
    ProductFactory(name="Chair")

    response = api_client.get("/api/products", {"search": "lamp"})

    assert [item["id"] for item in response.json()["results"]] == [str(lamp.id)]


def test_product_list_pages_with_limit_and_offset(api_client):
    _aged(ProductFactory.create_batch(3))

    body = api_client.get("/api/products", {"limit": 1, "offset": 1}).json()

    assert (body["count"], body["limit"], body["offset"], len(body["results"])) == (3, 1, 1, 1)


def test_product_list_past_the_end_still_counts_the_catalog(api_client):
    ProductFactory.create_batch(3)

    past = api_client.get("/api/products", {"offset": 5}).json()
    empty_page = api_client.get("/api/products", {"limit": 0}).json()

    assert (past["count"], past["results"]) == (3, [])
    assert (empty_page["count"], empty_page["results"]) == (3, [])


def test_product_list_of_an_empty_catalog(api_client):
    body = api_client.get("/api/products").json()

    assert (body["count"], body["results"]) == (0, [])


def test_product_list_counts_one_query_for_the_page_and_the_total(api_client):
    ProductFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get("/api/products", {"limit": 2}).json()

    assert (body["count"], len(body["results"])) == (3, 2)
    assert len(queries) == 1


@pytest.mark.parametrize("price", [Decimal("0.01"), Decimal("5.5"), Decimal("99999999.99")])
def test_product_output_is_what_the_documented_serializer_gives(price):
    """The hot reads render products directly; the JSON must stay the serializer's."""
    from products.apis import ProductOutputSerializer, product_data
    from products.selectors import product_row_get

    product = ProductFactory(price=price, description="ünïcode ✓")
    product.refresh_from_db()

    expected = ProductOutputSerializer(product).data
    assert product_data(product_row_get(product_id=product.id)) == expected
    assert product_data(vars(product)) == expected


@pytest.mark.parametrize("path", ["/api/products/{id}", "/api/products?limit=2&offset=1",
                                  "/api/products", "/api/products?search=product&limit=1",
                                  "/api/products?ids={id}"])
def test_product_reads_answer_the_same_with_and_without_drf(api_client, path):
    """Anonymous JSON GETs skip DRF (common.views.fast_json_read); `?format=json` forces the
    DRF view. Both must give the same answer."""
    products = _aged(ProductFactory.create_batch(3))
    path = path.format(id=products[0].id)

    fast = api_client.get(path)
    drf = api_client.get(path + ("&" if "?" in path else "?") + "format=json")

    assert fast.status_code == drf.status_code == 200
    assert fast.content == drf.content
    assert (fast["Content-Type"], fast["Allow"], fast["Vary"]) == (
        drf["Content-Type"], drf["Allow"], drf["Vary"])


def test_product_list_rejects_a_negative_limit(api_client):
    response = api_client.get("/api/products", {"limit": -1})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_product_list_fetches_many_ids_in_one_page(api_client):
    products = _aged(ProductFactory.create_batch(25))
    wanted = products[:22]

    response = api_client.get("/api/products", {"ids": ",".join(str(p.id) for p in wanted)})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 22
    assert body["limit"] == 22
    assert {item["id"] for item in body["results"]} == {str(p.id) for p in wanted}


def test_product_list_by_ids_leaves_out_unknown_ids(api_client):
    product = ProductFactory()

    response = api_client.get("/api/products", {"ids": f"{product.id},{uuid.uuid4()}"})

    assert [item["id"] for item in response.json()["results"]] == [str(product.id)]


def test_product_list_rejects_a_malformed_id(api_client):
    response = api_client.get("/api/products", {"ids": f"{uuid.uuid4()},not-a-uuid"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "ids" in response.json()["error"]["details"]


def test_product_list_rejects_more_than_100_ids(api_client):
    ids = ",".join(str(uuid.uuid4()) for _ in range(101))

    response = api_client.get("/api/products", {"ids": ids})

    assert response.status_code == 400
    assert "ids" in response.json()["error"]["details"]


@pytest.mark.parametrize("params", [{}, {"search": "Product"}])
def test_product_list_query_count_does_not_grow_with_the_page(api_client, params):
    ProductFactory()
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/products", params)
    ProductFactory.create_batch(49)
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get("/api/products", {**params, "limit": 100})

    assert len(response.json()["results"]) == 50
    assert len(one) == len(fifty) == 1  # the page with its total (COUNT(*) OVER ())


def test_product_list_by_ids_query_count_does_not_grow_with_the_ids(api_client):
    one_product = ProductFactory()
    many = ProductFactory.create_batch(100)
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/products", {"ids": str(one_product.id)})
    with CaptureQueriesContext(connection) as hundred:
        response = api_client.get("/api/products", {"ids": ",".join(str(p.id) for p in many)})

    assert len(response.json()["results"]) == 100
    assert len(one) == len(hundred) <= 2


# ---- read ----------------------------------------------------------------------------------

def test_product_get_is_public(api_client):
    product = ProductFactory(price=Decimal("5.50"), stock=3)

    response = api_client.get(f"/api/products/{product.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(product.id)
    assert (response.json()["price"], response.json()["stock"]) == ("5.50", 3)


def test_product_get_unknown_is_404(api_client):
    response = api_client.get(f"/api/products/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_product_get_malformed_id_is_404(api_client):
    response = api_client.get("/api/products/not-a-uuid")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ---- create --------------------------------------------------------------------------------

def test_product_create_by_admin(api_client, admin_headers):
    response = api_client.post("/api/products", VALID, format="json", **admin_headers)

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["price"], body["stock"]) == ("Desk Lamp", "24.95", 7)
    assert Product.objects.filter(id=body["id"]).exists()


def test_product_create_without_description(api_client, admin_headers):
    data = {key: value for key, value in VALID.items() if key != "description"}

    response = api_client.post("/api/products", data, format="json", **admin_headers)

    assert response.status_code == 201
    assert response.json()["description"] == ""


def test_product_create_needs_a_token(api_client):
    response = api_client.post("/api/products", VALID, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["USER", "SERVICE"])
def test_product_create_is_for_admins_only(api_client, role):
    from common.testing import auth_header

    response = api_client.post("/api/products", VALID, format="json", **auth_header(role=role))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Product.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("price", "0"),
    ("price", "-1.00"),
    ("price", "1.999"),
    ("price", "100000000.00"),
    ("price", "abc"),
    ("stock", -1),
    ("stock", 1.5),
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 201),
])
def test_product_create_rejects_invalid_fields(api_client, admin_headers, field, value):
    response = api_client.post("/api/products", {**VALID, field: value}, format="json",
                               **admin_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert field in response.json()["error"]["details"]
    assert not Product.objects.exists()


def test_product_create_says_price_must_be_greater_than_zero(api_client, admin_headers):
    response = api_client.post("/api/products", {**VALID, "price": "0"}, format="json",
                               **admin_headers)

    assert response.json()["error"]["details"]["price"] == ["Ensure this value is greater than 0."]


def test_product_create_accepts_the_largest_price(api_client, admin_headers):
    response = api_client.post("/api/products", {**VALID, "price": "99999999.99"}, format="json",
                               **admin_headers)

    assert response.status_code == 201
    assert response.json()["price"] == "99999999.99"


def test_product_create_requires_every_field(api_client, admin_headers):
    response = api_client.post("/api/products", {}, format="json", **admin_headers)

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"name", "price", "stock"}


@pytest.mark.parametrize(("field", "value"), [("price", Decimal("0")), ("stock", -1)])
def test_product_database_rejects_what_the_rules_forbid(field, value):
    product = ProductFactory()
    setattr(product, field, value)

    with pytest.raises(IntegrityError), transaction.atomic():
        product.save()


# ---- update --------------------------------------------------------------------------------

def test_product_put_replaces_the_fields(api_client, admin_headers):
    product = ProductFactory()

    response = api_client.put(f"/api/products/{product.id}", VALID, format="json",
                              **admin_headers)

    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.name, product.price, product.stock) == ("Desk Lamp", Decimal("24.95"), 7)


def test_product_put_needs_every_field(api_client, admin_headers):
    product = ProductFactory()

    response = api_client.put(f"/api/products/{product.id}", {"name": "New"}, format="json",
                              **admin_headers)

    assert response.status_code == 400
    assert {"price", "stock"} <= set(response.json()["error"]["details"])


def test_product_patch_changes_only_what_is_sent(api_client, admin_headers):
    product = ProductFactory(name="Old", description="keep me")

    response = api_client.patch(f"/api/products/{product.id}", {"stock": 0}, format="json",
                                **admin_headers)

    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.name, product.description, product.stock) == ("Old", "keep me", 0)


def test_product_patch_validates(api_client, admin_headers):
    product = ProductFactory()

    response = api_client.patch(f"/api/products/{product.id}", {"price": "0.001"}, format="json",
                                **admin_headers)

    assert response.status_code == 400
    assert "price" in response.json()["error"]["details"]


def test_product_update_is_for_admins_only(api_client, user_headers):
    product = ProductFactory(name="Old")

    response = api_client.patch(f"/api/products/{product.id}", {"name": "New"}, format="json",
                                **user_headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    product.refresh_from_db()
    assert product.name == "Old"


def test_product_update_unknown_is_404(api_client, admin_headers):
    response = api_client.put(f"/api/products/{uuid.uuid4()}", VALID, format="json",
                              **admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# ---- delete --------------------------------------------------------------------------------

def test_product_delete_by_admin(api_client, admin_headers):
    product = ProductFactory()

    response = api_client.delete(f"/api/products/{product.id}", **admin_headers)

    assert response.status_code == 204
    assert api_client.get(f"/api/products/{product.id}").status_code == 404


def test_product_delete_is_for_admins_only(api_client, user_headers):
    product = ProductFactory()

    response = api_client.delete(f"/api/products/{product.id}", **user_headers)

    assert response.status_code == 403
    assert Product.objects.filter(id=product.id).exists()


def test_product_delete_needs_a_token(api_client):
    product = ProductFactory()

    response = api_client.delete(f"/api/products/{product.id}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_product_delete_unknown_is_404(api_client, admin_headers):
    response = api_client.delete(f"/api/products/{uuid.uuid4()}", **admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_product_list_rejects_a_null_character_in_search(api_client):
    response = api_client.get("/api/products", {"search": "lamp\x00"})

    # Refused before the database sees it: by the service's own request limits, or the view.
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert set(response.json()["error"]["details"]) & {"search", "query"}


def test_product_list_searches_within_a_batch_of_ids(api_client):
    # "Desk lamp" matches the search but is not among the ids.
    lamp, _, chair = _aged([ProductFactory(name="Lamp"), ProductFactory(name="Desk lamp"),
                            ProductFactory(name="Chair")])

    response = api_client.get("/api/products", {"search": "lamp",
                                                "ids": f"{lamp.id},{chair.id}"})

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [str(lamp.id)]
    assert response.json()["count"] == 1


def test_product_list_search_past_the_end_still_counts_the_matches(api_client):
    ProductFactory.create_batch(3, name="Lamp")

    response = api_client.get("/api/products", {"search": "lamp", "offset": 5})

    assert response.json()["count"] == 3
    assert response.json()["results"] == []
