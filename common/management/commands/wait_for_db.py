"""Wait for the database with exponential backoff (1 s, doubling, 30 s cap, 10 attempts)."""

import time

from django.core.management.base import BaseCommand, CommandError

from common.health.checks import database_check


def backoff_delays(*, first: float = 1.0, cap: float = 30.0, attempts: int = 10) -> list[float]:
    """The waits between attempts: one fewer than the attempts."""
    return [min(first * 2 ** i, cap) for i in range(attempts - 1)]


class Command(BaseCommand):
    help = "Wait until the database answers, retrying with exponential backoff."

    def add_arguments(self, parser):
        parser.add_argument("--attempts", type=int, default=10)
        parser.add_argument("--first-delay", type=float, default=1.0)
        parser.add_argument("--max-delay", type=float, default=30.0)

    def handle(self, *args, attempts, first_delay, max_delay, **options):
        delays = backoff_delays(first=first_delay, cap=max_delay, attempts=attempts)
        for attempt in range(1, attempts + 1):
            result = database_check()
            if result == "ok":
                self.stdout.write(f"database ready after {attempt} attempt(s)")
                return
            self.stderr.write(f"database not ready ({result}), attempt {attempt}/{attempts}")
            if attempt < attempts:
                time.sleep(delays[attempt - 1])
        raise CommandError(f"database still unavailable after {attempts} attempts")
