"""Domain figures for Prometheus: orders by status, read at scrape time."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from orders.models import Order
from orders.status import OrderStatus


def collect_orders_by_status():
    counts = dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())
    family = GaugeMetricFamily("shop_orders", "Orders by status.", labels=["status"])
    for status in OrderStatus.values:
        family.add_metric([status], counts.get(status, 0))
    yield family
