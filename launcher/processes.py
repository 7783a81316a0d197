"""Child processes: started in their own process group, stopped with TERM then KILL.

The one place that starts, signals, lists (from /proc) and stops process groups: the
launcher, the benchmark's stack and the test fixtures all use it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from launcher.output import LogStream

PROC = Path("/proc")


# ---- process groups --------------------------------------------------------------------------

def start_group(argv: Sequence[str], *, cwd: Path | str | None = None,
                env: Mapping[str, str] | None = None,
                stdout: int | IO | None = subprocess.DEVNULL,
                stderr: int | IO | None = subprocess.STDOUT,
                text: bool = False) -> subprocess.Popen:
    """Start `argv` as the leader of a new process group (its pid is the group's id)."""
    return subprocess.Popen(list(argv), cwd=cwd, env=None if env is None else dict(env),
                            stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, text=text,
                            start_new_session=True)


def signal_group(pgid: int, signum: int) -> bool:
    """Send a signal to every process of the group; False when none is left to receive it."""
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def group_alive(popen: subprocess.Popen) -> bool:
    """True while a live (non-zombie) process of `popen`'s group exists."""
    popen.poll()  # reap the leader so its zombie does not count
    if PROC.is_dir():
        return bool(group_members(popen.pid))
    return signal_group(popen.pid, 0)


def stop_groups(popens: Sequence[subprocess.Popen], *, grace: float,
                on_kill: Callable[[subprocess.Popen], None] | None = None,
                on_unreaped: Callable[[subprocess.Popen], None] | None = None) -> None:
    """SIGTERM every group (last started first), SIGKILL what is left after `grace` seconds.

    A group, not just its leader: a gunicorn worker that outlives its master is still in it.
    Every leader is reaped (waited for) before this returns.
    """
    for popen in reversed(popens):
        if group_alive(popen):
            signal_group(popen.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(group_alive(popen) for popen in popens):
        time.sleep(0.1)
    for popen in popens:
        if group_alive(popen):
            if on_kill is not None:
                on_kill(popen)
            signal_group(popen.pid, signal.SIGKILL)
    for popen in popens:
        try:
            popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            if on_unreaped is not None:
                on_unreaped(popen)


def stop_group(popen: subprocess.Popen, *, grace: float) -> None:
    stop_groups([popen], grace=grace)


def kill_groups(pgids: Sequence[int]) -> None:
    """SIGKILL whole groups at once: the last resort of a teardown."""
    for pgid in set(pgids):
        signal_group(pgid, signal.SIGKILL)


# ---- the process table (/proc) ---------------------------------------------------------------

@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    ppid: int
    pgid: int
    state: str
    start_time: int  # clock ticks since boot: tells a process from a later one with its pid
    cpu_ticks: int = 0  # user + system CPU time so far, in clock ticks


def read_process(pid: int) -> ProcessInfo | None:
    """One process from /proc/<pid>/stat; None when it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    fields = stat[stat.rfind(")") + 2:].split()
    return ProcessInfo(pid=pid, ppid=int(fields[1]), pgid=int(fields[2]), state=fields[0],
                       start_time=int(fields[19]), cpu_ticks=int(fields[11]) + int(fields[12]))


def all_processes() -> list[ProcessInfo]:
    found = (read_process(int(entry.name)) for entry in PROC.iterdir() if entry.name.isdigit())
    return [info for info in found if info is not None]


def group_members(pgid: int) -> list[ProcessInfo]:
    """Live processes of a process group (zombies are left out)."""
    return [info for info in all_processes() if info.pgid == pgid and info.state != "Z"]


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of a group."""
    return sum(info.cpu_ticks for info in group_members(pgid)) / os.sysconf("SC_CLK_TCK")


# ---- the launcher's children -----------------------------------------------------------------

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
        self.popen = start_group(spec.argv, cwd=spec.cwd, env=env, stdout=subprocess.PIPE)
        self.pgid = self.popen.pid  # the child leads its own group
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
        return signal_group(self.pgid, signum)

    def group_alive(self) -> bool:
        """True while a live (non-zombie) process of the group exists."""
        return group_alive(self.popen)


def stop_children(children: list[Child], log: LogStream, *, grace: float) -> None:
    """SIGTERM every group (last started first), SIGKILL what is left after `grace` seconds."""
    names = {child.popen.pid: child.name for child in children}
    stop_groups(
        [child.popen for child in children], grace=grace,
        on_kill=lambda popen: log.say(
            f"{names[popen.pid]} did not stop within {grace:g} s: killing it"),
        on_unreaped=lambda popen: log.say(
            f"{names[popen.pid]} (pid {popen.pid}) could not be reaped"),
    )
    for child in children:
        child.reader.join(timeout=2)
