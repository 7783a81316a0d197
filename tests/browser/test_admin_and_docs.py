"""A person's path through product_service in a real browser: the admin adds a product that
the API then lists, and Swagger UI renders from the service's own assets, styled and offline."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.chromium import foreign_urls, missing_reason, requested_urls
from tests.browser.running_service import ADMIN_EMAIL, ADMIN_PASSWORD, RunningService

pytestmark = pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")

WAIT_SECONDS = 20
TRANSPARENT = {"transparent", "rgba(0, 0, 0, 0)"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def wait_for(driver: webdriver.Chrome, css: str):
    return WebDriverWait(driver, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)),
        message=f"{css} did not appear on {driver.current_url} in {WAIT_SECONDS} s")


def assert_stylesheets_loaded(driver: webdriver.Chrome) -> None:
    """Every linked stylesheet arrived as CSS with rules (a 404 page gives a sheet with none)."""
    sheets = driver.execute_script(
        "const rules = s => { try { return s.cssRules.length; } catch (e) { return 0; } };"
        "return [...document.styleSheets].filter(s => s.href)"
        ".map(s => ({href: s.href, rules: rules(s)}));")
    assert sheets, "the page links no stylesheet"
    empty = [sheet["href"] for sheet in sheets if sheet["rules"] == 0]
    assert not empty, f"stylesheets without rules (not served?): {empty}"


def assert_admin_styled(driver: webdriver.Chrome) -> None:
    assert driver.execute_script("return document.styleSheets.length;") > 0
    assert_stylesheets_loaded(driver)
    header_background = driver.execute_script(
        "return getComputedStyle(document.querySelector('#header')).backgroundColor;")
    assert header_background not in TRANSPARENT, "the admin header is unstyled"


def assert_screenshot(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000, f"{path} is no real screenshot"


def test_admin_logs_in_and_adds_a_product_that_the_api_lists(
        product_service: RunningService, browser: webdriver.Chrome,
        screenshot: Callable[[str], Path]):
    # given the admin login page, styled by the admin's CSS served by WhiteNoise under gunicorn
    browser.get(f"{product_service.url}/admin/")
    wait_for(browser, "#id_username")
    assert "/admin/login/" in browser.current_url
    assert_admin_styled(browser)
    assert_screenshot(screenshot("01-admin-login"))

    # when the dev admin logs in and adds a product through the "Add product" form
    browser.find_element(By.ID, "id_username").send_keys(ADMIN_EMAIL)
    browser.find_element(By.ID, "id_password").send_keys(ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait_for(browser, "#user-tools")
    name = f"Browser lamp {uuid.uuid4().hex[:8]}"
    browser.get(f"{product_service.url}/admin/products/product/add/")
    wait_for(browser, "#product_form")
    browser.find_element(By.ID, "id_name").send_keys(name)
    browser.find_element(By.ID, "id_description").send_keys("Added through the admin by Chromium.")
    for field, value in (("id_price", "19.90"), ("id_stock", "7")):
        element = browser.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    browser.find_element(By.NAME, "_save").click()

    # then the changelist confirms it, still styled
    success = wait_for(browser, ".messagelist .success")
    assert name in success.text
    assert browser.current_url.endswith("/admin/products/product/")
    assert name in browser.find_element(By.ID, "result_list").text
    assert_admin_styled(browser)
    assert_screenshot(screenshot("02-admin-product-added"))

    # and the public API lists the product with its price and stock
    response = requests.get(f"{product_service.url}/api/products", params={"search": name},
                            timeout=10)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(p["name"], p["price"], p["stock"]) for p in results] == [(name, "19.90", 7)]


def test_swagger_ui_renders_the_operations_from_the_services_own_assets(
        product_service: RunningService, browser: webdriver.Chrome,
        screenshot: Callable[[str], Path]):
    # given the browser has made no request yet on this page
    requested_urls(browser)

    # when it opens the Swagger UI
    browser.get(f"{product_service.url}/api/docs/")
    wait_for(browser, ".opblock")

    # then the operations are rendered, product_service's own among them
    paths = [element.text for element in
             browser.find_elements(By.CSS_SELECTOR, ".opblock .opblock-summary-path")]
    assert "/api/products" in paths, paths
    assert_screenshot(screenshot("03-swagger-ui"))

    # and the page is styled by swagger-ui.css
    assert_stylesheets_loaded(browser)
    swagger_font = browser.execute_script(
        "return getComputedStyle(document.querySelector('.swagger-ui')).fontFamily;")
    default_font = browser.execute_script(
        "const frame = document.createElement('iframe'); document.body.appendChild(frame);"
        "const font = getComputedStyle(frame.contentDocument.documentElement).fontFamily;"
        "frame.remove(); return font;")
    assert swagger_font != default_font, f"Swagger UI uses the default font {default_font}"
    radius = browser.execute_script(
        "return getComputedStyle(document.querySelector('.opblock')).borderTopLeftRadius;")
    assert radius == "4px", f"the operation blocks are unstyled (border radius {radius})"

    # and every asset, the schema included, came from the service itself
    origin = product_service.url
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in resources)
    assert any(url.startswith(f"{origin}/api/schema/") for url in resources), resources
    assert [url for url in resources if not url.startswith(f"{origin}/")] == []
    assert foreign_urls(requested_urls(browser), origin) == []
