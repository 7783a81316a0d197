"""fast_json_read: anonymous JSON GETs skip DRF; everything else is the DRF view's."""

import pytest

from common.testing import auth_header

pytestmark = pytest.mark.django_db

GREETING = "/api/greetings/ana"


def test_an_anonymous_json_get_takes_the_fast_path(client):
    response = client.get(GREETING, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"hello": "ana", "via": "fast"}


def test_the_fast_answer_has_the_drf_answers_headers(client):
    fast = client.get(GREETING)
    drf = client.get(GREETING, {"format": "json"})

    assert drf.json()["via"] == "drf"
    for header in ("Content-Type", "Allow", "Vary"):
        assert fast[header] == drf[header], header
    assert fast["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert fast.content == drf.content.replace(b'"drf"', b'"fast"')


def test_a_request_with_a_token_is_the_drf_views(client):
    ok = client.get(GREETING, **auth_header(role="USER"))
    bad = client.get(GREETING, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert ok.json()["via"] == "drf"
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "authentication_failed"


def test_a_browser_gets_the_browsable_api(client):
    response = client.get(GREETING, HTTP_ACCEPT="text/html,application/xhtml+xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_type_drf_cannot_render_is_still_refused(client):
    assert client.get(GREETING, HTTP_ACCEPT="application/xml").status_code == 406


@pytest.mark.parametrize("accept", ["application/json; indent=4", "application/json, text/plain"])
def test_any_other_accept_header_is_negotiated_by_drf(client, accept):
    response = client.get(GREETING, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response.json()["via"] == "drf"


@pytest.mark.parametrize("accept", ["", "*/*", "application/json"])
def test_plain_json_accept_headers_take_the_fast_path(client, accept):
    assert client.get(GREETING, HTTP_ACCEPT=accept).json()["via"] == "fast"


def test_what_the_read_declines_is_answered_by_the_drf_view(client):
    response = client.get("/api/greetings/nobody")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_other_methods_are_the_drf_views(client):
    response = client.post(GREETING)

    assert response.status_code == 201
    assert response.json() == {"posted": "ana"}


def test_the_fast_path_is_counted_under_its_route(client):
    def count() -> float:
        lines = client.get("/metrics").content.decode().splitlines()
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines
                   if line.startswith("http_requests_total{")
                   and 'route="/api/greetings/<str:name>"' in line and 'status="200"' in line)

    before = count()
    client.get(GREETING)

    assert count() == before + 1
