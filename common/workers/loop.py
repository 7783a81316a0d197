"""The loop every periodic worker runs, and the management command that wraps it.

A worker repeats a *pass* (claim at most `batch` items, handle them one at a time) and waits
`interval` seconds between passes. SIGTERM or SIGINT sets a stop flag: the pass in hand
finishes the item it is on (a pass asks `should_stop()` between items), the wait ends at once,
and the command returns, so the process exits 0. `--once` runs one pass and returns.
"""

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """Set `stop` on SIGTERM/SIGINT while inside; the previous handlers come back on exit.

    Signal handlers can only be installed from the main thread; elsewhere (a test calling the
    command from a thread) nothing is installed and `stop` is left to the caller.
    """
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def request_stop(signum, frame):
        logger.info("worker: signal %s, stopping after the item in hand", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_passes(*, work: Callable[..., int], stop: threading.Event, batch: int,
               interval: float, once: bool = False,
               report: Callable[[int], None] | None = None) -> int:
    """Call `work(limit=batch, should_stop=stop.is_set)` until `stop` is set (or once).

    `work` returns how many items it handled; `report` is told each non-zero count. Returns
    the number of passes run. A stale database connection is dropped between passes.
    """
    passes = 0
    while not stop.is_set():
        if not connection.in_atomic_block:
            close_old_connections()
        handled = work(limit=batch, should_stop=stop.is_set)
        passes += 1
        if handled:
            logger.info("worker: pass handled %d item(s)", handled)
            if report:
                report(handled)
        if once:
            break
        stop.wait(interval)  # a signal wakes this up at once
    return passes


class WorkerCommand(BaseCommand):
    """A management command that runs `work` in passes until signalled (`--once`: one pass).

    A subclass names its work, its settings and its messages:
    `interval_setting` (seconds between passes, read from settings when `--interval` is not
    given), `batch_setting` or `default_batch` (items per pass), `started`/`handled`/`stopped`
    (what the command writes to stdout: its first line says the signal handlers are in place).
    """

    interval_setting: str = ""
    batch_setting: str | None = None
    default_batch: int = 100
    item: str = "item"
    started: str = "worker started (batch {batch}, interval {interval:g} s)"
    handled: str = "processed {count} {item}(s)"
    stopped: str = "worker stopped"

    def work(self, *, limit: int, should_stop: Callable[[], bool]) -> int:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run a single pass and exit.")
        parser.add_argument("--interval", type=float, default=None,
                            help=f"Seconds to wait between passes (default: "
                                 f"{self.interval_setting}).")
        parser.add_argument("--batch", type=int, default=None,
                            help=f"Items handled at most per pass (default: "
                                 f"{self.batch_setting or self.default_batch}).")

    def started_message(self, *, batch: int, interval: float) -> str:
        return self.started.format(batch=batch, interval=interval)

    def default_batch_size(self) -> int:
        if self.batch_setting:
            return getattr(settings, self.batch_setting)
        return self.default_batch

    def handle(self, *args, once=False, interval=None, batch=None, **options):
        interval = getattr(settings, self.interval_setting) if interval is None else interval
        batch = batch or self.default_batch_size()
        stop = threading.Event()
        with stop_on_signals(stop):
            self.stdout.write(self.started_message(batch=batch, interval=interval))
            run_passes(work=self.work, stop=stop, batch=batch, interval=interval, once=once,
                       report=lambda count: self.stdout.write(
                           self.handled.format(count=count, item=self.item)))
        self.stdout.write(self.stopped)
