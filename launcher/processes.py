"""Child processes: each in its own process group, its output streamed with a prefix."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from launcher.output import LogStream


@dataclass(frozen=True)
class ChildSpec:
    """What to start: a name for the log prefix, the command, where, and how to know it is up."""

    name: str
    argv: list[str]
    cwd: Path
    ready_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)


class Child:
    """A started child: its Popen, its process group and the thread copying its output."""

    def __init__(self, spec: ChildSpec, log: LogStream):
        self.spec = spec
        self.name = spec.name
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **spec.env}
        self.popen = subprocess.Popen(
            spec.argv, cwd=spec.cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.pgid = self.popen.pid  # start_new_session: the child leads its own group
        self.reader = threading.Thread(target=self._copy_output, args=(log,), daemon=True,
                                       name=f"output-{self.name}")
        self.reader.start()

    def _copy_output(self, log: LogStream) -> None:
        assert self.popen.stdout is not None
        for raw in iter(self.popen.stdout.readline, b""):
            log.line(self.name, raw.decode("utf-8", errors="replace"))
        self.popen.stdout.close()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_code(self) -> int | None:
        return self.popen.poll()

    def signal_group(self, signum: int) -> bool:
        """Send a signal to every process of the group; False when none is left."""
        try:
            os.killpg(self.pgid, signum)
        except ProcessLookupError:
            return False
        except PermissionError:
            return False
        return True

    def group_alive(self) -> bool:
        """True while a live (non-zombie) process of the group exists."""
        self.popen.poll()  # reap the leader so its zombie does not count
        if PROC.is_dir():
            return bool(group_members(self.pgid))
        return self.signal_group(0)


PROC = Path("/proc")


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group, read from /proc (zombies are left out)."""
    members = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ")".
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def stop_children(children: list[Child], log: LogStream, *, grace: float) -> None:
    """SIGTERM every group (last started first), SIGKILL what is left after `grace` seconds."""
    for child in reversed(children):
        if child.group_alive():
            child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(child.group_alive() for child in children):
        time.sleep(0.1)
    for child in children:
        if child.group_alive():
            log.say(f"{child.name} did not stop within {grace:g} s: killing it")
            child.signal_group(signal.SIGKILL)
    for child in children:
        try:
            child.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.say(f"{child.name} (pid {child.pid}) could not be reaped")
        child.reader.join(timeout=2)
