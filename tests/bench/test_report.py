"""bench/report.py's history table, and which benchmark output git keeps."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.running_platform import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import report
from load import Result

META = {"started_at": "2026-12-02T14:00:00Z", "gunicorn": "--workers 2 --threads 1",
        "cpus": 2, "load_before": [0.5, 0.4, 0.3], "label": "a | b"}


def result(scenario: str, *, rps: float, p50_ms: float, errors: int = 0) -> Result:
    return Result(scenario=scenario, tool="wrk", duration_s=10, requests=int(rps * 10),
                  errors=errors, p50_ms=p50_ms, p99_ms=p50_ms * 2, concurrency=16)


def test_history_row_holds_the_ratios_to_the_baseline_and_the_order_factor():
    results = [result(report.BASE_LIST, rps=1000, p50_ms=10),
               result(report.LIST, rps=720, p50_ms=14),
               result(report.BASE_DETAIL, rps=2000, p50_ms=5),
               result(report.DETAIL, rps=1500, p50_ms=6, errors=3),
               result(report.DETAIL_1, rps=800, p50_ms=1.25),
               result(report.ORDER_1, rps=60, p50_ms=17.5),
               result(report.PURCHASE_CHAIN, rps=17, p50_ms=463.4)]

    row = report.history_row(results, META)

    assert row == ("| 2026-12-02T14:00:00Z | 72% | 75% | 14.0x | 463 | 3 "
                   "| `--workers 2 --threads 1` | 2, 0.5 | a / b |")


def test_history_row_marks_what_was_not_measured():
    row = report.history_row([result(report.LIST, rps=700, p50_ms=14)], dict(META, label=""))

    assert row.split(" | ")[1:5] == ["—", "—", "—", "—"]
    assert row.endswith("| — |")


def test_history_append_writes_the_header_once_then_one_row_per_run(tmp_path):
    report.history_append(tmp_path, "| first |")
    path = report.history_append(tmp_path, "| second |")

    lines = path.read_text().splitlines()
    assert lines.count("# Benchmark history") == 1
    assert lines[-2:] == ["| first |", "| second |"]
    assert lines[-3].startswith("|---|")


@pytest.mark.parametrize(("name", "ignored"), [
    ("latest.md", False), ("latest.json", False), ("latest.png", False),
    ("latest.queries.md", False), ("history.md", False),
    ("20261202T140000Z.md", True), ("profile-order_create.txt", True),
    ("profile-gunicorn.md", True), ("chart-20261202.png", True),
])
def test_git_keeps_only_the_latest_run_and_the_history(name, ignored):
    check = subprocess.run(["git", "check-ignore", "-q", f"bench/results/{name}"], cwd=ROOT)

    assert (check.returncode == 0) is ignored


@pytest.mark.parametrize(("floor_p50", "floor_rps", "verdicts"), [
    (9.0, 150, ["OUT OF REACH", "OUT OF REACH"]),
    (4.0, 250, ["within reach", "within reach"]),
])
def test_the_order_floor_says_whether_the_order_targets_are_within_reach(floor_p50, floor_rps,
                                                                        verdicts):
    results = [result(report.BASE_LIST, rps=1000, p50_ms=10),
               result(report.DETAIL_1, rps=800, p50_ms=1.25),
               result(report.FLOOR, rps=floor_rps, p50_ms=60),
               result(report.FLOOR_1, rps=100, p50_ms=floor_p50)]

    rows = [row for row in report.targets({r.scenario: r for r in results})
            if row[0].startswith("the order floor")]

    assert [verdict for _, _, verdict in rows] == verdicts
    assert rows[0][1].startswith(f"{floor_p50 / 1.25:.1f}x")
    assert rows[1][1].startswith(f"{floor_rps / 1000:.0%}")
