"""common.errors: a value another row has in any case is a 400 naming its field, before the
write (`refuse_duplicate`) and when a concurrent write wins (`atomic_refusing_duplicate`)."""

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from common.errors import atomic_refusing_duplicate, refuse_duplicate
from common.events.models import OutboxEvent

pytestmark = pytest.mark.django_db


def _event(**fields) -> OutboxEvent:
    return OutboxEvent.objects.create(**{"event_id": uuid.uuid4(), "type": "shop.test",
                                         "subject": "Order-1", "envelope": {}, **fields})


def test_a_value_another_row_has_in_another_case_is_400_on_its_field():
    _event(subject="Order-1")

    with pytest.raises(ValidationError) as refused:
        refuse_duplicate(OutboxEvent, field="subject", value="ORDER-1", message="Taken.")

    assert refused.value.detail == {"subject": ["Taken."]}


def test_the_row_itself_does_not_count():
    own = _event(subject="Order-1")

    refuse_duplicate(OutboxEvent, field="subject", value="order-1", message="Taken.",
                     exclude_id=own.pk)


def test_a_unique_constraint_broken_inside_the_transaction_is_the_same_400():
    taken = _event()

    with (pytest.raises(ValidationError) as refused,
          atomic_refusing_duplicate(field="event_id", message="Taken.")):
        _event(event_id=taken.event_id)

    assert refused.value.detail == {"event_id": ["Taken."]}
    assert OutboxEvent.objects.count() == 1
