"""Application config for orders."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from common.metrics import register_collector
        from orders.metrics import collect_orders_by_status

        register_collector(collect_orders_by_status)
