"""Domain figures for Prometheus, read at scrape time: purchases by state, worker lag and the
partners' circuit breakers."""

import pybreaker
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from purchases import states
from purchases.breakers import PARTNERS, partner_breaker
from purchases.models import Purchase


def collect_purchases():
    counts = dict(Purchase.objects.values_list("state").annotate(n=Count("id")).order_by())
    by_state = GaugeMetricFamily("shop_purchases", "Purchases by state.", labels=["state"])
    for state, _ in states.CHOICES:
        by_state.add_metric([state], counts.get(state, 0))
    yield by_state

    now = timezone.now()
    oldest_due = Purchase.objects.filter(state__in=states.OPEN, next_attempt_at__lte=now
                                         ).aggregate(at=Min("next_attempt_at"))["at"]
    lag = GaugeMetricFamily("shop_purchase_oldest_waiting_seconds",
                            "How long the oldest due purchase has waited for the worker.")
    lag.add_metric([], (now - oldest_due).total_seconds() if oldest_due else 0.0)
    yield lag


def collect_breakers():
    family = GaugeMetricFamily("shop_circuit_breaker_open",
                               "1 while the breaker guarding calls to a partner is open.",
                               labels=["partner"])
    for partner in PARTNERS:
        family.add_metric([partner], float(
            partner_breaker(partner).current_state == pybreaker.STATE_OPEN))
    yield family
