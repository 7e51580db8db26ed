"""Benchmark the plan importer: the example plans the package ships parsed N times, against
merely reading + decoding them.

    python bench/bench_import.py [--rounds N] [--json]

Prints documents per second for read_document + parse_plan and for read_document alone (the
baseline, measured in the same run), and the ratio between the two. It reads only what the
package ships, so it runs in any clone.
"""

from __future__ import annotations

import argparse
import json
import time

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from taolun.events.plan_import import parse_plan, read_document
from taolun.platform import sample_plans

PLANS = (sample_plans.CITY, sample_plans.DISTRICT, sample_plans.SCHOOL)


def run(label: str, rounds: int, documents: list[tuple[str, bytes]], parse: bool, progress: Progress) -> float:
    task = progress.add_task(label, total=rounds)
    elapsed = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        for name, data in documents:
            text = read_document(data, name)
            if parse:
                parse_plan(text)
        elapsed += time.perf_counter() - started
        progress.advance(task)
    return rounds * len(documents) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="passes over the example plans")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    documents = [(name, sample_plans.read(name)) for name in PLANS]
    for name, data in documents:  # warm-up: regex compilation, imports
        parse_plan(read_document(data, name))

    with Progress(transient=True, disable=args.json) as progress:
        baseline = run("read + decode", args.rounds, documents, False, progress)
        full = run("read + decode + parse", args.rounds, documents, True, progress)
    if args.json:
        print(json.dumps({"rounds": args.rounds, "documents": len(documents),
                          "baseline_docs_per_s": baseline, "parse_docs_per_s": full,
                          "ratio": baseline / full}))
        return

    table = Table(title=f"plan import, {args.rounds} rounds × {len(documents)} example plans")
    table.add_column("pipeline")
    table.add_column("documents/s", justify="right")
    table.add_column("ms/document", justify="right")
    table.add_row("read_document (baseline)", f"{baseline:,.0f}", f"{1000 / baseline:.3f}")
    table.add_row("read_document + parse_plan", f"{full:,.0f}", f"{1000 / full:.3f}")
    console = Console()
    console.print(table)
    console.print(f"parse costs {baseline / full:.1f}× the time of reading + decoding alone")


if __name__ == "__main__":
    main()
