"""Settings of store_service: common's base settings plus purchases, vouchers and their knobs."""

from pathlib import Path

from common.settings import env, service_settings

globals().update(service_settings(
    name="store_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["vouchers", "purchases"],
))

# Shared circuit-breaker state between worker processes; unset = in-process memory.
REDIS_URL = env.str("REDIS_URL", default="")
BREAKER_FAIL_MAX = env.int("BREAKER_FAIL_MAX", default=5)
BREAKER_RESET_TIMEOUT = env.float("BREAKER_RESET_TIMEOUT", default=30.0)
PURCHASE_MAX_ATTEMPTS = env.int("PURCHASE_MAX_ATTEMPTS", default=8)
PURCHASE_RETRY_BASE_SECONDS = env.float("PURCHASE_RETRY_BASE_SECONDS", default=2.0)
PURCHASE_RETRY_MAX_SECONDS = env.float("PURCHASE_RETRY_MAX_SECONDS", default=300.0)
PURCHASE_CLAIM_SECONDS = env.float("PURCHASE_CLAIM_SECONDS", default=120.0)
PURCHASE_WORKER_INTERVAL = env.float("PURCHASE_WORKER_INTERVAL", default=0.5)
PURCHASE_WORKER_BATCH = env.int("PURCHASE_WORKER_BATCH", default=10)
# How long the local copy of a region's provider info (`GET /api/info/<state>`) is used.
PROVIDER_INFO_SECONDS = env.float("PROVIDER_INFO_SECONDS", default=300.0)
