"""The shared worker loop: passes, --once, batch, and a clean stop on SIGTERM/SIGINT."""

import io
import os
import signal
import threading

import pytest
from django.core.management import call_command

from common.workers import WorkerCommand, run_passes, stop_on_signals

# The loop drops stale database connections between passes; after another test opened one
# (SQLite keeps its test connection), that check touches the database.
pytestmark = pytest.mark.django_db


class Recorder:
    """A pass that records its arguments and handles `per_pass` items."""

    def __init__(self, per_pass=(0,), stop_after=None, stop=None):
        self.calls = []
        self.per_pass = list(per_pass)
        self.stop_after = stop_after
        self.stop = stop

    def __call__(self, *, limit, should_stop):
        self.calls.append(limit)
        if self.stop_after is not None and len(self.calls) >= self.stop_after:
            self.stop.set()
        return self.per_pass[min(len(self.calls), len(self.per_pass)) - 1]


def test_once_runs_a_single_pass_with_the_batch():
    work = Recorder(per_pass=(3,))
    reported = []

    passes = run_passes(work=work, stop=threading.Event(), batch=7, interval=60, once=True,
                        report=reported.append)

    assert passes == 1
    assert work.calls == [7]
    assert reported == [3]


def test_passes_repeat_until_stopped_and_empty_passes_are_not_reported():
    stop = threading.Event()
    work = Recorder(per_pass=(2, 0, 5), stop_after=3, stop=stop)
    reported = []

    passes = run_passes(work=work, stop=stop, batch=1, interval=0, report=reported.append)

    assert passes == 3
    assert reported == [2, 5]


def test_a_pass_sees_the_stop_request_between_items():
    stop = threading.Event()
    handled = []

    def work(*, limit, should_stop):
        for item in range(limit):
            if should_stop():
                break
            handled.append(item)
            if item == 1:
                stop.set()  # the signal arrives while item 1 is in hand
        return len(handled)

    run_passes(work=work, stop=stop, batch=10, interval=60)

    assert handled == [0, 1]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_sets_the_stop_flag_and_the_handlers_come_back(stop_signal):
    before = signal.getsignal(stop_signal)
    stop = threading.Event()

    with stop_on_signals(stop):
        os.kill(os.getpid(), stop_signal)
        assert stop.wait(5)

    assert signal.getsignal(stop_signal) is before


def test_outside_the_main_thread_no_handler_is_installed():
    before = signal.getsignal(signal.SIGTERM)
    seen = []

    def body():
        with stop_on_signals(threading.Event()):
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(5)

    assert seen == [before]


class CountingCommand(WorkerCommand):
    interval_setting = "TEST_WORKER_INTERVAL"
    batch_setting = "TEST_WORKER_BATCH"
    item = "thing"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = []

    def work(self, *, limit, should_stop):
        self.limits.append(limit)
        return 2


def test_the_command_reads_its_defaults_from_settings_and_reports(settings):
    settings.TEST_WORKER_INTERVAL = 9.0
    settings.TEST_WORKER_BATCH = 4
    command, out = CountingCommand(), io.StringIO()

    call_command(command, "--once", stdout=out)

    assert command.limits == [4]
    assert out.getvalue().splitlines() == ["worker started (batch 4, interval 9 s)",
                                           "processed 2 thing(s)", "worker stopped"]


def test_the_command_arguments_override_the_settings(settings):
    settings.TEST_WORKER_INTERVAL = 9.0
    settings.TEST_WORKER_BATCH = 4
    command, out = CountingCommand(), io.StringIO()

    call_command(command, "--once", "--batch", "11", "--interval", "0.5", stdout=out)

    assert command.limits == [11]
    assert out.getvalue().startswith("worker started (batch 11, interval 0.5 s)")
