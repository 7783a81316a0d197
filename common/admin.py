"""Django admin for the event tables every service has: outbox, inbox, dead letters (replay)."""

from django.contrib import admin, messages

from common.events.consuming import dead_letter_replay
from common.events.models import DeadLetter, InboxEvent, OutboxEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the event machinery only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "subject", "created_at", "sent_at", "publish_attempts"]
    list_filter = ["type", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id", "subject"]
    readonly_fields = ["event_id", "type", "subject", "envelope", "created_at", "sent_at",
                       "publish_attempts", "last_error"]


@admin.register(InboxEvent)
class InboxEventAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "type", "subject", "source", "stream_sequence", "handled_at"]
    list_filter = ["type", "source"]
    search_fields = ["event_id", "subject"]
    readonly_fields = ["event_id", "type", "subject", "source", "stream_sequence", "handled_at"]


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdmin):
    """Events the consumer gave up on; once the cause is fixed, `replay` hands them to their
    handler again (at most once: through the inbox)."""

    list_display = ["created_at", "type", "subject", "source", "attempts", "replayed_at"]
    list_filter = ["type", ("replayed_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id", "subject", "error"]
    readonly_fields = ["event_id", "type", "subject", "source", "envelope", "error", "attempts",
                       "stream_sequence", "created_at", "replayed_at", "replay_error"]
    actions = ["replay"]

    @admin.action(description="Replay the selected dead letters (handle them again)")
    def replay(self, request, queryset):
        done, failed = 0, 0
        for letter in queryset.filter(replayed_at__isnull=True).order_by("stream_sequence", "id"):
            try:
                dead_letter_replay(dead_letter=letter)
            except Exception as error:
                failed += 1
                self.message_user(request, f"{letter.type} {letter.event_id} failed again: "
                                           f"{type(error).__name__}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} dead letter(s) handled.", messages.SUCCESS)
        if not done and not failed:
            self.message_user(request, "Nothing to replay: the selected letters were replayed "
                                       "already.", messages.WARNING)
