"""Application config for supplier."""

from django.apps import AppConfig


class SupplierConfig(AppConfig):
    name = "supplier"
    default_auto_field = "django.db.models.BigAutoField"
