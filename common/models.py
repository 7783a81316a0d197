"""Models of the `common` app: each lives in its concern's package and is imported here."""

from common.auth.models import AccessRevocation
from common.events.models import DeadLetter, InboxEvent, OutboxEvent

__all__ = ["AccessRevocation", "DeadLetter", "InboxEvent", "OutboxEvent"]
