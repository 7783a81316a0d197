"""Writes on sessions: sign-in, refresh with reuse detection, sign-out, ending every session.

Ending sessions publishes `shop.user.sessions_revoked` in the same transaction, so every
service refuses the access tokens issued before it; user_service checks its own sessions on
each request and needs no event for itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.events import publish
from users.models import RefreshToken, Session, User
from users.tokens import access_token_for, new_refresh_token, refresh_token_hash


@dataclass(frozen=True)
class IssuedTokens:
    access: str
    refresh: str


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def sessions_revoked_publish(*, user_id, reason: str, session_id=None, not_before=None) -> None:
    data = {"user_id": str(user_id), "not_before": _iso(not_before or timezone.now()),
            "reason": reason}
    if session_id is not None:
        data["session_id"] = str(session_id)
    publish(type="shop.user.sessions_revoked", subject=str(user_id), data=data)


def _issue(session: Session) -> IssuedTokens:
    raw, digest = new_refresh_token()
    RefreshToken.objects.create(session=session, token_hash=digest)
    return IssuedTokens(access=access_token_for(user=session.user, session=session), refresh=raw)


def session_start(*, user: User) -> IssuedTokens:
    """A new session for a user who just proved their password."""
    with transaction.atomic():
        session = Session.objects.create(
            user=user, expires_at=timezone.now() + settings.REFRESH_TOKEN_LIFETIME)
        return _issue(session)


def _end(session: Session, *, reason: str) -> None:
    now = timezone.now()
    Session.objects.filter(id=session.id, ended_at__isnull=True).update(
        ended_at=now, end_reason=reason)
    sessions_revoked_publish(user_id=session.user_id, reason=reason, session_id=session.id,
                             not_before=now)


def session_refresh(*, raw_refresh: str) -> IssuedTokens | None:
    """Exchange a refresh token for a new pair, or None when it is refused.

    A token already used is a replay: the whole session ends (and stays ended even though
    the caller gets a 401), whoever holds its newer tokens.
    """
    with transaction.atomic():
        token = (RefreshToken.objects.select_for_update()
                 .select_related("session__user")
                 .filter(token_hash=refresh_token_hash(raw_refresh)).first())
        if token is None:
            return None
        session = token.session
        if (session.ended_at is not None or session.expires_at <= timezone.now()
                or not session.user.is_active):
            return None
        if token.used_at is not None:
            _end(session, reason="refresh_reused")
            return None
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
        return _issue(session)


def session_end(*, raw_refresh: str) -> bool:
    """Sign out the session of a refresh token (used or not); False for an unknown token."""
    with transaction.atomic():
        token = (RefreshToken.objects.select_for_update().select_related("session")
                 .filter(token_hash=refresh_token_hash(raw_refresh)).first())
        if token is None:
            return False
        if token.session.ended_at is None:
            _end(token.session, reason="logout")
        return True


def sessions_end_all(*, user: User, reason: str) -> None:
    """End every session of a user and revoke all their access tokens issued until now.
    Call it inside the transaction of the change that requires it."""
    now = timezone.now()
    Session.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now,
                                                                   end_reason=reason)
    sessions_revoked_publish(user_id=user.id, reason=reason, not_before=now)

