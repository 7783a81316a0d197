"""Creates that are idempotent by the caller's `reference`: the API view and the model columns
the services share (the abstract model is imported from `common.idempotency.models`)."""

from common.idempotency.apis import IdempotentCreateApi, reference_field

__all__ = ["IdempotentCreateApi", "reference_field"]
