"""Settings of payment_service: common's base settings plus the payments app and its provider."""

from pathlib import Path

import environ

from common.settings import service_settings

globals().update(service_settings(
    name="payment_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["payments"],
))

_env = environ.Env()  # read after service_settings, which loads `.env` into the environment
# The simulated card provider: how long each of its calls takes, and the share of calls that
# fail transiently (0.0 to 1.0), so tests and chaos runs can make it slow or flaky.
PAYMENT_PROVIDER_LATENCY_MS = _env.int("PAYMENT_PROVIDER_LATENCY_MS", default=0)
PAYMENT_PROVIDER_FAILURE_RATE = _env.float("PAYMENT_PROVIDER_FAILURE_RATE", default=0.0)
