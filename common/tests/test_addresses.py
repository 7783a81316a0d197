"""Brazilian addresses: 27 states, CEP with or without the hyphen, BR only."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.addresses import BRAZILIAN_STATES, AddressSerializer

VALID = {"street": "Av. Paulista", "number": "1000", "city": "São Paulo", "state": "sp",
         "zip_code": "01310100"}


def test_a_valid_address_comes_out_normalised():
    data = AddressSerializer(data=VALID)
    assert data.is_valid(), data.errors
    assert data.validated_data["state"] == "SP"
    assert data.validated_data["zip_code"] == "01310-100"
    assert data.validated_data["country"] == "BR"
    assert data.validated_data["complement"] == ""


def test_there_are_27_states():
    assert len(BRAZILIAN_STATES) == 27


@given(st.text(min_size=2, max_size=2).filter(lambda s: s.upper() not in BRAZILIAN_STATES))
def test_any_other_two_letters_is_not_a_state(state):
    data = AddressSerializer(data={**VALID, "state": state})
    assert not data.is_valid()
    assert "state" in data.errors


@given(st.from_regex(r"\d{5}-?\d{3}", fullmatch=True))
def test_every_cep_is_accepted(cep):
    data = AddressSerializer(data={**VALID, "zip_code": cep})
    assert data.is_valid(), data.errors


@pytest.mark.parametrize("zip_code", ["12345", "ABCDE-123", "01310-1000", "0131O-100", ""])
def test_anything_else_is_not_a_cep(zip_code):
    data = AddressSerializer(data={**VALID, "zip_code": zip_code})
    assert not data.is_valid()
    assert "zip_code" in data.errors


@pytest.mark.parametrize("country", ["PT", "US", "Argentina"])
def test_only_brazil_is_served(country):
    data = AddressSerializer(data={**VALID, "country": country})
    assert not data.is_valid()
    assert "country" in data.errors
