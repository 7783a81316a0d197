"""`manage.py expire_orders`: cancel pending orders nobody bought within ORDER_PENDING_MINUTES."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from orders.services import orders_expire_pending


class Command(BaseCommand):
    help = ("Cancel pending orders older than ORDER_PENDING_MINUTES that no purchase holds, "
            "giving their stock back; SIGTERM/SIGINT finish the current order, then exit.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run a single pass and exit.")
        parser.add_argument("--interval", type=float, default=None,
                            help="Seconds to wait between passes (default: "
                                 "ORDER_EXPIRY_INTERVAL, 30).")
        parser.add_argument("--batch", type=int, default=100,
                            help="Orders expired at most per pass (default 100).")

    def handle(self, *args, once=False, interval=None, batch=100, **options):
        interval = settings.ORDER_EXPIRY_INTERVAL if interval is None else interval
        stop = threading.Event()
        restore = self._install_signal_handlers(stop)
        self.stdout.write(f"order expiry started (after {settings.ORDER_PENDING_MINUTES:g} min, "
                          f"every {interval:g} s)")
        try:
            while not stop.is_set():
                if not connection.in_atomic_block:  # drop a stale connection between passes
                    close_old_connections()
                expired = orders_expire_pending(limit=batch, should_stop=stop.is_set)
                if expired:
                    self.stdout.write(f"expired {expired} order(s)")
                if once:
                    break
                stop.wait(interval)  # a signal wakes this up at once
        finally:
            restore()
        self.stdout.write("order expiry stopped")

    def _install_signal_handlers(self, stop: threading.Event):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def request_stop(signum, frame):
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM,
                                                                      signal.SIGINT)}

        def restore():
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return restore
