"""Settings for a notification_service event worker that dies (SIGKILL) right after the
transaction of its first handled registration commits, before it can ack the message."""

import os
import signal

from config.settings import *  # noqa: F403  (notification_service's settings, one handler changed)
from config.settings import EVENT_HANDLERS
from django.db import transaction

EVENT_HANDLERS = {**EVENT_HANDLERS,
                  "shop.user.registered": "tests.events.crash_after_commit.welcome_then_die"}


def welcome_then_die(event: dict) -> None:
    from notifications.handlers import on_user_registered

    on_user_registered(event)
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
