"""Event figures: counters kept by the event worker, the outbox's lag computed at scrape time."""

from __future__ import annotations

from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

EVENTS_PUBLISHED = Counter(
    "events_published", "Outbox events relayed to the broker, by type.", ["service", "type"])
EVENTS_CONSUMED = Counter(
    "events_consumed", "Events this service's consumer handled (or skipped as duplicates).",
    ["service", "type", "outcome"])
EVENTS_FAILED = Counter(
    "events_failed", "Handler failures (each try), by type.", ["service", "type"])
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered", "Events moved to the dead-letter table, by type.", ["service", "type"])
EVENT_LATENCY = Histogram(
    "event_end_to_end_seconds", "From the event's time (its commit) to its handler's commit.",
    ["service", "type"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))


def collect_outbox() -> list[GaugeMetricFamily]:
    """Outbox lag (age of the oldest unsent row), unsent rows and dead letters awaiting replay."""
    from django.conf import settings

    from common.events.models import DeadLetter, OutboxEvent

    service = settings.SERVICE_NAME
    try:
        oldest = (OutboxEvent.objects.filter(sent_at__isnull=True).order_by("id")
                  .values_list("created_at", flat=True).first())
        unsent = OutboxEvent.objects.filter(sent_at__isnull=True).count()
        dead = DeadLetter.objects.filter(replayed_at__isnull=True).count()
    except (DatabaseError, RuntimeError):  # no database yet (or none allowed, in tests)
        return []
    lag = GaugeMetricFamily("events_outbox_lag_seconds",
                            "Age of the oldest outbox event not yet relayed (0 when none).",
                            labels=["service"])
    lag.add_metric([service], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    pending = GaugeMetricFamily("events_outbox_unsent", "Outbox events not yet relayed.",
                                labels=["service"])
    pending.add_metric([service], unsent)
    letters = GaugeMetricFamily("events_dead_letters", "Dead letters not replayed yet.",
                                labels=["service"])
    letters.add_metric([service], dead)
    return [lag, pending, letters]
