"""WSGI entry point of carrier_service."""

from common.wsgi import service_application

application = service_application()
