"""`manage.py expire_orders`: cancel pending orders nobody bought within ORDER_PENDING_MINUTES."""

from django.conf import settings

from common.workers import WorkerCommand
from orders.services import orders_expire_pending


class Command(WorkerCommand):
    help = ("Cancel pending orders older than ORDER_PENDING_MINUTES that no purchase holds, "
            "giving their stock back; SIGTERM/SIGINT finish the current order, then exit.")
    interval_setting = "ORDER_EXPIRY_INTERVAL"
    default_batch = 100
    item = "order"
    handled = "expired {count} {item}(s)"
    stopped = "order expiry stopped"

    def started_message(self, *, batch, interval) -> str:
        return (f"order expiry started (after {settings.ORDER_PENDING_MINUTES:g} min, "
                f"every {interval:g} s)")

    def work(self, *, limit, should_stop) -> int:
        return orders_expire_pending(limit=limit, should_stop=should_stop)
