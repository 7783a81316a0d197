"""The local copy of supplier_service's provider info, per region.

`GET /api/info/<state>` changes rarely (a provider and its warehouse address), and every
purchase to a region asks it the same question. The answer is kept in the cache (process
memory, or Redis when `REDIS_URL` is set) for `PROVIDER_INFO_SECONDS`; a copy is at most that
old. A refusal (a region no provider serves) is not kept: the next purchase asks again.
"""

from django.conf import settings
from django.core.cache import cache

from purchases import partners


def _key(state: str) -> str:
    return f"store:provider-info:{state.upper()}"


def provider_info(*, state: str) -> dict:
    """The provider serving region `state`: the local copy, or supplier_service's answer."""
    info = cache.get(_key(state))
    if info is None:
        info = partners.supplier_info_get(state=state)
        if settings.PROVIDER_INFO_SECONDS > 0:
            cache.set(_key(state), info, timeout=settings.PROVIDER_INFO_SECONDS)
    return info
