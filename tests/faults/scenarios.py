"""The fault scenarios. ``rounds`` sets how many kills of each kind (CI: 1; the long run
more); each scenario answers its figures (tests/faults/checks.py)."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Callable

from tests.faults.checks import Figures, check
from tests.faults.installation import Installation
from tests.faults.load import Load
from tests.faults.services import PrivatePostgres, PrivateRedis

Say = Callable[[str], None]


def quiet(_: str) -> None:
    pass


def finish(inst: Installation, checked: Figures | None) -> None:
    """Stop the processes; keep the logs only when something must be looked at (a failed
    figure, or no figures at all because the scenario broke off)."""
    inst.stop_all()
    if checked is None or checked.failures() or checked.idempotency_failures():
        if checked is not None:
            checked.notes.append(f"logs kept in {inst.data_dir}")
    else:
        inst.remove()


def stop_and_check(inst: Installation, load: Load, token: str, figures: Figures, pause: float,
                   say: Say) -> Figures:
    """Let the last fault settle, stop the load, and check everything it acknowledged."""
    time.sleep(pause)
    load.stop()
    say(f"load stopped after {len(load.writes)} writes; checking")
    return check(inst, load, token, figures)


def create_root(url: str, token: str) -> str:
    request = urllib.request.Request(
        url + "/api/v1/tenants", method="POST",
        data=json.dumps({"kind": "bureau", "code": f"c{uuid.uuid4().hex[:8]}", "name": "演练市教育局"}).encode(),
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["id"]


def under_load(inst: Installation, clients: int, say: Say):
    token = inst.operator_token()
    load = Load(inst.url, token, create_root(inst.url, token), clients=clients).start()
    say(f"load: {clients} clients on {inst.url}")
    return token, load


def split_processes_on_postgres(pg: PrivatePostgres, redis: PrivateRedis, rounds: int = 1,
                                clients: int = 3, pause: float = 2.0, say: Say = quiet) -> Figures:
    """Web, projections, worker and scheduler as separate processes, each SIGKILLed under
    load; Redis stopped and restarted empty while the worker is down; PostgreSQL restarted,
    then its postmaster killed."""
    figures = Figures("postgres+redis, split processes")
    inst = Installation.on_postgres("split", pg, redis.url(1), split=True,
                                    extra_env={"TAOLUN_OUTBOX_LEASE_SECONDS": "5"})
    checked = None
    inst.start_all()
    try:
        token, load = under_load(inst, clients, say)
        for n in range(rounds):
            for name in ("web", "project", "worker", "scheduler"):
                time.sleep(pause)
                say(f"round {n + 1}: SIGKILL {name}")
                inst.restart(name)
                figures.faults += 1
            time.sleep(pause)
            say(f"round {n + 1}: worker down, Redis restarted without persistence")
            inst.kill("worker")
            time.sleep(pause)  # work is handed to Redis that nobody consumes…
            redis.stop()
            time.sleep(pause / 2)
            redis.start()  # …and is gone with it
            time.sleep(pause / 2)
            inst.start("worker")
            figures.faults += 2
            time.sleep(pause)
            say(f"round {n + 1}: PostgreSQL restarted")
            pg.restart()
            time.sleep(pause)
            say(f"round {n + 1}: PostgreSQL postmaster SIGKILLed")
            pg.kill_postmaster()
            figures.faults += 2
        checked = stop_and_check(inst, load, token, figures, pause, say)
        return checked
    finally:
        finish(inst, checked)


def embedded_serve_killed(rounds: int = 2, clients: int = 3, pause: float = 2.0,
                          say: Say = quiet) -> Figures:
    """`taolun serve` on SQLite with its in-process broker, SIGKILLed under load."""
    figures = Figures("sqlite, taolun serve")
    inst = Installation("sqlite", extra_env={"TAOLUN_OUTBOX_LEASE_SECONDS": "5"})
    checked = None
    inst.start_all()
    try:
        token, load = under_load(inst, clients, say)
        for n in range(rounds):
            time.sleep(pause)
            say(f"round {n + 1}: SIGKILL taolun serve")
            inst.restart("web")
            figures.faults += 1
        checked = stop_and_check(inst, load, token, figures, pause, say)
        return checked
    finally:
        finish(inst, checked)
