"""GET /api/info/<state>: the provider of each Brazilian state."""

import re

import pytest
from django.core.management import call_command

from supplier.models import Provider
from supplier.provider_directory import BRAZILIAN_STATES
from supplier.services import provider_seed_all
from supplier.tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

ALL_STATES = ["AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG",
              "PA", "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO"]


def test_seed_demo_provides_every_one_of_the_27_states_once():
    call_command("seed_demo")
    call_command("seed_demo")

    assert sorted(Provider.objects.values_list("state", flat=True)) == sorted(ALL_STATES)
    assert sorted(BRAZILIAN_STATES) == sorted(ALL_STATES)


@pytest.mark.parametrize("state", ALL_STATES)
def test_info_answers_each_state_with_a_pickup_address_in_it(store_client, state):
    provider_seed_all()

    response = store_client.get(f"/api/info/{state}")

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == state
    assert body["provider_name"]
    assert body["lead_time_days"] >= 1
    address = body["address"]
    assert set(address) == {"street", "number", "complement", "district", "city", "state",
                            "zip_code", "country"}
    assert address["state"] == state
    assert address["country"] == "BR"
    assert re.fullmatch(r"\d{5}-\d{3}", address["zip_code"])
    assert address["street"] and address["city"]


def test_migrate_alone_seeds_the_27_providers():
    assert sorted(Provider.objects.values_list("state", flat=True)) == sorted(ALL_STATES)


def test_info_state_is_case_insensitive(store_client):
    Provider.objects.filter(state="RJ").delete()
    ProviderFactory(state="RJ", provider_name="Carioca Supply")

    response = store_client.get("/api/info/rj/")

    assert response.status_code == 200
    assert response.json()["provider_name"] == "Carioca Supply"
    assert response.json()["state"] == "RJ"


@pytest.mark.parametrize("state", ["XX", "ZZ", "SAO", "S", "1A", "%20SP"])
def test_info_unknown_state_is_404_not_found(store_client, state):
    provider_seed_all()

    response = store_client.get(f"/api/info/{state}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_info_reflects_an_admin_edit_and_seeding_again_keeps_it(store_client):
    provider_seed_all()
    Provider.objects.filter(state="BA").update(provider_name="Baiana Edited", lead_time_days=9)

    provider_seed_all()
    response = store_client.get("/api/info/BA")

    assert response.json()["provider_name"] == "Baiana Edited"
    assert response.json()["lead_time_days"] == 9
