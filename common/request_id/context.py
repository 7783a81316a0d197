"""The request id of the work in progress, held in a ContextVar."""

import re
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_VALID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def is_valid_request_id(value: str | None) -> bool:
    return bool(value) and _VALID.fullmatch(value) is not None


def current_request_id() -> str | None:
    return request_id_var.get()
