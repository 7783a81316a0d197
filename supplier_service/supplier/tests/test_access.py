"""Every /api route of supplier_service accepts SERVICE tokens from store_service only."""

import pytest

ROUTES = [
    ("get", "/api/info/SP"),
    ("post", "/api/order"),
    ("get", "/api/order/SUP-AAAAAAAA"),
    ("post", "/api/order/SUP-AAAAAAAA/cancel"),
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_routes_without_a_token_are_401_not_authenticated(anonymous_client, method, path):
    response = getattr(anonymous_client, method)(path, {}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("role_client", ["user_client", "admin_client", "other_service_client"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_routes_refuse_user_admin_and_other_service_tokens_with_403(request, role_client, method,
                                                                    path):
    client = request.getfixturevalue(role_client)

    response = getattr(client, method)(path, {}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_routes_refuse_a_badly_signed_token_with_401(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = anonymous_client.get("/api/info/SP")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_openapi_schema_documents_the_partner_routes(anonymous_client):
    response = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/info/{state}", "/api/order", "/api/order/{order_number}",
            "/api/order/{order_number}/cancel"} <= set(paths)
