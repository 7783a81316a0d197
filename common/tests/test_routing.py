"""Every path works with and without a trailing slash, for every method, with no redirect."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/healthz/", "/readyz/", "/health/",
                                  "/plain/ok", "/plain/ok/", "/api/schema", "/api/docs"])
def test_get_works_both_ways_without_redirect(client, path):
    response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/echo", "/api/echo/"])
def test_post_works_both_ways(client, path):
    response = client.post(path, {"price": "2.00"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"price": "2.00"}


def test_admin_login_page_is_served_styled(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"/static/admin/css/base.css" in response.content


def test_swagger_ui_assets_are_served_locally(client):
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def test_the_schema_is_openapi_3_with_bearer_auth(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "/api/echo" in schema["paths"]
    assert not any(p.startswith("/admin") for p in schema["paths"])


def test_every_operation_documents_the_error_envelope_as_its_default(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "ErrorEnvelope" in schema["components"]["schemas"]
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations
    for operation in operations:
        default = operation["responses"]["default"]["content"]["application/json"]["schema"]
        assert default == {"$ref": "#/components/schemas/ErrorEnvelope"}
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
