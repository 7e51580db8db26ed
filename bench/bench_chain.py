"""Audit chain benchmark: verifying the chain vs a plain scan of the same notifications.

    . .venv/bin/activate
    python bench/bench_chain.py                          # SQLite, 1,000,000 events
    python bench/bench_chain.py --backend postgres       # PostgreSQL + Redis
    python bench/bench_chain.py --events 200000 --json   # smaller; one JSON object on stdout

The log is the synthetic city of the campaign benchmark (bench_campaign.load, ``--scale``,
written through the applications), measured as it is; then it is grown to ``--events``
stored events cheaply, by bulk-inserting copies of the city's stored events under fresh
originator ids (COPY on PostgreSQL), linked by the chain keeper, and measured again.

Each figure: ``Verification.run`` (hash every stored event, link it, compare the link at
each batch's end and every signed checkpoint) in events/s against a plain scan of the same
notifications (``select_notifications`` in the same batches of 5,000, each state touched),
median of ``--repeats`` runs, the two interleaved. Goal: at least 50% of the scan's rate
(cost ratio ≤ 2×).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: E402

from _common import (  # noqa: E402
    DEFAULT_PG_URL,
    DEFAULT_REDIS_URL,
    Backend,
    Figure,
    console,
    machine_info,
    print_figures,
    write_results,
)
from bench_campaign import load  # noqa: E402

GOAL = 2.0  # verification at >= 50% of the scan's events/s
BATCH = 5000  # the verification's own batch size; the scan reads the same


def scan(recorder) -> int:
    """The baseline: read every notification, in the verification's batches, touching each state."""
    last, seen, size = 0, 0, 0
    while batch := recorder.select_notifications(start=last, limit=BATCH, inclusive_of_start=False):
        for notification in batch:
            size += len(notification.state)
        seen += len(batch)
        last = batch[-1].id
    return seen


def measure(rt, repeats: int, label: str) -> Figure:
    from taolun.projections.chain.verify import Verification

    verification = Verification(rt.apps.recorder, rt.signer.key.public_key(), batch_size=BATCH)
    scans, verifies, events = [], [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        events = scan(rt.apps.recorder)
        scans.append(time.perf_counter() - started)
        started = time.perf_counter()
        outcome = verification.run()
        verifies.append(time.perf_counter() - started)
        assert outcome.passed and outcome.checked == events, outcome
    scan_s, verify_s = statistics.median(scans), statistics.median(verifies)
    return Figure(f"chain verification, {label}", "events/s", events / verify_s,
                  f"select_notifications scan, batches of {BATCH}", events / scan_s, higher_is_better=True,
                  goal=GOAL, note=f"{events:,} events, median of {repeats}",
                  extra={"events": events, "verify_seconds": verifies, "scan_seconds": scans,
                         "checkpoints": outcome.checkpoints})


def grow(rt, target: int) -> int:
    """Copies of the stored events under fresh originator ids until the log holds ``target``."""
    recorder = rt.apps.recorder
    originals = []
    last = 0
    while batch := recorder.select_notifications(start=last, limit=BATCH, inclusive_of_start=False):
        originals += [(n.originator_id, n.originator_version, n.topic, n.state) for n in batch]
        last = batch[-1].id
    have = len(originals)
    table = recorder.events_table_name
    with Progress(TextColumn("growing the log"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("grow", total=target, completed=have)
        while have < target:
            fresh: dict = {}
            rows = []
            for originator, version, topic, state in originals[: target - have]:
                new_id = fresh.setdefault(originator, uuid.uuid4())
                rows.append((new_id, version, topic, state))
            _insert(rt, table, rows)
            have += len(rows)
            progress.update(task, completed=have)
    return have


def _insert(rt, table: str, rows: list[tuple]) -> None:
    config = rt.config
    if config.database.is_postgres:
        import psycopg

        from taolun.infra.eventstore import EVENT_SCHEMA

        db = config.database
        with psycopg.connect(dbname=db.name, host=db.host, port=db.port, user=db.user, password=db.password) as conn:
            with conn.cursor().copy(f"COPY {EVENT_SCHEMA}.{table} (originator_id, originator_version, topic, state) "
                                    "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    import sqlite3

    conn = sqlite3.connect(config.event_store_file)
    with conn:
        conn.executemany(f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?,?,?,?)",
                         [(o.hex, v, t, s) for o, v, t, s in rows])
    conn.close()


def link(rt) -> float:
    from taolun.projections.chain.keeper import ChainKeeper

    keeper = ChainKeeper(rt.apps.recorder, rt.signer, batch_size=10000,
                         checkpoint_events=rt.config.audit_checkpoint_events)
    started = time.perf_counter()
    keeper.catch_up()
    return time.perf_counter() - started


def migrated(backend: Backend) -> None:
    """The tables, before the city is loaded into them (``load`` sets Django up on the same
    environment)."""
    import os

    os.environ.update(backend.taolun_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "taolun.platform.settings"
    from taolun.platform.cli import migrate, setup_django

    setup_django()
    migrate()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--scale", type=float, default=0.01, help="the campaign benchmark's city (0.01: ~2,500 events)")
    parser.add_argument("--events", type=int, default=1_000_000, help="stored events in the grown log")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()

    with Backend(args.backend, args.pg_url, args.redis_url) as backend:
        console.print(f"loading the synthetic city (scale {args.scale}) …")
        migrated(backend)
        loaded = load(backend, args.scale)
        rt = loaded["runtime"]
        linked_city = link(rt)
        figures = [measure(rt, args.repeats, "the city's log")]
        grown = grow(rt, args.events)
        console.print(f"linking {grown:,} events …")
        linked_s = link(rt)
        figures.append(measure(rt, args.repeats, "grown log"))
        figures[-1].extra["link_seconds"] = linked_s
        figures[0].extra["link_seconds"] = linked_city
        rt.stop()

    if args.json:
        print(json.dumps({f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal}
                          for f in figures}, ensure_ascii=False))
    else:
        print_figures(f"audit chain benchmark ({args.backend})", figures)
    write_results(f"chain-{args.backend}", {"machine": machine_info(), "args": vars(args),
                                            "figures": [f.as_dict() for f in figures]})
    return 0 if all(f.meets_goal for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
