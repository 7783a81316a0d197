"""The revocation list: a user's (or one session's) access tokens issued before a moment."""

import uuid

from django.db import models


class AccessRevocation(models.Model):
    """Tokens of `user_id` (of one session when `session_id` is set) issued before
    `not_before` are refused; the row is kept until the last of them would have expired."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField(db_index=True)
    session_id = models.UUIDField(null=True, blank=True)
    not_before = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "common"

    def __str__(self) -> str:
        return f"{self.user_id} before {self.not_before.isoformat()}"
