"""Limit/offset pagination per the contract."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from common.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginated_response, parse_page_params

pytestmark = pytest.mark.django_db


def test_defaults_are_20_and_0(client):
    body = client.get("/api/echo").json()
    assert (body["count"], body["limit"], body["offset"]) == (42, 20, 0)
    assert body["results"] == list(range(20))


def test_a_large_limit_is_capped_at_100(client):
    body = client.get("/api/echo?count=150&limit=1000").json()
    assert body["limit"] == 100
    assert len(body["results"]) == 100


def test_offset_past_the_end_is_an_empty_page(client):
    body = client.get("/api/echo?offset=500").json()
    assert body["results"] == [] and body["count"] == 42


@pytest.mark.parametrize("query", ["limit=-1", "offset=-3", "limit=abc", "offset=1.5",
                                   "limit=2e3", "offset=10108368948268214192701440",
                                   "offset=1000000001"])
def test_bad_values_are_400(client, query):
    response = client.get(f"/api/echo?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) <= {"limit", "offset"}


@given(count=st.integers(0, 300), limit=st.integers(0, 500), offset=st.integers(0, 400))
def test_any_page_is_the_right_slice(count, limit, offset):
    class Params(dict):
        pass

    parsed_limit, parsed_offset = parse_page_params(Params(limit=str(limit), offset=str(offset)))
    assert parsed_limit == min(limit, MAX_LIMIT)
    assert parsed_offset == offset
    items = list(range(count))
    page = items[parsed_offset:parsed_offset + parsed_limit]
    assert len(page) == max(0, min(parsed_limit, count - offset))


def test_a_huge_limit_is_capped_not_refused(client):
    assert client.get("/api/echo?limit=10108368948268214192701440").json()["limit"] == 100


def test_missing_params_use_defaults():
    assert parse_page_params({}) == (DEFAULT_LIMIT, 0)


def _page_of(queryset, query: str = ""):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from common.pagination import LimitOffsetPagination

    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(queryset, Request(APIRequestFactory().get(f"/?{query}")))
    return paginator.count, page


def test_a_queryset_page_carries_its_total_in_one_query():
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        User.objects.create_user(f"u{n}")
    with CaptureQueriesContext(connection) as queries:
        count, page = _page_of(User.objects.order_by("id"), "limit=2&offset=1")

    assert (count, [user.username for user in page]) == (5, ["u1", "u2"])
    assert len(queries) == 1
    assert _page_of(User.objects.order_by("id"), "offset=9") == (5, [])
    assert _page_of(User.objects.none()) == (0, [])


def test_a_distinct_queryset_is_counted_after_distinct():
    from django.contrib.auth.models import Group, User

    staff, admins = Group.objects.create(name="staff"), Group.objects.create(name="admins")
    both = User.objects.create_user("both")
    both.groups.add(staff, admins)
    User.objects.create_user("one").groups.add(staff)

    count, page = _page_of(User.objects.filter(groups__in=[staff, admins]).distinct()
                           .order_by("username"))

    assert (count, [user.username for user in page]) == (2, ["both", "one"])


def test_paginated_response_serializes_the_requested_page():
    class Row(serializers.Serializer):
        n = serializers.IntegerField()

    request = Request(APIRequestFactory().get("/rows", {"limit": 2, "offset": 3}))

    response = paginated_response(request, [{"n": n} for n in range(10)], Row)

    assert response.data == {"count": 10, "limit": 2, "offset": 3,
                             "results": [{"n": 3}, {"n": 4}]}
