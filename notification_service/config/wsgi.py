"""WSGI entry point of notification_service."""

from common.wsgi import service_application

application = service_application()
