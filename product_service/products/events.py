"""The event product_service publishes (docs/events.md): `shop.product.changed`."""

from common.events import publish

PRODUCT_CHANGED = "shop.product.changed"


def product_changed_publish(*, product, deleted: bool = False) -> None:
    """The product as it now is (or was, with `deleted: true`); call it in the transaction
    that makes the change."""
    publish(type=PRODUCT_CHANGED, subject=str(product.id), data={
        "product_id": str(product.id), "name": product.name,
        "description": product.description, "price": f"{product.price:.2f}",
        "stock": product.stock, "deleted": deleted})
