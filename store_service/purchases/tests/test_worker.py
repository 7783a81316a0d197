"""The worker: claims with SKIP LOCKED, shared breaker state, clean stop on SIGTERM."""

import os
import signal
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pybreaker
import pytest
import redis
from django.db import connection
from django.utils import timezone

from common.errors import UpstreamUnavailable
from common.testing.workers import stop_worker_with
from purchases.breakers import breakers_reset, partner_breaker
from purchases.models import Purchase
from purchases.services import purchases_claim_due, purchases_process_due
from purchases.tests.factories import PurchaseFactory

SERVICE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.django_db
def test_a_claim_takes_due_purchases_and_hides_them_from_the_next_claim():
    past = timezone.now() - timedelta(seconds=5)
    due = [PurchaseFactory(next_attempt_at=past) for _ in range(3)]
    PurchaseFactory(next_attempt_at=timezone.now() + timedelta(minutes=5))  # not due
    PurchaseFactory(next_attempt_at=None)  # nothing scheduled

    first = purchases_claim_due(limit=2)
    second = purchases_claim_due(limit=10)
    third = purchases_claim_due(limit=10)

    assert len(first) == 2 and len(second) == 1 and third == []
    assert {p.id for p in first + second} == {p.id for p in due}
    assert all(p.next_attempt_at > timezone.now() for p in first + second)


@pytest.mark.django_db
def test_a_stop_request_finishes_the_current_purchase_and_hands_the_rest_back(partners):
    past = timezone.now() - timedelta(seconds=5)
    purchases = [PurchaseFactory(order_id=partners.add_order(user_id=uuid.uuid4())["id"],
                                 next_attempt_at=past) for _ in range(3)]

    def stop_after_the_first_purchase():
        return len(partners.supplier_posts) >= 1

    processed = purchases_process_due(limit=3, should_stop=stop_after_the_first_purchase)

    assert processed == 1
    states = sorted(Purchase.objects.filter(pk__in=[p.pk for p in purchases])
                    .values_list("state", flat=True))
    assert states == ["RECEIVED", "RECEIVED", "RESERVE_DELIVERED"]
    waiting = Purchase.objects.filter(state="RECEIVED")
    assert all(p.next_attempt_at <= timezone.now() for p in waiting)  # due again at once
    assert len(purchases_claim_due(limit=10)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: SKIP LOCKED between concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_workers_process_each_due_purchase_exactly_once(partners):
    partners.supplier_latency = 0.02
    past = timezone.now() - timedelta(seconds=5)
    purchases = [PurchaseFactory(order_id=partners.add_order(user_id=uuid.uuid4())["id"],
                                 next_attempt_at=past) for _ in range(10)]
    barrier = threading.Barrier(2)
    processed = []

    def worker():
        try:
            barrier.wait()
            processed.append(purchases_process_due(limit=2))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(processed) == 10
    assert all(count > 0 for count in processed), processed  # both workers took some
    for purchase in purchases:
        assert partners.supplier_post_count(purchase.id) == 1
        purchase.refresh_from_db()
        assert purchase.state == "RESERVE_DELIVERED"
        assert purchase.history.count() == 4
        assert partners.ops_for(purchase.id) == ["authorize", "capture"]


@pytest.mark.skipif(not _redis_reachable(), reason=f"no Redis server at {REDIS_URL}")
def test_breaker_state_is_shared_through_redis_between_processes(settings):
    settings.REDIS_URL = REDIS_URL
    settings.SERVICE_NAME = f"test-{uuid.uuid4()}"
    settings.BREAKER_FAIL_MAX = 2
    client = redis.Redis.from_url(REDIS_URL)
    try:
        breaker = partner_breaker("supplier_service")
        assert isinstance(breaker._state_storage, pybreaker.CircuitRedisStorage)

        def down():
            raise UpstreamUnavailable("down", service="supplier_service")

        for _ in range(2):
            with pytest.raises((UpstreamUnavailable, pybreaker.CircuitBreakerError)):
                breaker.call(down)
        breakers_reset()  # what another worker process would build from the same settings

        other = partner_breaker("supplier_service")

        assert other is not breaker
        assert other.current_state == "open"
        with pytest.raises(pybreaker.CircuitBreakerError):
            other.call(lambda: "never called")
    finally:
        for key in client.scan_iter(f"*{settings.SERVICE_NAME}*"):
            client.delete(key)


def test_breaker_falls_back_to_memory_when_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    breaker = partner_breaker("carrier_service")

    assert isinstance(breaker._state_storage, pybreaker.CircuitMemoryStorage)
    assert breaker.call(lambda: "ok") == "ok"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_cleanly_on_a_signal(tmp_path, stop_signal):
    worker = stop_worker_with(stop_signal, service_dir=SERVICE_DIR, sqlite_dir=tmp_path,
                              command=["process_purchases", "--interval", "30"],
                              started="worker started")

    assert worker.returncode == 0, worker.stderr
    assert "worker stopped" in worker.stdout
