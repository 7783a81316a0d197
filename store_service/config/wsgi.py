"""WSGI entry point of store_service."""

from common.wsgi import service_application

application = service_application()
