"""The results of bench/run.py: a markdown table with ratios to the baseline, JSON, a chart,
and one row per run in the history table (bench/results/history.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from load import Result

LIST = "GET /api/products?limit=20"
DETAIL = "GET /api/products/<id>"
BASE_LIST = "baseline: GET /api/products?limit=20"
BASE_DETAIL = "baseline: GET /api/products/<id>"
ORDER = "POST /api/orders (3 items)"
DETAIL_1 = "GET /api/products/<id> (1 connection)"
ORDER_1 = "POST /api/orders (3 items, 1 connection)"
FLOOR = "floor: POST /api/orders (3 items, bare Django)"
FLOOR_1 = "floor: POST /api/orders (3 items, bare Django, 1 connection)"
ONE_CONNECTION = {ORDER: ORDER_1, FLOOR: FLOOR_1}
PURCHASE_CHAIN = "purchase: POST /api/orders + POST /api/purchases"
PURCHASE_ALONE = "POST /api/purchases (within the chain)"
PURCHASE_EARLY = "purchase, early answer (Prefer: respond-async): POST /api/orders + purchase"
PURCHASE_EARLY_ALONE = "POST /api/purchases, early answer (within the chain)"
PURCHASE_EARLY_DONE = "early-answered purchases taken to the end by the worker"
HISTORY = "history.md"
HISTORY_HEAD = (
    "# Benchmark history\n\n"
    "One row per `bench/run.py` run, appended by it (newest last); the full tables of the last\n"
    "run are `latest.md`, `latest.json` and `latest.png`. Ratios are req/s of the service over\n"
    "req/s of the bare-Django baseline in the same run; order create is its p50 over the\n"
    "product detail's p50, both on one connection; the purchase chain is an order then its\n"
    "purchase, p50 of the pair.\n\n"
    "| run (UTC) | list vs baseline | detail vs baseline | order create p50 vs detail "
    "| purchase chain p50 ms | non-2xx | gunicorn | cores, load | label |\n"
    "|---|---:|---:|---:|---:|---:|---|---|---|\n"
)


def _reference(scenario: str) -> str | None:
    """Which baseline a scenario is compared with (None for the baselines themselves)."""
    if scenario.startswith("baseline"):
        return None
    return BASE_DETAIL if scenario in (DETAIL, DETAIL_1) else BASE_LIST


def _short(name: str) -> str:
    return name.replace("baseline: ", "baseline ").replace("?limit=20", "")


def targets(by_name: dict[str, Result]) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for the issue's targets that this run could measure."""
    rows = []

    def ratio_row(label, scenario, baseline, wanted):
        if scenario in by_name and baseline in by_name and by_name[baseline].rps:
            ratio = by_name[scenario].rps / by_name[baseline].rps
            rows.append((label, f"{ratio:.0%} of {_short(baseline)}",
                         "met" if ratio >= wanted else "MISSED"))

    ratio_row("product list ≥ 60% of the baseline's throughput", LIST, BASE_LIST, 0.60)
    ratio_row("product detail ≥ 70% of the baseline's throughput", DETAIL, BASE_DETAIL, 0.70)
    ratio_row("product detail ≥ 70% of the baseline's throughput (list baseline)", DETAIL,
              BASE_LIST, 0.70)
    for order, detail, how in ((ORDER_1, DETAIL_1, "1 connection: the requests' own time"),
                               (ORDER, DETAIL, "full load: mostly queueing")):
        if order in by_name and detail in by_name and by_name[detail].p50_ms:
            factor = by_name[order].p50_ms / by_name[detail].p50_ms
            for issue, limit in ((6, 3), (15, 4)):
                rows.append((f"order create p50 ≤ {limit}x product detail p50 ({how}; issue "
                             f"{issue})", f"{factor:.1f}x ({by_name[order].p50_ms:.1f} ms vs "
                             f"{by_name[detail].p50_ms:.1f} ms)",
                             "met" if factor <= limit else "MISSED"))
    ratio_row("order create throughput at full load ≥ 20% of the baseline list's (issue 15)",
              ORDER, BASE_LIST, 0.20)
    # The floor: what no order_service can beat on this machine (bench/baseline).
    if FLOOR_1 in by_name and DETAIL_1 in by_name and by_name[DETAIL_1].p50_ms:
        factor = by_name[FLOOR_1].p50_ms / by_name[DETAIL_1].p50_ms
        rows.append(("the order floor (bare Django) p50 ≤ 4x product detail p50 (1 "
                     "connection): can any order_service meet issue 15's target?",
                     f"{factor:.1f}x ({by_name[FLOOR_1].p50_ms:.1f} ms vs "
                     f"{by_name[DETAIL_1].p50_ms:.1f} ms)",
                     "within reach" if factor <= 4 else "OUT OF REACH"))
    if FLOOR in by_name and BASE_LIST in by_name and by_name[BASE_LIST].rps:
        ratio = by_name[FLOOR].rps / by_name[BASE_LIST].rps
        rows.append(("the order floor (bare Django) at full load ≥ 20% of the baseline list's: "
                     "can any order_service meet issue 15's target?",
                     f"{ratio:.0%} of {_short(BASE_LIST)}",
                     "within reach" if ratio >= 0.20 else "OUT OF REACH"))
    return rows


def markdown(results: list[Result], meta: dict) -> str:
    by_name = {r.scenario: r for r in results}
    lines = [
        f"# Benchmark results, {meta['started_at']}",
        "",
        f"{meta['duration']} s per scenario after a {meta['warmup']} s warm-up (the four "
        f"product reads in {meta.get('rounds', 1)} interleaved rounds, baseline next to "
        "service, merged: summed requests, median p50/p99 of the rounds), "
        f"{meta['concurrency']} connections (wrk) unless the row says otherwise, every process "
        f"under gunicorn `{meta['gunicorn']}` on PostgreSQL, DEBUG off, logs at WARNING. "
        f"Machine: {meta['cpus']} cores shared with other work (load average "
        f"{meta['load_before'][0]} before, {meta['load_after'][0]} after): compare ratios "
        "within one run rather than absolute figures across runs.",
        "",
    ]
    if meta.get("label"):
        lines += [f"Label: {meta['label']}", ""]
    lines += [
        "| scenario | tool | conn. | requests | req/s | p50 ms | p99 ms | non-2xx "
        "| req/s vs baseline | p50 vs baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        reference = by_name.get(_reference(result.scenario) or "")
        # Ratios only between runs with the same number of connections.
        if (reference and reference.rps and reference.p50_ms
                and reference.concurrency == result.concurrency):
            rps_ratio = f"{result.rps / reference.rps:.0%} of {_short(reference.scenario)}"
            p50_ratio = f"{result.p50_ms / reference.p50_ms:.1f}x"
        else:
            rps_ratio = p50_ratio = "—"
        lines.append(
            f"| {result.scenario} | {result.tool} | {result.concurrency} | {result.requests} "
            f"| {result.rps:.1f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} "
            f"| {rps_ratio} | {p50_ratio} |")
    target_rows = targets(by_name)
    if target_rows:
        lines += ["", "| target (issues 6 and 15) | measured | verdict |", "|---|---|---|"]
        lines += [f"| {label} | {measured} | {verdict} |"
                  for label, measured, verdict in target_rows]
    notes = list(meta["notes"]) + [f"{r.scenario}: {note}" for r in results for note in r.notes]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    if meta.get("profiles"):
        lines += ["", "Profiles (pyinstrument and cProfile, in-process): "
                  + ", ".join(f"`{Path(p).name}`" for p in meta["profiles"])]
    lines += ["", "Query counts per request: see `latest.queries.md` (bench/queries.py).", ""]
    return "\n".join(lines)


def chart(results: list[Result], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [_short(r.scenario).replace(": ", ":\n").replace(" + ", " +\n") for r in results]
    colors = ["#9e9e9e" if r.scenario.startswith("baseline") else "#1f77b4" for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.5))
    bars = left.barh(names, [r.rps for r in results], color=colors)
    left.bar_label(bars, fmt="%.0f", padding=3)
    left.set_xlabel("requests per second (higher is better)")
    left.invert_yaxis()
    y = range(len(results))
    right.barh([i - 0.2 for i in y], [r.p50_ms for r in results], height=0.4, label="p50")
    right.barh([i + 0.2 for i in y], [r.p99_ms for r in results], height=0.4, label="p99")
    right.set_yticks(list(y), names)
    right.invert_yaxis()
    right.set_xscale("log")
    right.set_xlabel("latency, ms (log scale, lower is better)")
    right.legend()
    fig.suptitle("Services vs the bare-Django baseline (grey)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def history_row(results: list[Result], meta: dict) -> str:
    """The run in one line of the history table ("—" where a figure was not measured)."""
    by_name = {r.scenario: r for r in results}

    def ratio(scenario: str, baseline: str) -> str:
        if scenario in by_name and baseline in by_name and by_name[baseline].rps:
            return f"{by_name[scenario].rps / by_name[baseline].rps:.0%}"
        return "—"

    order = "—"
    if ORDER_1 in by_name and DETAIL_1 in by_name and by_name[DETAIL_1].p50_ms:
        order = f"{by_name[ORDER_1].p50_ms / by_name[DETAIL_1].p50_ms:.1f}x"
    purchase = f"{by_name[PURCHASE_CHAIN].p50_ms:.0f}" if PURCHASE_CHAIN in by_name else "—"
    cells = [meta["started_at"], ratio(LIST, BASE_LIST), ratio(DETAIL, BASE_DETAIL), order,
             purchase, str(sum(r.errors for r in results)), f"`{meta['gunicorn']}`",
             f"{meta['cpus']}, {meta['load_before'][0]}",
             meta.get("label", "").replace("|", "/") or "—"]
    return "| " + " | ".join(cells) + " |"


def history_append(folder: Path, row: str) -> Path:
    """Add a row to the history table, creating it with its header the first time."""
    path = folder / HISTORY
    if not path.exists():
        path.write_text(HISTORY_HEAD)
    with path.open("a") as history:
        history.write(row + "\n")
    return path


def write(results: list[Result], meta: dict, folder: Path, started_at: datetime) -> list[Path]:
    """latest.md/.json/.png (committed), a timestamped copy (git-ignored), a history row."""
    folder.mkdir(parents=True, exist_ok=True)
    text = markdown(results, meta)
    stamped = folder / f"{started_at.strftime('%Y%m%dT%H%M%SZ')}.md"
    latest = folder / "latest.md"
    data = folder / "latest.json"
    stamped.write_text(text)
    latest.write_text(text)
    data.write_text(json.dumps({"meta": meta, "results": [r.as_dict() for r in results]},
                               indent=2) + "\n")
    paths = [stamped, latest, data, history_append(folder, history_row(results, meta))]
    if results:
        picture = folder / "latest.png"
        chart(results, picture)
        paths.append(picture)
    return paths
