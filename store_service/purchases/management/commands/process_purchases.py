"""`manage.py process_purchases`: the worker that resumes purchases waiting for a retry."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from purchases.services import purchases_process_due


class Command(BaseCommand):
    help = ("Claim due purchases (RECEIVED or ORDER_REQUESTED whose next attempt has come) and "
            "advance them; SIGTERM/SIGINT finish the current purchase, then exit.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run a single pass and exit.")
        parser.add_argument("--interval", type=float, default=None,
                            help="Seconds to wait between passes (default: "
                                 "PURCHASE_WORKER_INTERVAL, 2).")
        parser.add_argument("--batch", type=int, default=None,
                            help="Purchases claimed at a time (default: PURCHASE_WORKER_BATCH).")

    def handle(self, *args, once=False, interval=None, batch=None, **options):
        interval = settings.PURCHASE_WORKER_INTERVAL if interval is None else interval
        batch = batch or settings.PURCHASE_WORKER_BATCH
        stop = threading.Event()
        restore = self._install_signal_handlers(stop)
        self.stdout.write(f"worker started (batch {batch}, interval {interval} s)")
        try:
            while not stop.is_set():
                if not connection.in_atomic_block:  # drop a stale connection between passes
                    close_old_connections()
                processed = purchases_process_due(limit=batch, should_stop=stop.is_set)
                if processed:
                    self.stdout.write(f"processed {processed} purchase(s)")
                if once:
                    break
                stop.wait(interval)  # a signal wakes this up at once
        finally:
            restore()
        self.stdout.write("worker stopped")

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
