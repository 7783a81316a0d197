"""Fixtures of the purchases suite: the fake partners and a ready order."""

import uuid

import pytest

from common.testing.fixtures import http_stubs  # noqa: F401  (fixture)
from purchases.tests.fakes import FakePartners


@pytest.fixture
def rsps(http_stubs):  # noqa: F811
    """The `responses` mock the fake partners answer in (`common.testing`'s `http_stubs`)."""
    return http_stubs


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
