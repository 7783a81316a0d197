"""`manage.py run_events`: this service's outbox relay and event consumer (docs/events.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from prometheus_client import start_http_server

from common.events.consuming import handled_types
from common.events.worker import EventWorker
from common.workers import stop_on_signals


class Command(BaseCommand):
    help = ("Relay this service's outbox to NATS JetStream and, when EVENT_HANDLERS names "
            "handlers, consume its durable consumer. Runs until SIGTERM/SIGINT.")

    def add_arguments(self, parser):
        parser.add_argument("--no-relay", action="store_true", help="consume only")
        parser.add_argument("--no-consume", action="store_true", help="relay only")
        parser.add_argument("--metrics-port", type=int, default=0,
                            help="serve this process's Prometheus figures on that port "
                                 "(0: none; under the launcher they join the service's /metrics)")

    def handle(self, *args, **options):
        worker = EventWorker(relay=not options["no_relay"], consume=not options["no_consume"])
        if options["metrics_port"]:
            start_http_server(options["metrics_port"])
        consuming = ", ".join(handled_types()) if worker.consume else "nothing"
        self.stdout.write(f"{settings.SERVICE_NAME} events: relay "
                          f"{'on' if worker.relay else 'off'}, consuming {consuming}, "
                          f"broker {worker.url}")
        with stop_on_signals(worker.stop):
            worker.run()
