"""Shared helpers for the benchmark scripts in bench/.

* ``Backend``: a throw-away data dir (SQLite) or PostgreSQL database (+ Redis broker URL),
  removed again on exit.
* ``TaolunServer`` / ``start_plain``: server subprocesses on free ports, waited for on
  ``/healthz``, stopped with SIGTERM (SIGKILL after a grace period).
* ``Client``: a keep-alive HTTP/1.1 client on ``http.client`` (no extra dependencies).
* ``percentile``, ``Figure`` and ``print_figures``: every figure is shown next to the
  baseline measured in the same run, as a ratio; the machines are too noisy for absolute
  numbers to mean much on their own.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
TAOLUN = str(VENV_BIN / "taolun") if (VENV_BIN / "taolun").exists() else "taolun"

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_REDIS_URL = os.environ.get("TAOLUN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

console = Console(stderr=True)


# -- backends ---------------------------------------------------------------------------


class Backend:
    """A fresh store for one run: a temp data dir, plus a fresh PostgreSQL database."""

    def __init__(self, kind: str, pg_url: str = DEFAULT_PG_URL, redis_url: str = DEFAULT_REDIS_URL,
                 keep: bool = False) -> None:
        if kind not in ("sqlite", "postgres"):
            raise ValueError(f"unknown backend {kind!r}")
        self.kind = kind
        self.pg_url = pg_url.rstrip("/")
        self.redis_url = redis_url
        self.keep = keep
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"taolun-bench-{kind}-"))
        prefix = os.environ.get("TAOLUN_BENCH_DB_PREFIX", "taolun_bench")  # on a shared server, a run's own
        self.db_name = f"{prefix}_{uuid.uuid4().hex[:10]}" if kind == "postgres" else ""

    @property
    def database_url(self) -> str:
        return f"{self.pg_url}/{self.db_name}" if self.db_name else ""

    def __enter__(self) -> Backend:
        if self.db_name:
            self._admin(f'CREATE DATABASE "{self.db_name}"')
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        if self.keep:
            console.print(f"[yellow]kept {self.data_dir} {self.db_name}")
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.db_name:
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - report, do not mask the real error
                console.print(f"[red]could not drop database {self.db_name}: {error}")
            self.db_name = ""

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(statement)

    def taolun_env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TAOLUN_")}
        env.update(
            TAOLUN_DATA_DIR=str(self.data_dir),
            TAOLUN_THROTTLE_RATE="1000000/min",
            PYTHONUNBUFFERED="1",
        )
        if self.kind == "postgres":
            env.update(TAOLUN_DATABASE_URL=self.database_url, TAOLUN_BROKER_URL=self.redis_url)
        env.update(extra)
        return env

    def plain_env(self) -> dict[str, str]:
        """The baseline project: a SQLite file beside Taolun's, or the same PostgreSQL db."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TAOLUN_", "PLAIN_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="plain_orm.settings",
            PYTHONPATH=os.pathsep.join([str(BENCH_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            PLAIN_DATABASE_URL=self.database_url or f"sqlite:///{self.data_dir / 'plain.sqlite3'}",
            PYTHONUNBUFFERED="1",
        )
        return env


# -- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server subprocess; its output goes to a log file in the data dir."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int,
                 log_dir: Path, cwd: Path | None = None) -> None:
        self.name = name
        self.port = port
        self.log_path = log_dir / f"{name}-{port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            argv, env=env, cwd=str(cwd or REPO_DIR), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str = "/healthz", timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 15.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                console.print(f"[red]{self.name} ignored SIGTERM for {grace}s; killing it")
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def create_operator(backend: Backend, email: str = "ops@x.cn") -> str:
    """``taolun operator create``: creates the stores and answers an API token."""
    out = subprocess.run(
        [TAOLUN, "operator", "create", email], env=backend.taolun_env(), cwd=str(REPO_DIR),
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"taolun operator create failed:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1]


def start_taolun(backend: Backend, threads: int = 8) -> Server:
    port = free_port()
    server = Server(
        "taolun", [TAOLUN, "serve", "--port", str(port), "--threads", str(threads)],
        backend.taolun_env(), port, backend.data_dir,
    )
    server.wait_ready()
    return server


def start_plain(backend: Backend, threads: int = 8) -> Server:
    port = free_port()
    server = Server(
        "plain", [sys.executable, "-m", "plain_orm.serve", "--port", str(port), "--threads", str(threads)],
        backend.plain_env(), port, backend.data_dir, cwd=BENCH_DIR,
    )
    server.wait_ready()
    return server


# -- HTTP -------------------------------------------------------------------------------


class HttpError(Exception):
    def __init__(self, status: int, body: bytes, method: str, path: str) -> None:
        super().__init__(f"{method} {path} -> {status}: {body[:500]!r}")
        self.status = status
        self.body = body


class Client:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, port: int, token: str | None = None, host: str = "127.0.0.1",
                 timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn: http.client.HTTPConnection | None = None
        self.last_headers: http.client.HTTPMessage | None = None

    def request(self, method: str, path: str, body: Any = None,
                expect: tuple[int, ...] = (200, 201)) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                self.last_headers = response.headers
                if response.will_close:
                    self.close()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        if expect and response.status not in expect:
            raise HttpError(response.status, payload, method, path)
        return response.status, payload

    def get(self, path: str, **kw) -> tuple[int, bytes]:
        return self.request("GET", path, **kw)

    def post_json(self, path: str, body: Any, **kw) -> dict:
        return json.loads(self.request("POST", path, body, **kw)[1])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# -- figures ----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile, ``p`` in [0, 100]."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Figure:
    """One measured figure next to its same-run baseline.

    ``ratio`` is always "cost of subject / cost of baseline" (bigger is worse), whatever
    the unit: for rates (``higher_is_better``) it is baseline/subject.
    """

    name: str
    unit: str
    value: float
    baseline_name: str
    baseline: float
    higher_is_better: bool = False
    goal: float | None = None  # maximum acceptable cost ratio
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.baseline / self.value if self.value else float("inf")
        return self.value / self.baseline if self.baseline else float("inf")

    @property
    def meets_goal(self) -> bool | None:
        return None if self.goal is None else self.ratio <= self.goal

    def as_dict(self) -> dict:
        out = asdict(self)
        out["ratio"] = self.ratio
        out["meets_goal"] = self.meets_goal
        return out


def _fmt(x: float) -> str:
    if x != x:  # nan
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def print_figures(title: str, figures: list[Figure], out: Console | None = None) -> None:
    table = Table(title=title, show_lines=False)
    table.add_column("figure")
    table.add_column("taolun", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("cost ratio", justify="right")
    table.add_column("goal", justify="center")
    table.add_column("baseline is")
    for f in figures:
        if f.goal is None:
            goal = ""
        else:
            goal = f"≤{f.goal:g}× " + ("[green]met" if f.meets_goal else "[red]missed")
        table.add_row(
            f"{f.name}" + (f" [dim]({f.note})" if f.note else ""),
            f"{_fmt(f.value)} {f.unit}", f"{_fmt(f.baseline)} {f.unit}",
            f"{f.ratio:.2f}×", goal, f.baseline_name,
        )
    (out or Console(width=None if sys.stdout.isatty() else 160)).print(table)


def write_results(name: str, payload: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def machine_info() -> dict:
    import platform

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def figures_object(figures: list[Figure]) -> dict:
    """What ``--json`` prints: figure name -> {taolun, baseline, ratio, goal} (+ unit, baseline_name)."""
    return {f.name: {"taolun": f.value, "baseline": f.baseline, "ratio": f.ratio, "goal": f.goal,
                     "unit": f.unit, "baseline_name": f.baseline_name, "meets_goal": f.meets_goal}
            for f in figures}


def profiled(call, count: int, top: int, callees: tuple[str, ...] = ()) -> tuple[float, str]:
    """``call()`` ``count`` times under cProfile: (mean seconds per call, the report: top
    functions by cumulative and by own time, and the callees of functions matching ``callees``)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    mean = (time.perf_counter() - t0) / count
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    for pattern in callees:
        stats.print_callees(pattern)
    return mean, out.getvalue()


def taolun_runtime(backend: Backend):
    """Taolun's runtime in this process, on ``backend``'s stores (Django set up here)."""
    os.environ.update(backend.taolun_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "taolun.platform.settings"
    from taolun.platform.cli import setup_django

    setup_django()
    from taolun.platform.runtime import get_runtime

    return get_runtime()


def in_threads(work, count: int) -> None:
    """``work(k)`` for every k below ``count``, each in its own thread; the first error is
    raised once all have ended."""
    import threading

    errors: list[BaseException] = []

    def guarded(k: int) -> None:
        try:
            work(k)
        except Exception as error:  # noqa: BLE001 - raised below, in the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(k,)) for k in range(count)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
