"""Status changes through one method that checks the model's transition table (DESIGN.md §3).

A model with a stored `status` mixes in `StateMachine` and keeps its table next to it, as
`TRANSITIONS = {from: {to, ...}}`. Services check their own preconditions first and refuse with a
domain error the user can act on; `move_to` is the last guard, so a path that forgot to check
fails loudly instead of storing an impossible state. This module is the one place that assigns a
status (`tests/test_state_machines.py` scans the source for others).
"""

from collections.abc import Collection, Mapping
from typing import ClassVar


class InvalidTransition(RuntimeError):
    """A move the transition table does not allow: a bug in the calling code, never a user's mistake."""

    def __init__(self, instance, current: str, target: str) -> None:
        self.model = type(instance).__name__
        self.current, self.target = current, target
        super().__init__(f"{self.model} {instance.pk}: no transition from '{current}' to '{target}' in "
                         f"{self.model}.TRANSITIONS")


class StateMachine:
    """Mixin for a model with a `status` field and a `TRANSITIONS` table."""

    TRANSITIONS: ClassVar[Mapping[str, Collection[str]]] = {}

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    def move_to(self, status: str) -> None:
        """Sets the new status after checking the table; the caller saves it with its other fields."""
        if not self.can_move_to(status):
            raise InvalidTransition(self, self.status, status)
        self.status = status
