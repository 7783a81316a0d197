"""Build a service's settings from a deployment's environment, as its container would."""

from __future__ import annotations

import os
from pathlib import Path

from common.settings import base as settings_base

REPO_ROOT = Path(__file__).resolve().parents[2]
ImproperlyConfiguredExit = settings_base.ImproperlyConfiguredExit


def production_settings(monkeypatch, environment: dict[str, str], service: str) -> dict:
    """The settings `service` builds from exactly `environment` (no .env file, no leftovers)."""
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "DATABASE_", "JWT_", "POSTGRES_")):
            monkeypatch.delenv(name)
    for name, value in {**environment, "DJANGO_ENV_FILE": ""}.items():
        monkeypatch.setenv(name, value)
    return settings_base.service_settings(name=service, base_dir=REPO_ROOT / service, apps=[])
