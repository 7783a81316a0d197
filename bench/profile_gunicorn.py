"""CPU per request inside gunicorn workers, gunicorn's own work included: service vs baseline.

    .venv/bin/python bench/profile_gunicorn.py [--duration 8] [--concurrency 4]

Needs the bench databases of bench/run.py (run it once first). For each product read it starts
the baseline or product_service alone under gunicorn (`--workers 1`, the cProfile hooks of
bench/profiling/gunicorn_cprofile.py), drives it with wrk for a fixed time, stops it, and reads
the worker's profile: CPU ms per request (the worker's whole CPU time / requests answered) and
where it goes. Writes bench/results/profile-gunicorn.md.
"""

from __future__ import annotations

import argparse
import io
import pstats
import re
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import load  # noqa: E402
from stack import BASELINE, ROOT, Stack, base_env, log, pick_ports  # noqa: E402

PATHS = {"list": "/api/products?limit=20",
         "detail": "/api/products/10000000-0000-4000-8000-000000000001"}


def _trim(text: str) -> str:
    root = re.escape(str(ROOT) + "/")
    return re.sub(rf"(/\S*?/site-packages/|{root}|/\S*?/lib/python3\.\d+/)", "", text)


def profile_one(name: str, target: str, path: str, args, tmp: Path) -> tuple[float, int, str]:
    ports = pick_ports(args.base_port)
    env = dict(base_env(ports), BENCH_PROFILE_DIR=str(tmp), BENCH_PROFILE_NAME=name)
    stack = Stack(ports=ports, env=env, workers=1, threads=1, gunicorn_args=[
        "-c", str(BENCH / "profiling" / "gunicorn_cprofile.py")])
    try:
        if target == BASELINE:
            stack.start_baseline()
        else:
            stack.start_service(target)
        if not stack.wait_ready(target):
            raise SystemExit(f"{target} did not start: {stack.log_tail(target)}")
        result = load.run_get(name, f"{stack.url(target)}{path}", duration=args.duration,
                              concurrency=args.concurrency)
    finally:
        stack.stop()
    files = list(tmp.glob(f"{name}-*.prof"))
    if not files:
        raise SystemExit(f"no profile written for {name}: {stack.log_tail(target)}")
    stats = pstats.Stats(*map(str, files), stream=(out := io.StringIO()))
    total = stats.total_tt  # CPU seconds of the worker, start-up to exit
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(20)
    # Requests answered include the readiness probes (a handful); wrk's count dominates.
    return total, result.requests, _trim(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--base-port", type=int, default=3100)
    args = parser.parse_args()
    rows, sections = [], []
    with tempfile.TemporaryDirectory(prefix="bench-gunicorn-prof-") as tmp:
        for kind, path in PATHS.items():
            for label, target in (("baseline", BASELINE), ("product_service", "product_service")):
                name = f"{label}-{kind}"
                log(f"profiling {name}")
                total, count, text = profile_one(name, target, path, args, Path(tmp))
                rows.append((name, count, total, total * 1000 / max(count, 1)))
                sections.append(f"## {name}: {count} requests, worker CPU {total:.2f} s\n\n"
                                f"```\n{text.strip()}\n```\n")
    lines = ["# CPU per request inside one gunicorn worker (cProfile, CPU time)", "",
             f"wrk, {args.concurrency} connections, {args.duration} s per row, `--workers 1`; "
             "the worker's whole CPU time (gunicorn's request handling, Django, the database "
             "driver) over the requests it answered. cProfile inflates call-heavy code, so "
             "compare rows with each other rather than with un-profiled figures. By "
             "`bench/profile_gunicorn.py`.", "",
             "| worker | requests | CPU s | CPU ms per request |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {count} | {total:.2f} | {per:.2f} |"
              for name, count, total, per in rows]
    text = "\n".join(lines) + "\n\n" + "\n".join(sections)
    (BENCH / "results" / "profile-gunicorn.md").write_text(text)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
