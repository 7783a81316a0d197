"""Readiness probes: a child is ready when its URL answers 200."""

from __future__ import annotations

import urllib.error
import urllib.request


def answers_200(url: str, *, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class ReadinessWatch:
    """The URLs still waited for; `poll()` probes each once and drops those that answer."""

    def __init__(self, urls: dict[str, str]):
        self.pending = dict(urls)

    def poll(self) -> list[str]:
        ready = [name for name, url in self.pending.items() if answers_200(url)]
        for name in ready:
            del self.pending[name]
        return ready

    @property
    def done(self) -> bool:
        return not self.pending
