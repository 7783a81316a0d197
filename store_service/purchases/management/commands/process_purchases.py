"""`manage.py process_purchases`: the worker that resumes purchases waiting for a retry."""

from common.workers import WorkerCommand
from purchases.services import purchases_process_due


class Command(WorkerCommand):
    help = ("Claim due purchases (RECEIVED or ORDER_REQUESTED whose next attempt has come) and "
            "advance them; SIGTERM/SIGINT finish the current purchase, then exit.")
    interval_setting = "PURCHASE_WORKER_INTERVAL"
    batch_setting = "PURCHASE_WORKER_BATCH"
    item = "purchase"

    def work(self, *, limit, should_stop) -> int:
        return purchases_process_due(limit=limit, should_stop=should_stop)
