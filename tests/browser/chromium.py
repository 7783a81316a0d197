"""Headless Chromium and chromedriver from Debian's packages, driven by Selenium, offline."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DEBIAN_PACKAGES = ("chromium", "chromium-driver")

# Required on this machine (no network, no GPU, small /dev/shm, root without a sandbox).
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when Chromium and its driver exist."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if not missing:
        return None
    return (f"{' and '.join(missing)} missing: apt-get install {' '.join(DEBIAN_PACKAGES)} "
            "(CI installs them, so these tests never skip there)")


def start_chromium(*, user_data_dir: Path, log_path: Path) -> webdriver.Chrome:
    """Chromium with a fresh profile; explicit paths so selenium-manager downloads nothing."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    # Chrome's performance log records every request the page makes, failed ones included.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(log_path))
    return webdriver.Chrome(service=service, options=options)


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """URLs the browser asked for since the last call (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign_urls(urls: list[str], origin: str) -> list[str]:
    """The network URLs (http, https, ws, wss) that are not on `origin`."""
    return [url for url in urls
            if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
            and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != origin]
