"""Replay benchmark: ``taolun rebuild`` (every projection, into shadow tables swapped in at
the end) against a plain scan of the same notification log, in one run.

a. the log: the synthetic city of bench_campaign.py (``--scale``); with ``--events N`` the
   city's stored ``Activity.Logged`` events are copied in SQL under new aggregate ids until
   the log holds at least N events (cheap: no application, no projection on the way).
b. in a fresh process (so its peak memory is the rebuild's own): a plain scan of every
   notification in batches of ``--batch`` (read, no decoding), then ``runner.rebuild()``.
   Figures: rebuild events/s vs scan events/s (goal: at least 25% of the scan rate, i.e. a
   cost ratio ≤ 4×); the rate over the last stretch of the log vs over its first stretch
   (100,000 events, or a tenth of a smaller log; goal: within 20%); peak RSS vs 1 GiB.

``--json`` prints one JSON object: figure name -> {taolun, baseline, ratio, goal}.
``--profile`` also prints the rebuild's top cProfile entries (slower).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Backend, Figure, console, create_operator, machine_info, print_figures, write_results  # noqa: E402

STRETCH = 100_000  # the first and last stretches whose rates are compared
MIB = 1024 * 1024


def copy_activities(rt, target: int) -> int:
    """Copy the log's ``Activity.Logged`` events under new aggregate ids until the log holds
    ``target`` events; answer its size."""
    recorder = rt.apps.recorder
    postgres = rt.config.database.is_postgres
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}" if postgres else recorder.events_table_name
    # SQLite keeps ids as hyphenated text and numbers notifications by rowid.
    new_id = "gen_random_uuid()" if postgres else (
        "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' "
        "|| hex(randomblob(2)) || '-' || hex(randomblob(6)))")
    order = "notification_id" if postgres else "rowid"
    mark = "%s" if postgres else "?"
    head = recorder.max_notification_id() or 0
    while head < target:
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"SELECT min(topic) FROM {table} WHERE topic LIKE {mark}", ["%Activity.Logged"])
            row = cursor.fetchone()
            topic = next(iter(row.values())) if isinstance(row, dict) else row[0]  # psycopg: dict rows
            cursor.execute(
                f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                f"SELECT {new_id}, originator_version, topic, state FROM {table} "
                f"WHERE topic = {mark} ORDER BY {order} LIMIT {mark}",
                [topic, target - head])
        head = recorder.max_notification_id() or 0
        console.print(f"log: {head:,} events")
    return head


def grow(target: int) -> None:
    """In a child process: copy activities until the log holds ``target`` events."""
    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.platform.runtime import get_runtime

    rt = get_runtime()
    try:
        copy_activities(rt, target)
    finally:
        rt.stop()


def measure(batch: int, profile: bool) -> dict:
    """In the child process: the scan, then the rebuild, with its progress marks."""
    import resource

    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.platform.runtime import get_runtime

    runner = get_runtime().runner
    recorder = runner.recorder
    t0, position, scanned = time.perf_counter(), 0, 0
    while chunk := recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False):
        position, scanned = chunk[-1].id, scanned + len(chunk)
    scan = time.perf_counter() - t0
    runner.rebuild_batch_size = batch
    marks: list[tuple[int, float]] = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    head = runner.rebuild(progress=lambda done, total: marks.append((done, time.perf_counter() - t0)))
    rebuild = time.perf_counter() - t0
    top = ""
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)
        top = out.getvalue()
    return {"events": head, "scanned": scanned, "scan_seconds": scan, "rebuild_seconds": rebuild,
            "marks": marks, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "profile": top}


def stretch_rates(marks: list[tuple[int, float]], events: int, seconds: float) -> tuple[float, float, int]:
    """Events/s over the log's first stretch and over its last one (same length), the last
    one ending when the rebuild ended (its final settle and the swap included)."""
    length = min(STRETCH, max(1, events // 10))
    first = next((m for m in marks if m[0] >= length), marks[-1])
    last_start = next((m for m in reversed(marks) if m[0] <= events - length), (0, 0.0))
    end = (events, seconds)
    early = first[0] / first[1] if first[1] else 0.0
    late = (end[0] - last_start[0]) / (end[1] - last_start[1]) if end[1] > last_start[1] else 0.0
    return early, late, length


def figures_of(results: list[dict]) -> list[Figure]:
    """Figures of one or more runs over growing logs (smallest first): the rebuild against
    the scan at each size; the rate at the largest log against the rate at the smallest
    (flat per-event cost); within the largest run, its last stretch against its first
    (context: the last one carries the final settle and the swap); the highest peak RSS."""
    figures = []
    for result in results:
        events = result["events"]
        figures.append(Figure(
            f"a. rebuild every projection, {events:,} events", "events/s", events / result["rebuild_seconds"],
            f"plain scan of {events:,} notifications", result["scanned"] / result["scan_seconds"],
            higher_is_better=True, goal=4.0))
    small, large = results[0], results[-1]
    if len(results) > 1:
        figures.append(Figure(
            f"b. rebuild rate at {large['events']:,} events", "events/s",
            large["events"] / large["rebuild_seconds"], f"rate at {small['events']:,} events",
            small["events"] / small["rebuild_seconds"], higher_is_better=True, goal=1.25))
    early, late, length = stretch_rates(large["marks"], large["events"], large["rebuild_seconds"])
    figures.append(Figure(
        f"b'. rate over the last {length:,} of {large['events']:,} events", "events/s", late,
        f"rate over the first {length:,}", early, higher_is_better=True))
    figures.append(Figure("c. peak RSS of the rebuild process", "MiB",
                          max(r["peak_rss"] for r in results) / MIB, "budget of 1 GiB", 1024.0, goal=1.0))
    return figures


def as_json(figures: list[Figure]) -> dict:
    return {f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
            for f in figures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--events", default="", help="copy activities until the log holds this many; "
                        "several, comma-separated (e.g. 100000,1000000): a rebuild at each size")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-copy", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.batch, args.profile)))
        return 0
    if args.child_copy:
        grow(args.child_copy)
        return 0

    from bench_campaign import load

    sizes = sorted(int(n) for n in args.events.split(",") if n.strip()) or [0]
    results = []
    with Backend(args.backend) as backend:
        create_operator(backend)
        loaded = load(backend, args.scale)
        loaded["runtime"].stop()
        env = {**os.environ, **backend.taolun_env(), "DJANGO_SETTINGS_MODULE": "taolun.platform.settings"}
        for size in sizes:
            if size:  # grown in a process of its own, as the rebuild is measured in one
                subprocess.run([sys.executable, __file__, "--child-copy", str(size)], env=env, check=True)
            console.print(f"measuring the rebuild of a log of {size or 'the city'}'s events")
            argv = [sys.executable, __file__, "--child", "--batch", str(args.batch)] + (
                ["--profile"] if args.profile else [])
            child = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    figures = figures_of(results)
    events = ", ".join(f"{r['events']:,}" for r in results)
    print_figures(f"replay benchmark ({args.backend}, scale {args.scale}, logs of {events} events)", figures)
    for result in results:
        if result["profile"]:
            console.print(result["profile"])
    write_results(f"replay-{args.backend}", {
        "machine": machine_info(), "scale": args.scale, "events": [r["events"] for r in results],
        "batch": args.batch, "figures": [f.as_dict() for f in figures]})
    if args.json:
        print(json.dumps(as_json(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
