"""Application config for the shared `common` app."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    label = "common"
    verbose_name = "Shop platform common"

    def ready(self):
        from django.conf import settings

        from common.events.metrics import collect_outbox
        from common.metrics import register_collector
        from common.openapi import extensions  # noqa: F401  (registers the bearer scheme)
        from common.tracing import configure_tracing, tracing_enabled

        register_collector(collect_outbox)
        if tracing_enabled():
            configure_tracing(settings.SERVICE_NAME)
