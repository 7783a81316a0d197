"""Concurrent duplicates of a delivery reference on PostgreSQL."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from common.testing.clients import client_for
from deliveries.models import Delivery
from deliveries.tests.factories import address

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="concurrent transactions need PostgreSQL"),
]


def test_concurrent_duplicates_of_a_reference_schedule_one_delivery():
    body = {"reference": "race", "origin": {"address": address()},
            "destination": {"address": address(state="RJ", zip_code="20040-002")},
            "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}

    def post(_):
        try:
            client = client_for("SERVICE", service="store_service")
            return client.post("/api/delivery", body, format="json")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))

    assert [r.status_code for r in responses].count(201) == 1
    assert {r.status_code for r in responses} <= {200, 201}
    assert len({r.json()["tracking_code"] for r in responses}) == 1
    assert Delivery.objects.count() == 1
