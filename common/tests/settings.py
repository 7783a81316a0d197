"""Minimal settings for common's own suite (and platform suites that need Django loaded)."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="common_tests",
    base_dir=Path(__file__).resolve().parent,
    apps=[],
    extra={"ROOT_URLCONF": "common.tests.urls"},
))
