"""The platform's services, their local ports and the env variable naming each one's URL."""

SERVICE_PORTS: dict[str, int] = {
    "user_service": 3001,
    "product_service": 3002,
    "order_service": 3003,
    "store_service": 3004,
    "supplier_service": 3005,
    "carrier_service": 3006,
    "payment_service": 3007,
    "notification_service": 3008,
}


def service_url_variable(name: str) -> str:
    """`user_service` -> `USER_SERVICE_URL`."""
    return f"{name.upper()}_URL"


def default_service_url(name: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[name]}"
