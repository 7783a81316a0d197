"""Optional filters of a list read, in one shape."""

from django.db.models import QuerySet


def filter_given(queryset: QuerySet, **lookups) -> QuerySet:
    """`queryset` narrowed by each lookup that was given: a value of None or "" means "any"."""
    given = {lookup: value for lookup, value in lookups.items() if value not in (None, "")}
    return queryset.filter(**given) if given else queryset
