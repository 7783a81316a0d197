"""WSGI entry point of payment_service."""

from common.wsgi import service_application

application = service_application()
