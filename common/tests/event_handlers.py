"""Event handlers for common's event tests: each handled event leaves a Group row named after it."""

from django.contrib.auth.models import Group

BROKEN = {"on": True}


def record(event: dict) -> None:
    """The effect: a row named `<type>:<subject>:<data.n>` (unique, so a second run would fail)."""
    Group.objects.create(name=f"{event['type']}:{event['subject']}:{event['data'].get('name')}")


def fragile(event: dict) -> None:
    """Fails on a product named `poison` while BROKEN is on, else records like `record`."""
    if event["data"].get("name") == "poison" and BROKEN["on"]:
        raise RuntimeError("cannot handle a poison product")
    record(event)
