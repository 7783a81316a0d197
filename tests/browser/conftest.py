"""Fixtures: product_service under gunicorn, a headless Chromium, and step screenshots."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from tests.browser.chromium import start_chromium
from tests.browser.running_service import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    RunningService,
    service_env,
)

SCREENSHOTS_VARIABLE = "BROWSER_SCREENSHOTS_DIR"


@pytest.fixture(scope="module")
def product_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    """product_service migrated, with its dev admin, served by gunicorn; stopped afterwards."""
    directory = tmp_path_factory.mktemp("product-service")
    env = service_env(sqlite_dir=directory, admin_email=ADMIN_EMAIL,
                      admin_password=ADMIN_PASSWORD)
    service = RunningService(service="product_service", env=env,
                             log_path=directory / "gunicorn.log")
    service.prepare()
    try:
        service.start()
        yield service
    finally:
        service.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """A headless Chromium on a fresh profile; quit (with chromedriver) afterwards."""
    directory = tmp_path_factory.mktemp("chromium")
    driver = start_chromium(user_data_dir=directory / "profile",
                            log_path=directory / "chromedriver.log")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def screenshot(browser: webdriver.Chrome, screenshots_dir: Path) -> Callable[[str], Path]:
    """Save the current page as <name>.png in pytest's tmp dir, and copy it to
    $BROWSER_SCREENSHOTS_DIR when that is set (to look at the pages; never committed)."""

    def take(name: str) -> Path:
        path = screenshots_dir / f"{name}.png"
        assert browser.save_screenshot(str(path)), f"screenshot {name} failed"
        keep = os.environ.get(SCREENSHOTS_VARIABLE, "").strip()
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return path

    return take
