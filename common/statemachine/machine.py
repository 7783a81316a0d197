"""`StateMachine`: the states of one model field, the table of allowed moves, the one mover.

A domain module declares its machine once (its states, its table, the refusal's reason) and
nothing else writes the field. `move` is one conditional `UPDATE … WHERE state = <the state the
caller holds>`, so two writers never both move from the same state; only when that matches no
row (the state changed meanwhile) does it read the state again under a row lock to move from
there or refuse. When the machine names a history relation, the same transaction writes a
history row `{from_state, to_state, at, note}`.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from common.db.inserts import insert_rows
from common.errors import Conflict

HISTORY_NOTE_MAX_LENGTH = 500


class IllegalMove(Conflict):
    """A move the table (or the caller's narrower rule) does not allow: 409 with a reason."""

    default_detail = "This move is not allowed from the current state."
    reason = "invalid_transition"


@dataclass(frozen=True)
class Move:
    """A move that happened: from `source` to `target` at `at`."""

    source: str
    target: str
    at: object


@dataclass(frozen=True)
class StateMachine:
    """The allowed moves of one state field.

    `moves` maps every state to the states it may move to. `repeat_is_noop` makes a move to
    the current state a no-op (answered as nothing changed) instead of an illegal move.
    `history` is the related name of the model's history rows, if it keeps any.
    """

    moves: Mapping[str, Iterable[str]]
    initial: str
    field: str = "state"
    history: str | None = None
    repeat_is_noop: bool = False
    reason: str = "invalid_transition"
    label: str = "object"
    _table: dict = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        table = {state: frozenset(targets) for state, targets in self.moves.items()}
        unknown = {target for targets in table.values() for target in targets} - set(table)
        if unknown or self.initial not in table:
            raise ValueError(f"States missing from the table: {sorted(unknown | {self.initial})}")
        object.__setattr__(self, "_table", table)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self._table)

    @property
    def final(self) -> frozenset[str]:
        """States with no move out."""
        return frozenset(state for state, targets in self._table.items() if not targets)

    @property
    def open(self) -> frozenset[str]:
        """States with at least one move out."""
        return self.states - self.final

    def targets(self, source: str) -> frozenset[str]:
        return self._table.get(source, frozenset())

    def can_move(self, source: str, target: str) -> bool:
        return target in self.targets(source)

    def check(self, *, current: str, target: str, only_from: Iterable[str] | None = None,
              reason: str | None = None) -> bool:
        """True when the move changes the state, False for a no-op repeat; else IllegalMove.

        `only_from` narrows the table for one caller (an owner may cancel only a pending
        order); a move from any other state is refused with `reason`.
        """
        if current == target and self.repeat_is_noop:
            return False
        if only_from is not None and current not in set(only_from):
            raise IllegalMove(f"This {self.label} is {current}; it can no longer move to {target}.",
                              details=self._details(current, target),
                              reason=reason or self.reason)
        if not self.can_move(current, target):
            raise IllegalMove(f"A {self.label} cannot move from {current} to {target}.",
                              details=self._details(current, target), reason=self.reason)
        return True

    def _details(self, current: str, target: str) -> dict:
        return {self.field: current, "requested": target, "allowed": sorted(self.targets(current))}

    def begin(self, *, instance, note: str = "") -> None:
        """Record a new row's creation: the history row from null to its initial state."""
        current = getattr(instance, self.field)
        if current != self.initial:
            raise IllegalMove(f"A {self.label} starts in {self.initial}, not {current}.",
                              reason=self.reason)
        if self.history:
            at = getattr(instance, "created_at", None) or timezone.now()
            self._record(instance, source=None, target=current, at=at, note=note)

    def move(self, *, instance, to: str, note: str = "", fields: dict | None = None,
             only_from: Iterable[str] | None = None, reason: str | None = None) -> Move | None:
        """Move `instance` to `to`, saving `fields` with it (and a history row), atomically.

        The move is a conditional `UPDATE` from the state `instance` holds; if the row is no
        longer in that state, the state is read again under a row lock and checked from there.
        Either way the row stays locked until the outermost transaction ends, so a caller that
        wraps this in its own `transaction.atomic()` can do more work for the move (give stock
        back, write an event) before anyone else sees it. Returns the `Move`, or None when a
        repeat changed nothing; an illegal move raises `IllegalMove` and changes nothing.
        """
        fields = dict(fields or {})
        model = type(instance)
        rows = model.objects.filter(pk=instance.pk)
        with transaction.atomic():
            current = getattr(instance, self.field)
            at = self._moves(current, to, only_from) and self._update(
                rows.filter(**{self.field: current}), instance, to, fields)
            if not at:
                current = rows.select_for_update().values_list(self.field, flat=True).get()
                setattr(instance, self.field, current)
                if not self.check(current=current, target=to, only_from=only_from,
                                  reason=reason):
                    return None
                at = self._update(rows, instance, to, fields)
            if self.history:
                self._record(instance, source=current, target=to, at=at, note=note)
        return Move(source=current, target=to, at=at)

    def _record(self, instance, *, source: str | None, target: str, at, note: str) -> None:
        """The history row of a move (one compiled INSERT)."""
        related = getattr(instance, self.history)
        row = related.model(from_state=source, to_state=target, at=at,
                            note=note[:HISTORY_NOTE_MAX_LENGTH])
        setattr(row, related.field.name, instance)
        insert_rows([row], using=instance._state.db or DEFAULT_DB_ALIAS)

    def _moves(self, current: str, target: str, only_from: Iterable[str] | None) -> bool:
        """`check`'s answer without its refusal: True when `current` may move to `target`."""
        try:
            return self.check(current=current, target=target, only_from=only_from)
        except IllegalMove:
            return False

    def _update(self, rows, instance, to: str, fields: dict):
        """Write the state and `fields` to `rows`; on a match, onto `instance` too, and the
        moment of the move is returned (None when no row matched)."""
        now = timezone.now()
        values = {**fields, self.field: to}
        if any(f.name == "updated_at" for f in type(instance)._meta.concrete_fields):
            values["updated_at"] = now
        if not rows.update(**values):
            return None
        for name, value in values.items():
            setattr(instance, name, value)
        return now
