"""The fault suite from the command line, with a table of its figures.

    python -m tests.faults.run            # the short run (as in CI)
    python -m tests.faults.run --long     # more kills of each kind, more clients

Exit status 1 when a figure that must be zero is not (docs/faults.md).
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.faults.checks import table
from tests.faults.scenarios import embedded_serve_killed, split_processes_on_postgres
from tests.faults.services import PrivatePostgres, PrivateRedis


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.run")
    parser.add_argument("--long", action="store_true", help="5 rounds of kills, 6 clients")
    parser.add_argument("--rounds", type=int, help="rounds of kills (overrides --long)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (5 if args.long else 1)
    clients = 6 if args.long else 3
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    pg, redis = PrivatePostgres().init(), PrivateRedis().start()
    try:
        rows = [
            embedded_serve_killed(rounds=rounds * 2, clients=clients, say=say),
            split_processes_on_postgres(pg, redis, rounds=rounds, clients=clients, say=say),
        ]
    finally:
        redis.destroy()
        pg.destroy()
    print(table(rows))
    for row in rows:
        for note in row.notes[:20]:
            print(f"  {row.scenario}: {note}")
    failed = [f"{r.scenario}: {', '.join(r.failures() + r.idempotency_failures())}"
              for r in rows if r.failures() or r.idempotency_failures()]
    for line in failed:
        print(f"FAILED {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
