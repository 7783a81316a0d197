"""A JSON parser that refuses, with a 400, what would otherwise fail later as a 500: nesting
deeper than JSON_MAX_DEPTH, strings with NUL characters or lone surrogates (no database
column takes them), numbers Python will not convert, NaN and Infinity."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _bad_string(text: str) -> str | None:
    if "\x00" in text:
        return "JSON strings may not contain NUL characters."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "JSON strings may not contain unpaired surrogates."
    return None


def check_json_value(value, *, max_depth: int) -> None:
    """Raise ParseError when `value` nests deeper than `max_depth` or holds a bad string."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise ParseError(f"JSON nested deeper than {max_depth} levels.")
            if isinstance(item, dict):
                for key, child in item.items():
                    if (problem := _bad_string(key)) is not None:
                        raise ParseError(problem)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and (problem := _bad_string(item)) is not None:
            raise ParseError(problem)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError("JSON parse error - the body is not valid UTF-8.") from exc
        try:
            data = json.loads(text, parse_constant=_no_constants)
        except RecursionError as exc:
            raise ParseError("JSON nested too deeply.") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        check_json_value(data, max_depth=settings.JSON_MAX_DEPTH)
        return data
