"""The Django admin's view of a state machine's history: rows to read, never to write."""

from django.contrib import admin

HISTORY_FIELDS = ["from_state", "to_state", "at", "note"]


class HistoryInline(admin.TabularInline):
    """The history rows `StateMachine` writes, read-only under their object; a subclass names
    the `model`."""

    extra = 0
    can_delete = False
    readonly_fields = HISTORY_FIELDS

    def has_add_permission(self, request, obj=None):
        return False
