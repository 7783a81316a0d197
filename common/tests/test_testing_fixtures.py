"""common.testing: the shared clients and fixtures carry the tokens they say they carry."""

import requests

from common.auth.tokens import service_principal_id
from common.testing import read_token
from common.testing.fixtures import (  # noqa: F401  (fixtures)
    FAST_PASSWORD_HASHERS,
    admin_headers,
    client_for,
    fast_password_hashers,
    http_stubs,
    service_headers,
)


def _bearer(client) -> str:
    return client._credentials["HTTP_AUTHORIZATION"].removeprefix("Bearer ")


def test_client_for_a_role_carries_that_role():
    claims = read_token(_bearer(client_for("ADMIN")))

    assert claims["role"] == "ADMIN"


def test_client_for_a_service_is_signed_by_that_service_for_this_one(settings):
    claims = read_token(_bearer(client_for("SERVICE", service="store_service")))

    assert claims["role"] == "SERVICE"
    assert claims["user_id"] == str(service_principal_id("store_service"))
    assert claims["aud"] == settings.SERVICE_NAME


def test_client_for_no_role_has_no_credentials():
    assert client_for()._credentials == {}


def test_header_fixtures_are_bearer_tokens_of_their_role(admin_headers, service_headers):  # noqa: F811
    assert read_token(admin_headers["HTTP_AUTHORIZATION"][7:])["role"] == "ADMIN"
    assert read_token(service_headers["HTTP_AUTHORIZATION"][7:])["role"] == "SERVICE"


def test_fast_password_hashers_switch_to_md5(fast_password_hashers):  # noqa: F811
    assert fast_password_hashers.PASSWORD_HASHERS == FAST_PASSWORD_HASHERS


def test_http_stubs_answer_what_is_stubbed(http_stubs):  # noqa: F811
    http_stubs.get("http://partner.invalid/ping", json={"ok": True})

    assert requests.get("http://partner.invalid/ping", timeout=1).json() == {"ok": True}
