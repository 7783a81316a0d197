"""insert_rows: INSERTs compiled once per shape, rows written as the ORM writes them."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from common.db import insert_rows
from common.db import inserts as inserts_module
from common.events.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _user(name: str, **fields) -> User:
    return User(username=name, email=f"{name}@example.com", **fields)


def test_rows_are_written_in_one_statement_with_their_generated_keys():
    users = [_user(f"user{n}", first_name="Zoë", is_staff=n == 1) for n in range(3)]

    with CaptureQueriesContext(connection) as queries:
        saved = insert_rows(users)

    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert saved is users
    assert all(user.pk and not user._state.adding and user._state.db == "default"
               for user in users)
    stored = {row["id"]: row for row in User.objects.values()}
    assert sorted(stored) == sorted(user.pk for user in users)
    for user in users:
        assert stored[user.pk]["username"] == user.username
        assert stored[user.pk]["first_name"] == "Zoë"
        assert stored[user.pk]["is_staff"] is user.is_staff
        assert stored[user.pk]["date_joined"] == user.date_joined  # the default, as written


def test_json_values_and_defaults_read_back_as_given():
    envelope = {"id": str(uuid.uuid4()), "data": {"price": "10.50", "tags": ["a", "ß"]}}

    (event,) = insert_rows([OutboxEvent(event_id=envelope["id"], type="shop.test",
                                        subject="s-1", envelope=envelope)])

    stored = OutboxEvent.objects.get(pk=event.pk)
    assert stored.envelope == envelope
    assert stored.created_at == event.created_at
    assert stored.publish_attempts == 0 and stored.sent_at is None


def test_the_statement_is_compiled_once_per_shape(monkeypatch):
    built = []
    real = inserts_module.InsertQuery

    def counting(*args, **kwargs):
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(inserts_module, "InsertQuery", counting)
    inserts_module._compiled.clear()

    insert_rows([_user("a1")])
    insert_rows([_user("a2")])
    insert_rows([_user("b1"), _user("b2")])
    insert_rows([_user("b3"), _user("b4")])

    assert built == [User, User]  # one row, then two rows
    assert User.objects.count() == 6


def test_a_unique_clash_raises_and_keeps_nothing():
    insert_rows([_user("taken")])

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([_user("new"), _user("taken")])

    assert list(User.objects.values_list("username", flat=True)) == ["taken"]


def test_nothing_to_insert_runs_no_statement():
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows([]) == []

    assert len(queries) == 0


def test_a_value_that_is_not_a_plain_parameter_is_refused():
    inserts_module._compiled.clear()

    with pytest.raises(ValueError, match="not a plain parameter"):
        insert_rows([_user("expr", last_login=Now())])

    assert not User.objects.exists()
