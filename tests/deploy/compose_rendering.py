"""Render compose/docker-compose.yml the way `docker compose config` would (no Docker needed).

Supports what the Compose specification's interpolation and dotenv files allow and the stack
uses: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
`${VAR?error}`, `${VAR:+alternative}`; `KEY=value` lines with optional single or double quotes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_DIR = REPO_ROOT / "compose"
COMPOSE_FILE = COMPOSE_DIR / "docker-compose.yml"
ENV_EXAMPLE = COMPOSE_DIR / ".env.example"

_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(ValueError):
    """A `${VAR:?message}` whose variable is missing."""


def dotenv_parse(text: str) -> dict[str, str]:
    """The variables of a dotenv file."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0]
        values[key.strip()] = value
    return values


def _strings(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def variables_referenced(text: str) -> set[str]:
    """Every variable name the compose file interpolates (comments are not interpolated)."""
    names = set()
    for value in _strings(yaml.safe_load(text)):
        for match in _REFERENCE.finditer(value):
            name = match.group("braced") or match.group("plain")
            if name:
                names.add(name)
    return names


def interpolate(value: str, variables: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("plain")
        op, arg = match.group("op"), match.group("arg") or ""
        current = variables.get(name)
        missing = current is None or (op is not None and op.startswith(":") and current == "")
        if op in (":-", "-"):
            return arg if missing else current
        if op in (":?", "?"):
            if missing:
                raise InterpolationError(f"{name}: {arg}")
            return current
        if op in (":+", "+"):
            return "" if missing else arg
        return current or ""

    return _REFERENCE.sub(replace, value)


def _interpolate_tree(node: Any, variables: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, variables) for key, value in node.items()}
    if isinstance(node, list):
        return [_interpolate_tree(value, variables) for value in node]
    if isinstance(node, str):
        return interpolate(node, variables)
    return node


def compose_render(variables: dict[str, str] | None = None) -> dict[str, Any]:
    """The compose model after YAML anchors/merges and interpolation (default: .env.example)."""
    if variables is None:
        variables = dotenv_parse(ENV_EXAMPLE.read_text())
    model = yaml.safe_load(COMPOSE_FILE.read_text())
    return _interpolate_tree(model, variables)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's `environment`, whether written as a mapping or a list of KEY=VALUE."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}
