"""Fixtures of the purchases suite: the fake partners and a ready order."""

import uuid

import pytest
import responses

from purchases.tests.fakes import FakePartners


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def partners(rsps):
    return FakePartners(rsps)


@pytest.fixture
def user_id():
    return uuid.uuid4()


CARD = {"card_token": "tok_visa"}
ADDRESS = {"street": "Rua das Flores", "number": "42", "complement": "apto 1",
           "district": "Jardins", "city": "Sao Paulo", "state": "sp", "zip_code": "01234-567"}


@pytest.fixture
def address():
    return dict(ADDRESS)
