"""WSGI entry point of user_service."""

from common.wsgi import service_application

application = service_application()
