"""One log stream: every child's lines prefixed with its name, colored on a terminal."""

from __future__ import annotations

import os
import sys
import threading
from typing import IO

_COLORS = ("36", "32", "33", "35", "34", "96", "92", "93", "95", "94")


class LogStream:
    """Writes whole lines to stdout under a lock so children never interleave mid-line."""

    def __init__(self, names: list[str], stream: IO[str] | None = None):
        self.stream = stream or sys.stdout
        names = ["launcher", *names]
        self.width = max(len(name) for name in names)
        self.color = self.stream.isatty() and not os.environ.get("NO_COLOR")
        self.colors = {name: _COLORS[i % len(_COLORS)] for i, name in enumerate(names)}
        self.colors["launcher"] = "1"
        self.lock = threading.RLock()  # a signal handler may log while the main thread writes

    def prefix(self, name: str) -> str:
        label = f"{name:<{self.width}} |"
        if self.color:
            return f"\033[{self.colors.get(name, '37')}m{label}\033[0m"
        return label

    def line(self, name: str, text: str) -> None:
        self.write(f"{self.prefix(name)} {text.rstrip()}")

    def say(self, text: str) -> None:
        """A line from the launcher itself."""
        self.line("launcher", text)

    def write(self, text: str) -> None:
        with self.lock:
            try:
                self.stream.write(text + "\n")
                self.stream.flush()
            except (BrokenPipeError, ValueError):  # the reader went away (`up | head`)
                pass
