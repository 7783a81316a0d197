"""Event latency and relay throughput, on PostgreSQL with a broker of its own.

    .venv/bin/python bench/events.py [--slow-seconds 20] [--fast-seconds 10] [--relay-events 5000]

Uses notification_service as both ends: this process publishes `shop.user.registered` events
into its outbox (each in its own transaction, as a request would), its `manage.py run_events`
relays them to NATS JetStream and consumes them back, and the handler writes the welcome
notification. Latency = the event's time (set by `publish`, just before the commit) to the
notification row's `created_at` (inside the handler's transaction), at a steady 1 event/s and
200 events/s. Relay throughput = rows published per second by a relay-only worker draining an
outbox filled beforehand. Also the cost `publish` adds to a transaction (one INSERT).
Writes bench/results/events.md and prints the figures; stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICE = "notification_service"
sys.path[:0] = [str(ROOT), str(ROOT / SERVICE)]
POSTGRES = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PREFIX = f"bench_events_{uuid.uuid4().hex[:6]}_"

from common.auth.keys import throwaway_keys_dir  # noqa: E402
from common.db import database_create, database_drop  # noqa: E402
from common.services import SERVICE_PORTS  # noqa: E402
from launcher.broker import LocalBroker  # noqa: E402
from launcher.processes import start_group, stop_group  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def publish_at(rate: float | None, count: int) -> list[str]:
    """Publish `count` events at `rate` per second (None: at once), each in its own
    transaction."""
    from django.db import transaction

    from common.events import publish

    ids, interval = [], 1.0 / rate if rate else 0.0
    start = time.monotonic()
    for n in range(count):
        pause = start + n * interval - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        user_id = str(uuid.uuid4())
        with transaction.atomic():
            envelope = publish(type="shop.user.registered", subject=user_id, data={
                "user_id": user_id, "email": f"b{n}@example.com", "name": "Bench",
                "role": "USER"})
        ids.append(envelope["id"])
    return ids


def latencies(ids: list[str], *, timeout: float) -> tuple[list[float], list[float]]:
    """Seconds from each event's time to its notification, and to its relay (sent_at),
    waiting until every notification is there."""
    from notifications.models import Notification

    from common.events.models import OutboxEvent

    deadline = time.monotonic() + timeout
    while Notification.objects.filter(event_id__in=ids).count() < len(ids):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {Notification.objects.filter(event_id__in=ids).count()} of "
                             f"{len(ids)} events handled after {timeout} s")
        time.sleep(0.2)
    made = dict(Notification.objects.filter(event_id__in=ids).values_list("event_id",
                                                                          "created_at"))
    rows = {row.event_id: row for row in OutboxEvent.objects.filter(event_id__in=ids)}
    published = {event_id: datetime.fromisoformat(row.envelope["time"].replace("Z", "+00:00"))
                 for event_id, row in rows.items()}
    relayed = [(rows[event_id].sent_at - published[event_id]).total_seconds() for event_id in made]
    return ([(made[event_id] - published[event_id]).total_seconds() for event_id in made],
            relayed)


def publish_cost(samples: int = 500) -> tuple[float, float, float]:
    """Mean ms of an INSERT-only transaction: without a publish in it, with one (production:
    no schema check), with one checked against its schema (development, tests)."""
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import transaction

    from common.events import publish

    def run(with_event: bool) -> float:
        start = time.perf_counter()
        for n in range(samples):
            with transaction.atomic():
                group = Group.objects.create(name=f"cost-{uuid.uuid4().hex}")
                if with_event:
                    publish(type="shop.user.registered", subject=str(group.pk), data={
                        "user_id": str(uuid.uuid4()), "email": f"c{n}@example.com",
                        "name": "Cost", "role": "USER"})
        return (time.perf_counter() - start) / samples * 1000

    from common.events.models import OutboxEvent

    run(True)  # warm up (schemas compiled, connection open)
    settings.EVENT_VALIDATE = False
    without, unchecked = run(False), run(True)
    settings.EVENT_VALIDATE = True
    figures = without, unchecked, run(True)
    OutboxEvent.objects.all().delete()  # never relayed: they would queue before the real runs
    return figures


def relay_throughput(env: dict[str, str], count: int) -> float:
    from django.db.models import Max, Min

    from common.events.models import OutboxEvent

    ids = publish_at(rate=None, count=count)  # as fast as possible: fill the outbox
    worker = start_group([sys.executable, "manage.py", "run_events", "--no-consume"],
                         cwd=ROOT / SERVICE, env=env)
    try:
        deadline = time.monotonic() + 300
        while OutboxEvent.objects.filter(sent_at__isnull=True).exists():
            if time.monotonic() > deadline:
                raise SystemExit("the relay did not drain the outbox in 300 s")
            time.sleep(0.2)
    finally:
        stop_group(worker, grace=10)
    bounds = OutboxEvent.objects.filter(event_id__in=ids).aggregate(first=Min("sent_at"),
                                                                    last=Max("sent_at"))
    seconds = (bounds["last"] - bounds["first"]).total_seconds()
    return count / seconds if seconds else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow-seconds", type=float, default=20)
    parser.add_argument("--fast-seconds", type=float, default=10)
    parser.add_argument("--relay-events", type=int, default=5000)
    options = parser.parse_args()

    load = os.getloadavg()
    broker = LocalBroker().start()
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_DIR")},
           "POSTGRES_URL": POSTGRES, "DATABASE_NAME_PREFIX": PREFIX, "NATS_URL": broker.url,
           "DJANGO_DEBUG": "true", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
           "JWT_KEYS_DIR": str(throwaway_keys_dir(services=list(SERVICE_PORTS)))}
    database = f"{PREFIX}{SERVICE}"
    database_create(server=POSTGRES, name=database, fresh=True)
    worker = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT / SERVICE,
                       env=env, check=True)
        setup_django(env)
        without, unchecked, checked = publish_cost()
        worker = start_group([sys.executable, "manage.py", "run_events"], cwd=ROOT / SERVICE,
                             env=env)
        time.sleep(3)  # connected, stream and consumer in place
        publish_at(rate=5, count=5)  # warm-up
        slow, slow_relayed = latencies(publish_at(rate=1, count=int(options.slow_seconds)),
                                       timeout=60)
        began = time.monotonic()
        fast_ids = publish_at(rate=200, count=int(200 * options.fast_seconds))
        publishing = time.monotonic() - began
        fast, fast_relayed = latencies(fast_ids, timeout=180)
        stop_group(worker, grace=10)
        worker = None
        throughput = relay_throughput(env, options.relay_events)
    finally:
        if worker is not None:
            stop_group(worker, grace=10)
        broker.close()
        from django.db import connections

        connections.close_all()
        database_drop(server=POSTGRES, name=database)

    rows = [("1 event/s", slow, slow_relayed), ("200 events/s", fast, fast_relayed)]
    lines = [
        "# Event benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/events.py` on PostgreSQL and a "
        f"local nats-server (JetStream, file storage); {os.cpu_count()} CPUs, shared with "
        f"whatever else ran (load average {load[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end).",
        "",
        "Latency: the event's time (set by `publish`, just before its transaction commits) to "
        "the consumer's effect (the notification row, written in the handler's transaction).",
        "",
        "| rate | events | p50 ms | p99 ms | max ms | of which relayed by: p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
        *[f"| {label} | {len(values)} | {percentile(values, 0.5) * 1000:.1f} | "
          f"{percentile(values, 0.99) * 1000:.1f} | {max(values) * 1000:.1f} | "
          f"{percentile(relayed, 0.5) * 1000:.1f} | {percentile(relayed, 0.99) * 1000:.1f} |"
          for label, values, relayed in rows],
        "",
        f"The 200 events/s run published {len(fast_ids)} events in {publishing:.1f} s "
        "(one transaction each, from one process).",
        "",
        f"Relay throughput (relay-only worker draining {options.relay_events} rows, published "
        f"one by one with their acks): **{throughput:.0f} events/s**.",
        "",
        "A transaction inserting one row, alone and with a `publish` in it (mean of 500 each; "
        f"noisy on a shared machine): {without:.2f} ms alone, {unchecked:.2f} ms with the "
        f"event (production: EVENT_VALIDATE off), {checked:.2f} ms with the event checked "
        "against its schema (development and tests).",
        "",
    ]
    text = "\n".join(lines)
    (ROOT / "bench" / "results" / "events.md").write_text(text)
    print(text)
    print(f"mean latency at 200/s: {statistics.mean(fast) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
