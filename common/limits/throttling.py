"""Throttle keys: the client address (X-Forwarded-For believed only from TRUSTED_PROXIES),
and a bounded, normalized key (a hash) whatever the client sends."""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


@lru_cache(maxsize=4)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies
                 if proxy.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """REMOTE_ADDR, unless it is a trusted proxy: then the nearest X-Forwarded-For hop that
    is not one (a client can prepend anything to that header, never append)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage before a trusted hop: stop at what the proxy saw
            return remote
        if not _trusted(address, networks):
            return str(address)
    return remote


def throttle_key(scope: str, *parts: str) -> str:
    """A cache key of fixed length: the parts are normalized (stripped, lower-cased, cut at
    1 KiB) and hashed, so a client cannot choose the size or shape of what is stored."""
    normalized = "|".join(str(part).strip().lower()[:1024] for part in parts)
    digest = hashlib.sha256(normalized.encode("utf-8", "surrogatepass")).hexdigest()
    return f"throttle_{scope}_{digest}"


class ClientRateThrottle(SimpleRateThrottle):
    """A rate per client address (and whatever `key_parts` adds), with a hashed key."""

    def get_ident(self, request) -> str:
        return client_address(request)

    def key_parts(self, request, view) -> list[str]:
        return []

    def get_cache_key(self, request, view):
        return throttle_key(self.scope, self.get_ident(request), *self.key_parts(request, view))
