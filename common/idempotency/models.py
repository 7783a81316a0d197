"""`ReferencedRecord`: the columns of a row created once per caller `reference`."""

import uuid

from django.db import models

REFERENCE_MAX_LENGTH = 255


class ReferencedRecord(models.Model):
    """A row a caller creates idempotently: its own id, the caller's unique `reference`
    (the idempotency key), and when it was made and last changed; newest first."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=REFERENCE_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
