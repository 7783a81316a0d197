"""WSGI entry point of supplier_service."""

from common.wsgi import service_application

application = service_application()
