"""Settings of store_service: common's base settings plus purchases, vouchers and their knobs."""

from pathlib import Path

import environ

from common.settings import service_settings

globals().update(service_settings(
    name="store_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["vouchers", "purchases"],
))

_env = environ.Env()  # read after service_settings, which loads `.env` into the environment
# Shared circuit-breaker state between worker processes; unset = in-process memory.
REDIS_URL = _env.str("REDIS_URL", default="")
BREAKER_FAIL_MAX = _env.int("BREAKER_FAIL_MAX", default=5)
BREAKER_RESET_TIMEOUT = _env.float("BREAKER_RESET_TIMEOUT", default=30.0)
PURCHASE_MAX_ATTEMPTS = _env.int("PURCHASE_MAX_ATTEMPTS", default=8)
PURCHASE_RETRY_BASE_SECONDS = _env.float("PURCHASE_RETRY_BASE_SECONDS", default=2.0)
PURCHASE_RETRY_MAX_SECONDS = _env.float("PURCHASE_RETRY_MAX_SECONDS", default=300.0)
PURCHASE_CLAIM_SECONDS = _env.float("PURCHASE_CLAIM_SECONDS", default=120.0)
PURCHASE_WORKER_INTERVAL = _env.float("PURCHASE_WORKER_INTERVAL", default=0.5)
PURCHASE_WORKER_BATCH = _env.int("PURCHASE_WORKER_BATCH", default=10)
# How long the local copy of a region's provider info (`GET /api/info/<state>`) is used.
PROVIDER_INFO_SECONDS = _env.float("PROVIDER_INFO_SECONDS", default=300.0)
