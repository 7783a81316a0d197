"""`shop.user.sessions_revoked` in every service: a deny-list row per event, read by
authentication through a short per-process cache (gunicorn workers share no memory, so each
reads the table at most every `REVOCATION_CACHE_SECONDS`)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

_cache: dict[str, object] = {"loaded_at": None, "by_user": {}}
_lock = threading.Lock()


def revocation_record(*, user_id, not_before: datetime, session_id=None,
                      reason: str = "") -> None:
    """Store one revocation (idempotent) and drop the rows no token can need any more."""
    from common.auth.models import AccessRevocation

    now = timezone.now()
    lifetime = settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=settings.JWT_LEEWAY_SECONDS)
    AccessRevocation.objects.filter(expires_at__lte=now).delete()
    AccessRevocation.objects.get_or_create(
        user_id=uuid.UUID(str(user_id)), session_id=uuid.UUID(str(session_id)) if session_id
        else None, not_before=not_before,
        defaults={"expires_at": not_before + lifetime, "reason": reason[:40]})
    forget_revocations()


def handle_sessions_revoked(event: dict) -> None:
    """Event handler for `shop.user.sessions_revoked` (see EVENT_HANDLERS)."""
    data = event["data"]
    not_before = parse_datetime(data["not_before"])
    if not_before is None:
        raise ValueError(f"not_before is not a date-time: {data['not_before']!r}")
    revocation_record(user_id=data["user_id"], not_before=not_before,
                      session_id=data.get("session_id"), reason=data.get("reason", ""))


def forget_revocations() -> None:
    with _lock:
        _cache["loaded_at"] = None


def _by_user() -> dict[str, list[tuple[str | None, float]]]:
    from common.auth.models import AccessRevocation

    now = time.monotonic()
    loaded_at = _cache["loaded_at"]
    if loaded_at is not None and now - loaded_at < settings.REVOCATION_CACHE_SECONDS:
        return _cache["by_user"]
    by_user: dict[str, list[tuple[str | None, float]]] = {}
    rows = AccessRevocation.objects.filter(expires_at__gt=timezone.now()).values_list(
        "user_id", "session_id", "not_before")
    for user_id, session_id, not_before in rows:
        by_user.setdefault(str(user_id), []).append(
            (str(session_id) if session_id else None, not_before.timestamp()))
    with _lock:
        _cache.update(loaded_at=now, by_user=by_user)
    return by_user


def token_revoked(claims: dict) -> bool:
    """True when a revocation covers this token: same user (and session, if the revocation
    names one) and issued before the revocation's `not_before`."""
    revocations = _by_user().get(str(claims.get("user_id")))
    if not revocations:
        return False
    issued_at = float(claims.get("iat", 0))
    session = claims.get("sid")
    return any(issued_at < not_before and (revoked_session is None or revoked_session == session)
               for revoked_session, not_before in revocations)
