"""The gateway template renders the same locally (Python) and in Compose (envsubst)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from launcher.gateway import (
    TEMPLATE,
    TEMPLATE_VARIABLES,
    find_nginx,
    gateway_values,
    nginx_command,
    render_template,
    write_gateway_config,
)
from tests.e2e.markers import requires_nginx

COMPOSE_VALUES = {
    "USER_SERVICE_UPSTREAM": "user_service:3001",
    "PRODUCT_SERVICE_UPSTREAM": "product_service:3002",
    "ORDER_SERVICE_UPSTREAM": "order_service:3003",
    "STORE_SERVICE_UPSTREAM": "store_service:3004",
    "PAYMENT_SERVICE_UPSTREAM": "payment_service:3007",
    "NOTIFICATION_SERVICE_UPSTREAM": "notification_service:3008",
    "GATEWAY_PORT": "8080",
    "GATEWAY_RATE_LIMIT": "100r/m",
    "GATEWAY_RATE_BURST": "50",
    "GATEWAY_CORS_ORIGIN_REGEX": r"^https?://(localhost|127\.0\.0\.1)(:[0-9]+)?$",
}


def test_template_uses_only_the_documented_variables_with_braces():
    text = TEMPLATE.read_text()
    braced = set(re.findall(r"\$\{(\w+)\}", text))
    bare_uppercase = set(re.findall(r"\$([A-Z][A-Z0-9_]*)", text))

    assert braced == set(TEMPLATE_VARIABLES)
    assert bare_uppercase == set(), "envsubst would replace these: write nginx variables lowercase"


def test_render_substitutes_the_variables_and_keeps_nginx_variables():
    rendered = render_template(TEMPLATE.read_text(), COMPOSE_VALUES)

    assert "${" not in rendered
    assert "server user_service:3001;" in rendered
    assert "rate=100r/m;" in rendered
    assert "burst=50 nodelay;" in rendered
    assert "listen 8080;" in rendered
    assert "$request_id" in rendered
    assert "$http_x_request_id" in rendered


def test_render_refuses_an_unknown_variable():
    with pytest.raises(ValueError, match="NOT_A_GATEWAY_VARIABLE"):
        render_template("listen ${NOT_A_GATEWAY_VARIABLE};", COMPOSE_VALUES)


def test_local_values_point_at_the_contract_ports_and_take_gateway_settings_from_env():
    values = gateway_values({"GATEWAY_RATE_LIMIT": "30r/m", "USER_SERVICE_UPSTREAM": "elsewhere:1"})

    assert values["USER_SERVICE_UPSTREAM"] == "127.0.0.1:3001"
    assert values["STORE_SERVICE_UPSTREAM"] == "127.0.0.1:3004"
    assert values["GATEWAY_RATE_LIMIT"] == "30r/m"
    assert values["GATEWAY_RATE_BURST"] == "50"
    assert values["GATEWAY_PORT"] == "8080"


def test_every_public_service_has_an_upstream_and_a_route():
    rendered = render_template(TEMPLATE.read_text(), COMPOSE_VALUES)
    values = gateway_values({})

    assert values["PAYMENT_SERVICE_UPSTREAM"] == "127.0.0.1:3007"
    assert values["NOTIFICATION_SERVICE_UPSTREAM"] == "127.0.0.1:3008"
    for service in ("user_service", "product_service", "order_service", "store_service",
                    "payment_service", "notification_service"):
        assert f"proxy_pass http://{service};" in rendered, service
    assert "location = /.well-known/jwks.json {\n        proxy_pass http://user_service;" in (
        rendered)


def test_every_error_page_is_an_internal_uri_answering_the_envelope():
    rendered = render_template(TEMPLATE.read_text(), COMPOSE_VALUES)
    pages = dict(re.findall(r"error_page (\d+) = (\S+);", rendered))

    assert set(pages) >= {"400", "404", "405", "413", "414", "429", "494", "500", "501", "502",
                          "503", "504", "505"}
    for code, uri in pages.items():
        assert uri == f"/__gateway_error/{code}", code  # a named location fails for 400/414
        body = re.search(rf"location = {uri} {{\n        internal;\n        return (\d+) '(.*)';",
                         rendered)
        assert body, code
        assert '"error":{"status":' + body.group(1) in body.group(2), code
        assert '"request_id":"$gateway_request_id"' in body.group(2), code


def test_a_port_offset_moves_the_upstreams_and_the_gateway_port():
    values = gateway_values({}, port_offset=100)

    assert values["USER_SERVICE_UPSTREAM"] == "127.0.0.1:3101"
    assert values["ORDER_SERVICE_UPSTREAM"] == "127.0.0.1:3103"
    assert values["GATEWAY_PORT"] == "8180"


@pytest.mark.skipif(shutil.which("envsubst") is None, reason="envsubst (gettext-base) is absent")
def test_envsubst_as_in_the_nginx_image_renders_the_same_text():
    # The official image's 20-envsubst-on-templates.sh passes every defined variable name.
    env = {**os.environ, **COMPOSE_VALUES}
    names = " ".join(f"${{{name}}}" for name in env)

    result = subprocess.run(["envsubst", names], input=TEMPLATE.read_text(), env=env,
                            capture_output=True, text=True, check=True)

    assert result.stdout == render_template(TEMPLATE.read_text(), COMPOSE_VALUES)


@requires_nginx
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    config = write_gateway_config(gateway_values({}), tmp_path)

    result = subprocess.run([*nginx_command(find_nginx(), tmp_path, config), "-t"],
                            capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
