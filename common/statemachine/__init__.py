"""State machines: one table of allowed moves, one mover that locks the row and writes history."""

from common.statemachine.machine import IllegalMove, Move, StateMachine

__all__ = ["IllegalMove", "Move", "StateMachine"]
