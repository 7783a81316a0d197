"""Domain figures computed at scrape time (orders by status, purchases by state, …)."""

from collections.abc import Callable, Iterable

from prometheus_client.core import Metric

_collectors: list[Callable[[], Iterable[Metric]]] = []


class _DomainCollector:
    def collect(self):
        for collect in _collectors:
            yield from collect()


DOMAIN_COLLECTOR = _DomainCollector()


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Add a function yielding metric families; call it from an AppConfig.ready()."""
    if collect not in _collectors:
        _collectors.append(collect)
