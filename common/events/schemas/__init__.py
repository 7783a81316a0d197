"""One JSON Schema per event type (this folder) and the function that checks an event against it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

SCHEMA_DIR = Path(__file__).resolve().parent
ENVELOPE = "envelope"


class InvalidEvent(ValueError):
    """An event of an unknown type, or one whose envelope or data breaks its schema."""


@cache
def event_types() -> tuple[str, ...]:
    """Every known event type, one per schema file (`shop.order.created.json` …)."""
    return tuple(sorted(path.stem for path in SCHEMA_DIR.glob("shop.*.json")))


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_for(event_type: str) -> dict[str, Any]:
    """The JSON Schema of an event type's `data`."""
    if event_type not in event_types():
        raise InvalidEvent(f"unknown event type {event_type!r}; known: {', '.join(event_types())}")
    return _validator(event_type).schema


def _check(name: str, instance: Any, where: str) -> None:
    try:
        _validator(name).validate(instance)
    except ValidationError as error:
        path = ".".join(str(part) for part in error.absolute_path) or "(root)"
        raise InvalidEvent(f"{where} at {path}: {error.message}") from None


def validate_data(event_type: str, data: Any) -> None:
    """Raise InvalidEvent when `data` is not a valid payload of `event_type`."""
    schema_for(event_type)
    _check(event_type, data, f"{event_type} data")


def validate_event(event: dict[str, Any]) -> None:
    """Raise InvalidEvent unless `event` is a CloudEvents envelope of a known type, data valid."""
    _check(ENVELOPE, event, "envelope")
    validate_data(event["type"], event["data"])
