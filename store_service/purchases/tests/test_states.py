"""The state machine: only the table's moves happen, each with its history row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purchases import states
from purchases.models import PurchaseHistory
from purchases.states import IllegalMove, purchase_state_move
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

ALL_STATES = list(states.MOVES)


def test_the_table_names_the_contract_moves():
    table, open_states, final_states = states.MOVES, states.OPEN, states.FINAL

    assert table == {
        "RECEIVED": {"PAYMENT_AUTHORIZED", "FAILED"},
        "PAYMENT_AUTHORIZED": {"ORDER_REQUESTED", "FAILED"},
        "ORDER_REQUESTED": {"RESERVE_DELIVERED", "FAILED"},
        "RESERVE_DELIVERED": set(),
        "FAILED": set(),
    }
    assert open_states == {"RECEIVED", "PAYMENT_AUTHORIZED", "ORDER_REQUESTED"}
    assert final_states == {"RESERVE_DELIVERED", "FAILED"}


def test_a_new_purchase_has_one_history_row_from_null():
    purchase = PurchaseFactory()

    rows = list(purchase.history.values_list("from_state", "to_state"))

    assert rows == [(None, "RECEIVED")]


def test_an_illegal_move_changes_nothing():
    purchase = PurchaseFactory()

    with pytest.raises(IllegalMove):
        purchase_state_move(purchase=purchase, to=states.RESERVE_DELIVERED)

    purchase.refresh_from_db()
    assert purchase.state == "RECEIVED"
    assert purchase.history.count() == 1


def test_a_move_saves_its_fields_and_note_with_the_state():
    purchase = PurchaseFactory()

    purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED, note="authorized",
                        fields={"payment": {"id": "p-1", "status": "authorized"}})

    purchase.refresh_from_db()
    assert purchase.state == "PAYMENT_AUTHORIZED"
    assert purchase.payment == {"id": "p-1", "status": "authorized"}
    last = purchase.history.last()
    assert (last.from_state, last.to_state, last.note) == ("RECEIVED", "PAYMENT_AUTHORIZED",
                                                           "authorized")


def test_a_stale_copy_cannot_repeat_a_move_another_runner_made():
    purchase = PurchaseFactory()
    stale = type(purchase).objects.get(pk=purchase.pk)
    purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED)
    purchase_state_move(purchase=purchase, to=states.FAILED)

    with pytest.raises(IllegalMove):
        purchase_state_move(purchase=stale, to=states.PAYMENT_AUTHORIZED)

    assert purchase.history.count() == 3


def test_a_stale_copy_moves_from_the_state_the_row_is_in_when_the_table_allows_it():
    purchase = PurchaseFactory()
    stale = type(purchase).objects.get(pk=purchase.pk)
    purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED)

    purchase_state_move(purchase=stale, to=states.ORDER_REQUESTED)

    assert stale.state == "ORDER_REQUESTED"
    last = purchase.history.last()
    assert (last.from_state, last.to_state) == ("PAYMENT_AUTHORIZED", "ORDER_REQUESTED")


def test_a_move_from_the_state_in_hand_is_one_conditional_update_without_a_locking_read():
    purchase = PurchaseFactory()

    with CaptureQueriesContext(connection) as queries:
        purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED)

    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("FOR UPDATE" in sql for sql in statements)
    updates = [sql for sql in statements if sql.startswith("UPDATE")]
    assert len(updates) == 1 and '"state" = ' in updates[0].split("WHERE")[1]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets=st.lists(st.sampled_from(ALL_STATES), max_size=6))
def test_any_sequence_of_moves_follows_only_the_table(targets):
    purchase = PurchaseFactory()
    expected = [(None, "RECEIVED")]

    for target in targets:
        before = purchase.state
        if states.can_move(before, target):
            purchase_state_move(purchase=purchase, to=target)
            expected.append((before, target))
        else:
            with pytest.raises(IllegalMove):
                purchase_state_move(purchase=purchase, to=target)

    rows = list(PurchaseHistory.objects.filter(purchase=purchase)
                .values_list("from_state", "to_state"))
    assert rows == expected
    assert all(source is None or target in states.MOVES[source] for source, target in rows)
    purchase.refresh_from_db()
    assert purchase.state == expected[-1][1]
