"""Background workers: one loop of passes that stops cleanly on SIGTERM/SIGINT."""

from common.workers.loop import WorkerCommand, run_passes, stop_on_signals

__all__ = ["WorkerCommand", "run_passes", "stop_on_signals"]
