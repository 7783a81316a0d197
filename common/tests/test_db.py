"""CompiledRead: SQL compiled once by the ORM, rows converted as the ORM converts them."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Window
from django.test.utils import CaptureQueriesContext

from common.db import CompiledRead, created_once, filter_given, subtract_by_key

pytestmark = pytest.mark.django_db

BY_USERNAME = CompiledRead(lambda: User.objects.filter(username="sample"),
                           params=[User._meta.get_field("username")])
NEWEST_FIRST = CompiledRead(
    lambda: User.objects.order_by("-id").annotate(total=Window(Count("*"))), paged=True)


def _users(count: int) -> list[User]:
    return [User.objects.create_user(f"user{n}", f"user{n}@example.com") for n in range(count)]


def test_rows_are_the_orm_values_by_attname():
    user = _users(2)[1]
    expected = User.objects.filter(username=user.username).values().get()

    rows = BY_USERNAME.rows(user.username)

    assert rows == [expected]
    assert rows[0]["date_joined"].tzinfo is not None  # converted, on SQLite too
    assert rows[0]["is_active"] is True


def test_no_row_is_an_empty_list():
    assert BY_USERNAME.rows("nobody") == []


def test_each_run_is_one_query_and_the_sql_is_reused():
    _users(1)
    with CaptureQueriesContext(connection) as queries:
        BY_USERNAME.rows("user0")
        BY_USERNAME.rows("user1")

    assert len(queries) == 2
    assert queries[0]["sql"].split("WHERE")[0] == queries[1]["sql"].split("WHERE")[0]


def test_a_paged_read_takes_limit_and_offset_and_keeps_annotations():
    users = _users(5)

    rows = NEWEST_FIRST.rows(limit=2, offset=1)

    assert [row["id"] for row in rows] == [users[3].id, users[2].id]
    assert {row["total"] for row in rows} == {5}


def test_the_parameters_must_match_the_named_fields():
    read = CompiledRead(lambda: User.objects.filter(username="a", email="b"),
                        params=[User._meta.get_field("username")])

    with pytest.raises(ValueError, match="2 parameters, 1 fields"):
        read.rows("a")


def test_a_sliced_queryset_is_refused():
    read = CompiledRead(lambda: User.objects.all()[:5])

    with pytest.raises(ValueError, match="paged=True"):
        read.rows()


def test_instances_are_model_objects_as_the_orm_loads_them():
    user = _users(1)[0]

    [loaded] = BY_USERNAME.instances(user.username)

    assert isinstance(loaded, User)
    assert (loaded.pk, loaded.email, loaded.date_joined) == (user.pk, user.email, user.date_joined)
    assert not loaded._state.adding


def test_subtract_by_key_takes_each_rows_amount_in_one_statement():
    from django.contrib.admin.models import LogEntry

    user = _users(1)[0]
    for n in range(3):
        LogEntry.objects.create(user=user, action_flag=10, object_repr=str(n))
    with CaptureQueriesContext(connection) as queries:
        changed = subtract_by_key(LogEntry, key="object_repr", column="action_flag",
                                  amounts={"0": 1, "2": 7, "missing": 5}, touch=None)

    assert (changed, len(queries)) == (2, 1)
    flags = dict(LogEntry.objects.values_list("object_repr", "action_flag"))
    assert flags == {"0": 9, "1": 10, "2": 3}
    assert subtract_by_key(LogEntry, key="id", column="action_flag", amounts={}) == 0


def _named_group_creator(names: list[str]):
    """A create() that inserts a Group under the next name (the 'random code') and a User
    under the reference, in one transaction."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    def create():
        with transaction.atomic():
            Group.objects.create(name=names.pop(0))
            return User.objects.create_user("reference")
    return create


def _find():
    return User.objects.filter(username="reference").first()


def test_created_once_makes_the_row_and_then_answers_it():
    first, created = created_once(_named_group_creator(["a"]), _find)
    again, created_again = created_once(_named_group_creator(["b"]), _find)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk


def test_created_once_tries_a_colliding_code_again():
    from django.contrib.auth.models import Group

    Group.objects.create(name="taken")
    names = ["taken", "free"]

    row, created = created_once(_named_group_creator(names), _find)

    assert created and row.username == "reference"
    assert names == []
    assert set(Group.objects.values_list("name", flat=True)) == {"taken", "free"}


def test_created_once_gives_up_after_its_attempts():
    from django.contrib.auth.models import Group
    from django.db import IntegrityError

    Group.objects.create(name="taken")
    names = ["taken"] * 3

    with pytest.raises(IntegrityError):
        created_once(_named_group_creator(names), _find, attempts=3)
    assert names == [] and _find() is None


def test_created_once_answers_the_row_a_racing_create_made():
    User.objects.create_user("reference")
    names = ["free"]

    row, created = created_once(_named_group_creator(names), _find)

    assert (row.username, created, names) == ("reference", False, [])
    assert User.objects.filter(username="reference").count() == 1
    from django.contrib.auth.models import Group
    assert not Group.objects.exists()  # the losing create kept nothing


def test_created_once_reads_nothing_before_a_first_create():
    with CaptureQueriesContext(connection) as queries:
        row, created = created_once(_named_group_creator(["a"]), _find)

    assert created and row.username == "reference"
    assert not [q for q in queries if q["sql"].startswith("SELECT")]


def test_filter_given_narrows_by_the_given_lookups_only():
    ada, bob, _ = (User.objects.create_user(name, f"{name}@example.com", is_staff=staff)
                   for name, staff in (("ada", True), ("bob", False), ("cy", False)))

    everyone = filter_given(User.objects.order_by("username"), username=None, is_staff="")
    staff = filter_given(User.objects.all(), is_staff=True, username="")
    one = filter_given(User.objects.all(), username="bob", is_staff=False)

    assert [u.username for u in everyone] == ["ada", "bob", "cy"]
    assert list(staff) == [ada]
    assert list(one) == [bob]
    assert filter_given(User.objects.all(), is_staff=False).count() == 2  # False is a value


def test_compiled_related_loads_what_prefetch_related_would_in_one_query():
    from datetime import timedelta

    from django.contrib.admin.models import LogEntry
    from django.utils import timezone

    from common.db import CompiledRelated

    ada, bob, cy = _users(3)
    now = timezone.now()
    for user, minutes in ((ada, 5), (bob, 1), (ada, 9), (ada, 2)):
        LogEntry.objects.create(user=user, action_flag=1, object_repr=f"{minutes}",
                                action_time=now - timedelta(minutes=minutes))
    entries = CompiledRelated(User, "logentry_set")
    expected = list(User.objects.prefetch_related("logentry_set").get(pk=ada.pk)
                    .logentry_set.all())

    with CaptureQueriesContext(connection) as queries:
        loaded = entries.load(ada)
        rows = list(ada.logentry_set.all())
    empty = entries.load(cy).logentry_set.all()

    assert loaded is ada and len(queries) == 1
    assert [row.object_repr for row in rows] == ["2", "5", "9"]  # newest first, its ordering
    assert [row.pk for row in rows] == [row.pk for row in expected]
    assert list(empty) == []
