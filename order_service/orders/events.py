"""The events order_service publishes, their data built from an order (docs/events.md)."""

from common.events import publish

ORDER_CREATED = "shop.order.created"
ORDER_STATUS_CHANGED = "shop.order.status_changed"


def _money(value) -> str:
    return f"{value:.2f}"


def order_created_publish(*, order, items) -> None:
    """`shop.order.created`; call it in the transaction that saves the order."""
    publish(type=ORDER_CREATED, subject=str(order.id), data={
        "order_id": str(order.id),
        "user_id": str(order.user_id),
        "items": [{"product_id": str(item.product_id), "name": item.name,
                   "unit_price": _money(item.unit_price), "quantity": item.quantity,
                   "line_total": _money(item.line_total)} for item in items],
        "total_amount": _money(order.total_amount),
        "status": order.status,
        "created_at": order.created_at.isoformat().replace("+00:00", "Z"),
    })


def order_status_changed_publish(*, order, source: str, target: str) -> None:
    """`shop.order.status_changed`; call it in the transaction that moves the order."""
    publish(type=ORDER_STATUS_CHANGED, subject=str(order.id), data={
        "order_id": str(order.id), "user_id": str(order.user_id), "from": source, "to": target})
