"""launcher.processes: process groups started, listed from /proc and stopped (TERM, then KILL)."""

from __future__ import annotations

import io
import os
import signal
import sys
import time

from launcher.output import LogStream
from launcher.processes import (
    Child,
    ChildSpec,
    group_alive,
    group_cpu_seconds,
    group_members,
    read_process,
    start_group,
    stop_children,
    stop_group,
    stop_groups,
)
from launcher.readiness import wait_until

# A shell that leaves a second process (a background sleep) in its group.
TWO_PROCESSES = ["sh", "-c", "sleep 30 & exec sleep 30"]
# The same, deaf to SIGTERM (an ignored signal stays ignored in the children).
DEAF_TO_TERM = ["sh", "-c", "trap '' TERM; sleep 30 & exec sleep 30"]
# Two shells in one group, both spinning.
BUSY_TWO_PROCESSES = ["sh", "-c", "while :; do :; done & exec sh -c 'while :; do :; done'"]


def test_read_process_reads_this_process_from_proc():
    info = read_process(os.getpid())

    assert info is not None
    assert (info.ppid, info.pgid, info.state) == (os.getppid(), os.getpgrp(), "R")
    assert info.start_time > 0


def test_group_cpu_seconds_counts_the_cpu_of_every_process_of_the_group():
    popen = start_group(BUSY_TWO_PROCESSES)
    try:
        wait_until(lambda: len(group_members(popen.pid)) == 2, timeout=10, what="two loops")
        first = group_cpu_seconds(popen.pid)
        time.sleep(1.0)
        second = group_cpu_seconds(popen.pid)
    finally:
        stop_group(popen, grace=2)

    assert second - first > 0.2  # two busy loops for a second, even on a crowded machine
    assert group_cpu_seconds(popen.pid) == 0  # a group that is gone uses nothing


def test_read_process_of_a_gone_pid_is_none():
    popen = start_group(["true"])
    popen.wait()

    assert read_process(popen.pid) is None


def test_start_group_leads_a_group_of_its_own():
    popen = start_group(TWO_PROCESSES)
    try:
        members = wait_until(lambda: len(group_members(popen.pid)) == 2 and
                             group_members(popen.pid), timeout=10, what="both processes")

        assert os.getpgid(popen.pid) == popen.pid != os.getpgrp()
        assert {info.pgid for info in members} == {popen.pid}
    finally:
        stop_group(popen, grace=5)


def test_stop_group_ends_every_process_of_the_group():
    popen = start_group(TWO_PROCESSES)
    wait_until(lambda: len(group_members(popen.pid)) == 2, timeout=10, what="both processes")

    stop_group(popen, grace=5)

    assert popen.returncode == -signal.SIGTERM
    assert group_members(popen.pid) == []
    assert not group_alive(popen)


def test_stop_groups_kills_what_ignores_term_after_the_grace():
    deaf = start_group(DEAF_TO_TERM)
    polite = start_group(TWO_PROCESSES)
    wait_until(lambda: len(group_members(deaf.pid)) == 2, timeout=10, what="the deaf group")
    killed = []

    began = time.monotonic()
    stop_groups([deaf, polite], grace=1, on_kill=killed.append)

    assert killed == [deaf]
    assert 1 <= time.monotonic() - began < 5
    assert (deaf.returncode, polite.returncode) == (-signal.SIGKILL, -signal.SIGTERM)
    assert group_members(deaf.pid) == group_members(polite.pid) == []


def test_stop_groups_ends_workers_whose_leader_already_exited():
    popen = start_group(["sh", "-c", "sleep 30 & exit 0"])
    popen.wait(timeout=10)
    assert len(group_members(popen.pid)) == 1  # the orphaned sleep

    stop_groups([popen], grace=5)

    assert group_members(popen.pid) == []


def test_a_child_streams_its_lines_under_its_name_and_stop_children_says_who_was_killed():
    stream = io.StringIO()
    log = LogStream(["talker"], stream)
    spec = ChildSpec(name="talker", cwd=os.getcwd(), argv=[
        sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('hello', flush=True); time.sleep(30)"])
    child = Child(spec, log)
    wait_until(lambda: "hello" in stream.getvalue(), timeout=10, what="the child's line")

    stop_children([child], log, grace=0.5)

    lines = stream.getvalue().splitlines()
    assert "talker   | hello" in lines
    assert "launcher | talker did not stop within 0.5 s: killing it" in lines
    assert child.exit_code() == -signal.SIGKILL
    assert not child.group_alive()
