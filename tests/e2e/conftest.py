"""Fixtures for the end-to-end tests: migrated SQLite files and platforms that always stop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.running_platform import (
    RunningPlatform,
    free_port_offset,
    manage_all,
    platform_env,
)


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fresh SQLite files for every present service, set up once by `manage_all.py setup`."""
    directory = tmp_path_factory.mktemp("e2e-sqlite")
    result = manage_all("setup", "--no-demo", env=platform_env(directory))
    assert result.returncode == 0, (
        f"setup failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return directory


@pytest.fixture
def start_platform(sqlite_dir: Path) -> Iterator[Callable[..., RunningPlatform]]:
    """Start `manage_all.py <args>` (e.g. "up"); everything is stopped after the test."""
    started: list[RunningPlatform] = []

    def start(*args: str, **env: str) -> RunningPlatform:
        platform = RunningPlatform(list(args), platform_env(sqlite_dir, **env),
                                   port_offset=free_port_offset())
        started.append(platform)
        return platform

    yield start
    for platform in started:
        platform.stop()
