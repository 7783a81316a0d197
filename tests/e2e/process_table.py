"""Questions the end-to-end tests ask of the process table: a pid's descendants, whether a
process seen earlier still runs, its command line (launcher.processes reads /proc)."""

from __future__ import annotations

from launcher.processes import PROC, ProcessInfo, all_processes, read_process


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


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
