"""Benchmark the plan importer: seeds parsed N times, against merely reading + decoding them.

    python bench/bench_import.py [--rounds N]

Prints documents per second for read_document + parse_plan and for read_document alone (the
baseline, measured in the same run), and the ratio between the two.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from taolun.events.plan_import import parse_plan, read_document

SEEDS = (
    "tianjin-vocational-university-plan.txt",
    "yangzhou-city-education-plan.txt",
    "yiyang-technical-school-plan.txt",
)


def find_seeds() -> Path:
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        for candidate in (folder / "shared" / "seeds", folder.parent / "shared" / "seeds"):
            if all((candidate / name).is_file() for name in SEEDS):
                return candidate
    sys.exit(f"shared/seeds not found above {here}")


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
    parser.add_argument("--rounds", type=int, default=200, help="passes over the three seeds")
    args = parser.parse_args()
    seeds = find_seeds()
    documents = [(name, (seeds / name).read_bytes()) for name in SEEDS]
    for name, data in documents:  # warm-up: regex compilation, imports
        parse_plan(read_document(data, name))

    with Progress(transient=True) as progress:
        baseline = run("read + decode", args.rounds, documents, False, progress)
        full = run("read + decode + parse", args.rounds, documents, True, progress)

    table = Table(title=f"plan import, {args.rounds} rounds × {len(documents)} seeds")
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
