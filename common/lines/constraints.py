"""The database's side of the line rules: one line per product in its parent, each of a
positive quantity (orders' items and stock reservations' lines)."""

from django.db import models
from django.db.models import Q


def product_line_constraints(*, parent: str) -> list[models.BaseConstraint]:
    """The constraints of a line model with `product_id` and `quantity` under the foreign key
    `parent`; named `<app>_<model>_unique_product` and `<app>_<model>_quantity_positive`."""
    return [
        models.UniqueConstraint(fields=[parent, "product_id"],
                                name="%(app_label)s_%(class)s_unique_product"),
        models.CheckConstraint(condition=Q(quantity__gt=0),
                               name="%(app_label)s_%(class)s_quantity_positive"),
    ]
