"""Liveness and readiness per the contract."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_names_the_service_and_version(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "common_tests", "version": "0.1.0"}


@pytest.mark.parametrize("path", ["/readyz", "/health"])
def test_readiness_is_healthy_when_the_database_answers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "checks": {"database": "ok"}}


@pytest.mark.parametrize("path", ["/readyz", "/health"])
def test_readiness_is_503_when_the_database_cannot_be_reached(client, path, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get(path)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"].startswith("unavailable")


def test_liveness_does_not_touch_the_database(client, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    assert client.get("/healthz").status_code == 200


def test_static_assets_of_swagger_ui_are_served(client):
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    assert response.status_code == 200
