"""Seed the provider of each of the 27 Brazilian states, so `migrate` alone serves /api/info."""

from django.db import migrations


def seed_providers(apps, schema_editor):
    from supplier.provider_directory import PROVIDERS

    provider = apps.get_model("supplier", "Provider")
    for row in PROVIDERS:
        provider.objects.get_or_create(
            state=row["state"], defaults={k: v for k, v in row.items() if k != "state"})


class Migration(migrations.Migration):

    dependencies = [
        ("supplier", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_providers, migrations.RunPython.noop),
    ]
