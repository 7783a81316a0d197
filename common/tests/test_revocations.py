"""`shop.user.sessions_revoked`: older access tokens of that user are refused everywhere."""

import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from common.auth.models import AccessRevocation
from common.auth.revocations import forget_revocations, handle_sessions_revoked
from common.testing import auth_header

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget_revocations()
    yield
    forget_revocations()


def _event(user_id, *, not_before=None, **extra):
    not_before = not_before or timezone.now()
    return {"id": str(uuid.uuid4()), "type": "shop.user.sessions_revoked",
            "subject": str(user_id),
            "data": {"user_id": str(user_id), "reason": "password_changed",
                     "not_before": not_before.isoformat().replace("+00:00", "Z"), **extra}}


def test_a_token_issued_before_the_revocation_is_refused_and_a_newer_one_is_not(client):
    user_id = uuid.uuid4()
    before = auth_header(user_id=user_id)
    time.sleep(0.01)
    handle_sessions_revoked(_event(user_id))
    time.sleep(0.01)
    after = auth_header(user_id=user_id)
    refused = client.get("/api/whoami", **before)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert client.get("/api/whoami", **after).status_code == 200
    assert client.get("/api/whoami", **auth_header()).status_code == 200


def test_a_session_revocation_ends_only_that_session(client):
    user_id, ended, other = uuid.uuid4(), str(uuid.uuid4()), str(uuid.uuid4())
    ended_token = auth_header(user_id=user_id, sid=ended)
    other_token = auth_header(user_id=user_id, sid=other)
    time.sleep(0.01)
    handle_sessions_revoked(_event(user_id, session_id=ended))
    assert client.get("/api/whoami", **ended_token).status_code == 401
    assert client.get("/api/whoami", **other_token).status_code == 200


def test_the_handler_is_idempotent_and_keeps_rows_only_while_tokens_can_live(settings):
    user_id, event = uuid.uuid4(), _event(uuid.uuid4())
    handle_sessions_revoked(event)
    handle_sessions_revoked(event)
    assert AccessRevocation.objects.count() == 1
    row = AccessRevocation.objects.get()
    lifetime = settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=settings.JWT_LEEWAY_SECONDS)
    assert row.expires_at - row.not_before == lifetime
    handle_sessions_revoked(_event(user_id, not_before=timezone.now() - lifetime * 2))
    handle_sessions_revoked(_event(uuid.uuid4()))
    assert AccessRevocation.objects.filter(user_id=user_id).count() == 0


def test_other_processes_see_a_revocation_within_the_cache_time(client, settings):
    settings.REVOCATION_CACHE_SECONDS = 0.3
    user_id = uuid.uuid4()
    token = auth_header(user_id=user_id)
    assert client.get("/api/whoami", **token).status_code == 200  # cache loaded, empty
    AccessRevocation.objects.create(  # written by another process: no local cache reset
        user_id=user_id, not_before=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=20))
    time.sleep(0.35)
    assert client.get("/api/whoami", **token).status_code == 401


def test_service_tokens_are_not_touched_by_user_revocations(client):
    handle_sessions_revoked(_event(uuid.uuid4()))
    assert client.get("/api/service-only", **auth_header(role="SERVICE")).status_code == 200
