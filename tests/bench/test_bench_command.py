"""`manage_all.py bench`: installs the bench's own tools, then hands over to bench/run.py."""

from __future__ import annotations

import os
import subprocess

from tests.e2e.running_platform import ROOT, manage_all


def test_the_bench_command_installs_its_tools_and_reaches_the_benchmark():
    result = manage_all("bench", "--help", env=dict(os.environ), timeout=900)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "usage: run.py" in result.stdout
    assert "--concurrency" in result.stdout
    assert (ROOT / ".venv" / ".bench-requirements-hash").is_file()
    tools = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c",
                            "import matplotlib, pyinstrument"], capture_output=True, text=True)
    assert tools.returncode == 0, tools.stderr
