"""Application config for purchases."""

from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "purchases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from common.metrics import register_collector
        from purchases.metrics import collect_breakers, collect_purchases

        register_collector(collect_purchases)
        register_collector(collect_breakers)
