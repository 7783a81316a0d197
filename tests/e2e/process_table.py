"""Read the process table from /proc: descendants of a pid, and whether they still run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    ppid: int
    pgid: int
    state: str
    start_time: int  # clock ticks since boot: tells a process from a later one with its pid


def read_process(pid: int) -> ProcessInfo | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ..." — comm may hold spaces and parentheses.
    fields = stat[stat.rfind(")") + 2:].split()
    return ProcessInfo(pid=pid, ppid=int(fields[1]), pgid=int(fields[2]), state=fields[0],
                       start_time=int(fields[19]))


def all_processes() -> list[ProcessInfo]:
    found = (read_process(int(entry.name)) for entry in PROC.iterdir() if entry.name.isdigit())
    return [info for info in found if info is not None]


def descendants(root: int) -> list[ProcessInfo]:
    """Every live process below `root` (children, grandchildren, ...)."""
    processes = all_processes()
    result: list[ProcessInfo] = []
    parents = {root}
    while True:
        level = [info for info in processes if info.ppid in parents and info not in result]
        if not level:
            return result
        result += level
        parents = {info.pid for info in level}


def still_running(info: ProcessInfo) -> bool:
    """The same process (same pid and start time) exists and is not a zombie."""
    now = read_process(info.pid)
    return now is not None and now.start_time == info.start_time and now.state != "Z"


def group_members(pgid: int) -> list[ProcessInfo]:
    return [info for info in all_processes() if info.pgid == pgid and info.state != "Z"]


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
