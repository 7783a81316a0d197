"""Readiness: a URL that answers 200, and waiting (bounded) until something holds."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
# Probes go to this machine: never through a proxy named in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class NotReady(AssertionError):
    """What was waited for did not happen in time, or the process serving it exited."""


def answers_200(url: str, *, timeout: float = 1.0) -> bool:
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until(check: Callable[[], T], *, timeout: float, what: str,
               interval: float = 0.2, process: subprocess.Popen | None = None) -> T:
    """Call `check` until it returns something true and return that.

    Raises `NotReady` after `timeout` seconds, or as soon as `process` (the one expected
    to make `check` true) has exited.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if process is not None and process.poll() is not None:
            raise NotReady(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() >= deadline:
            raise NotReady(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def wait_for_url(url: str, *, timeout: float, process: subprocess.Popen | None = None,
                 interval: float = 0.2) -> bool:
    """True once `url` answers 200; False after `timeout` or when `process` exits first."""
    try:
        wait_until(lambda: answers_200(url, timeout=min(2.0, timeout)), timeout=timeout,
                   what=url, interval=interval, process=process)
    except NotReady:
        return False
    return True


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
