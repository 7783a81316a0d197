"""wait_for_db retries with exponential backoff: 1 s, doubling, 30 s cap, 10 attempts."""

import pytest
from django.core.management import CommandError, call_command

from common.management.commands import wait_for_db


def test_the_delays_double_from_one_second_up_to_thirty():
    assert wait_for_db.backoff_delays() == [1, 2, 4, 8, 16, 30, 30, 30, 30]


@pytest.mark.django_db
def test_it_returns_at_once_when_the_database_answers(capsys):
    call_command("wait_for_db")
    assert "ready after 1 attempt" in capsys.readouterr().out


def test_it_retries_then_gives_up(monkeypatch):
    slept = []
    monkeypatch.setattr(wait_for_db, "database_check", lambda: "unavailable: OperationalError")
    monkeypatch.setattr(wait_for_db.time, "sleep", slept.append)
    with pytest.raises(CommandError, match="after 4 attempts"):
        call_command("wait_for_db", "--attempts", "4")
    assert slept == [1, 2, 4]


def test_it_stops_waiting_once_the_database_answers(monkeypatch):
    answers = iter(["unavailable: x", "unavailable: x", "ok"])
    slept = []
    monkeypatch.setattr(wait_for_db, "database_check", lambda: next(answers))
    monkeypatch.setattr(wait_for_db.time, "sleep", slept.append)
    call_command("wait_for_db")
    assert slept == [1, 2]
