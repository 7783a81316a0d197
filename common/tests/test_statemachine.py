"""StateMachine: the table's rules, the narrower rule of one caller, and refusals with a reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import Conflict
from common.statemachine import IllegalMove, StateMachine

DOOR = StateMachine(moves={"open": {"closed"}, "closed": {"open", "locked"}, "locked": set()},
                    initial="open", field="position", reason="door_stuck", label="door")
REPEATABLE = StateMachine(moves={"a": {"b"}, "b": set()}, initial="a", repeat_is_noop=True)


def test_states_final_and_open_come_from_the_table():
    assert DOOR.states == {"open", "closed", "locked"}
    assert DOOR.final == {"locked"}
    assert DOOR.open == {"open", "closed"}
    assert DOOR.targets("closed") == {"open", "locked"}
    assert DOOR.targets("unknown") == frozenset()


def test_a_table_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="ajar"):
        StateMachine(moves={"open": {"ajar"}}, initial="open")
    with pytest.raises(ValueError, match="nowhere"):
        StateMachine(moves={"open": set()}, initial="nowhere")


def test_an_allowed_move_is_a_change():
    assert DOOR.check(current="open", target="closed") is True


def test_an_illegal_move_is_a_conflict_with_the_machines_reason():
    with pytest.raises(IllegalMove) as raised:
        DOOR.check(current="locked", target="open")

    error = raised.value
    assert isinstance(error, Conflict)
    assert error.status_code == 409
    assert error.reason == "door_stuck"
    assert error.details == {"position": "locked", "requested": "open", "allowed": []}


def test_a_repeat_is_illegal_unless_the_machine_says_it_is_a_no_op():
    with pytest.raises(IllegalMove):
        DOOR.check(current="open", target="open")
    assert REPEATABLE.check(current="b", target="b") is False


def test_a_narrower_rule_refuses_with_its_own_reason():
    with pytest.raises(IllegalMove) as raised:
        DOOR.check(current="closed", target="locked", only_from={"open"}, reason="not_open")

    assert raised.value.reason == "not_open"
    assert DOOR.check(current="open", target="closed", only_from={"open"}) is True


def test_a_narrower_rule_never_allows_what_the_table_does_not():
    with pytest.raises(IllegalMove) as raised:
        DOOR.check(current="open", target="locked", only_from={"open"}, reason="not_open")

    assert raised.value.reason == "door_stuck"


def test_an_illegal_move_without_a_machine_reason_has_the_default_one():
    machine = StateMachine(moves={"a": set()}, initial="a")

    with pytest.raises(IllegalMove) as raised:
        machine.check(current="a", target="a")

    assert raised.value.reason == "invalid_transition"


@given(path=st.lists(st.sampled_from(["open", "closed", "locked"]), max_size=20))
def test_a_walk_only_ever_takes_moves_from_the_table(path):
    current = DOOR.initial
    for target in path:
        try:
            assert DOOR.check(current=current, target=target)
        except IllegalMove:
            assert target not in DOOR.targets(current)
            continue
        assert target in DOOR.targets(current)
        current = target
    assert current in DOOR.states
