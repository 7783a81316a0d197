"""A purchase resumed by the worker links back to the trace of the request that created it."""

import pytest
from django.core.management import call_command
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from common.testing import auth_header
from common.tracing import configure_tracing
from purchases.models import Purchase
from purchases.tests.conftest import CARD

pytestmark = pytest.mark.django_db

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"


@pytest.fixture(scope="module")
def spans():
    exporter = InMemorySpanExporter()
    configure_tracing("store_service", exporter=exporter, batch=False)
    return exporter


def test_the_worker_span_links_to_the_creating_request(api_client, partners, user_id, address,
                                                       spans):
    partners.down["supplier"] = True
    order = partners.add_order(user_id=user_id)
    response = api_client.post(
        "/api/purchases", {"order_id": order["id"], "address": address, "payment": CARD},
        format="json",
        HTTP_TRACEPARENT=f"00-{TRACE_ID}-b7ad6b7169203331-01", **auth_header(user_id=user_id))
    assert response.status_code == 202
    purchase = Purchase.objects.get(pk=response.json()["id"])
    assert purchase.trace_context["traceparent"].split("-")[1] == TRACE_ID

    partners.down["supplier"] = False
    Purchase.objects.filter(pk=purchase.pk).update(next_attempt_at=purchase.created_at)
    spans.clear()
    call_command("process_purchases", "--once")

    purchase.refresh_from_db()
    assert purchase.state == "RESERVE_DELIVERED"
    resumed = next(s for s in spans.get_finished_spans() if s.name == "purchase.resume")
    assert [format(link.context.trace_id, "032x") for link in resumed.links] == [TRACE_ID]
    outgoing = [s for s in spans.get_finished_spans()
                if s.parent is not None and s.parent.span_id == resumed.context.span_id]
    assert outgoing, "the partner calls ran outside the resumed span"
