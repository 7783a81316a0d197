"""WSGI entry point of product_service."""

from common.wsgi import service_application

application = service_application()
