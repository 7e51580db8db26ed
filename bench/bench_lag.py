"""Live projection lag under a sustained write load, PostgreSQL, split processes.

    python bench/bench_lag.py [--rate 50] [--seconds 30] [--json]

The web (``taolun serve --web-only``) and the projection runner (``taolun project``) run as
separate processes on a fresh PostgreSQL database (+ Redis). Clients post activities
(``POST /activities`` as a branch secretary) at ``--rate`` per second, open loop (each write
starts at its scheduled time, whatever the previous ones took). An observer polls, on its own
connection, the head of the notification log and the campaigns projection's position every
few milliseconds: an event's lag is the time from the poll that first sees it committed to
the one that first sees the projection past it (commit → applied, whichever process applied
it: the web applies the batch itself for read-your-writes when it can). The poll interval is
printed: lags are only as fine as it.

Figures (goal p99 < 1 s): lag p50 and p99 against that 1 s budget (cost ratio ≤ 1); the
write rate achieved against the rate asked for; write latency p50/p99 for context.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    TAOLUN,
    Backend,
    Client,
    Figure,
    Server,
    console,
    create_operator,
    figures_object,
    free_port,
    in_threads,
    machine_info,
    percentile,
    print_figures,
    taolun_runtime,
    write_results,
)
from profile_activity_write import city  # noqa: E402

BUDGET_MS = 1000.0


def prepare(backend: Backend) -> dict:
    """The stores and a small city with a secretary's token, written in this process,
    which then lets go of the runtime (its runner must not compete with the processes)."""
    create_operator(backend)
    rt = taolun_runtime(backend)
    made = city(rt)
    rt.stop()
    return made


class Observer(threading.Thread):
    """Polls (log head, campaigns position); notes when each notification id is first seen
    committed and first seen applied."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(daemon=True)
        self.backend = backend
        self.committed: dict[int, float] = {}
        self.applied: dict[int, float] = {}
        self.polls = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.backend.database_url, autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = 'eventstore' "
                "AND column_name = 'notification_id'")]
            head_sql = " , ".join(f'(SELECT max(notification_id) FROM eventstore."{t}")' for t in tables)
            query = (f"SELECT GREATEST({head_sql}), (SELECT position FROM projections_projectionposition "
                     "WHERE name = 'campaigns')")
            seen_head, seen_applied = self._poll(conn, query)
            while not self.stopping.is_set():
                head, position = self._poll(conn, query)
                now = time.perf_counter()
                for n in range(seen_head + 1, head + 1):
                    self.committed[n] = now
                for n in range(seen_applied + 1, position + 1):
                    self.applied[n] = now
                seen_head, seen_applied = max(seen_head, head), max(seen_applied, position)
                self.polls += 1
                time.sleep(0.002)

    @staticmethod
    def _poll(conn, query: str) -> tuple[int, int]:
        head, position = conn.execute(query).fetchone()
        return head or 0, position or 0

    def lags_ms(self, after: int) -> list[float]:
        return [(self.applied[n] - t) * 1e3 for n, t in self.committed.items()
                if n > after and n in self.applied]


def load(port: int, token: str, body: dict, rate: float, seconds: float, clients: int) -> tuple[list[float], float]:
    """Open-loop writes at ``rate``/s for ``seconds``; answers the latencies and the rate achieved."""
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    taken = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []

    def worker(_: int) -> None:
        client = Client(port, token)
        try:
            while True:
                with lock:
                    i = next(taken, None)
                if i is None:
                    return
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                t0 = time.perf_counter()
                client.post_json("/api/v1/activities", {**body, "title": f"负载{i}"}, expect=(201,))
                with lock:
                    latencies.append(time.perf_counter() - t0)
        finally:
            client.close()

    in_threads(worker, clients)
    return latencies, len(latencies) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="writes per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    with Backend("postgres") as backend:
        made = prepare(backend)
        env = backend.taolun_env()
        port = free_port()
        web = Server("web", [TAOLUN, "serve", "--web-only", "--port", str(port), "--threads", "8"],
                     env, port, backend.data_dir)
        project_log = open(backend.data_dir / "project.log", "wb")
        projector = subprocess.Popen([TAOLUN, "project"], env=env, stdout=project_log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        observer = Observer(backend)
        try:
            web.wait_ready()
            observer.start()
            time.sleep(0.5)
            before = max(observer.committed, default=0)
            first = max(before, max(observer.applied, default=0))
            latencies, achieved = load(port, made["token"], made["body"], args.rate, args.seconds,
                                       args.clients)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (max(observer.applied, default=0)
                                                   < max(observer.committed, default=0)):
                time.sleep(0.05)
            observer.stopping.set()
            observer.join(5)
        finally:
            projector.terminate()
            try:
                projector.wait(15)
            except subprocess.TimeoutExpired:
                projector.kill()
            project_log.close()
            web.stop()
        lags = observer.lags_ms(first)
        poll_ms = args.seconds * 1e3 / max(1, observer.polls)
    note = f"{len(lags)} events, poll every ~{poll_ms:.1f} ms"
    figures = [Figure(f"lag commit → applied p{q} at {args.rate:g} writes/s", "ms", percentile(lags, q),
                      "the 1 s budget", BUDGET_MS, goal=1.0, note=note) for q in (50, 99)]
    figures.append(Figure("writes/s sustained", "writes/s", achieved, "the rate asked for", args.rate,
                          higher_is_better=True, goal=1.05))
    figures += [Figure(f"write latency p{q} (read-your-writes)", "ms", percentile(latencies, q) * 1e3,
                       "the 1 s budget", BUDGET_MS) for q in (50, 99)]
    print_figures("projection lag (PostgreSQL, web and `taolun project` apart)", figures,
                  out=console if args.json else None)
    write_results("lag-postgres", {"machine": machine_info(), "rate": args.rate, "seconds": args.seconds,
                                   "figures": [f.as_dict() for f in figures]})
    if args.json:
        print(json.dumps(figures_object(figures), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
