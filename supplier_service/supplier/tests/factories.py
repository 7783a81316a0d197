"""factory-boy factories for the supplier's models."""

import uuid

import factory

from supplier.models import Provider, SupplierProduct


class SupplierProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierProduct

    product_id = factory.LazyFunction(uuid.uuid4)
    stock = 10


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    state = "SP"
    provider_name = factory.Sequence(lambda n: f"Provider {n}")
    street = "Rua Augusta"
    number = "100"
    complement = ""
    district = "Consolação"
    city = "São Paulo"
    zip_code = "01305-000"
    country = "BR"
    lead_time_days = 2
