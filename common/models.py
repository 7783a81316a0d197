"""Models of the `common` app: each lives in its concern's package and is imported here."""

from common.events.models import DeadLetter, InboxEvent, OutboxEvent

__all__ = ["DeadLetter", "InboxEvent", "OutboxEvent"]
