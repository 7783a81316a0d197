"""WSGI entry point of order_service."""

from common.wsgi import service_application

application = service_application()
