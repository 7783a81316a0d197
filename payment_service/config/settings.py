"""Settings of payment_service: common's base settings plus the payments app and its provider."""

from pathlib import Path

from common.settings import env, service_settings

globals().update(service_settings(
    name="payment_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["payments"],
))

# The simulated card provider: how long each of its calls takes, and the share of calls that
# fail transiently (0.0 to 1.0), so tests and chaos runs can make it slow or flaky.
PAYMENT_PROVIDER_LATENCY_MS = env.int("PAYMENT_PROVIDER_LATENCY_MS", default=0)
PAYMENT_PROVIDER_FAILURE_RATE = env.float("PAYMENT_PROVIDER_FAILURE_RATE", default=0.0)
