"""Test configuration: every storage/broker test runs on the backend chosen by
``TAOLUN_TEST_BACKEND``: ``embedded`` (SQLite files + in-process broker, the default) or
``postgres`` (a real PostgreSQL database and a real Redis broker). A missing service in
the postgres leg fails the run; it never skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests import seeds

BACKEND = os.environ.get("TAOLUN_TEST_BACKEND", "embedded")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = os.environ.get("TAOLUN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Names of the PostgreSQL databases the tests create (on a shared server, a run's own prefix).
DB_PREFIX = os.environ.get("TAOLUN_TEST_DB_PREFIX", "taolun")
_created_databases: list[str] = []
_tmp_root = Path(tempfile.mkdtemp(prefix="taolun-tests-"))


def _admin_pg():
    import psycopg

    return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG)


def create_pg_database(prefix: str) -> str:
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with _admin_pg() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _created_databases.append(name)
    return name


def backend_env(label: str) -> dict[str, str]:
    """The TAOLUN_* environment for one isolated installation (data dir + database)."""
    data_dir = _tmp_root / label
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {"TAOLUN_DATA_DIR": str(data_dir), "TAOLUN_THROTTLE_RATE": "100000/min"}
    if BACKEND == "postgres":
        db = create_pg_database(f"{DB_PREFIX}_{label}")
        env["TAOLUN_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db}"
        env["TAOLUN_BROKER_URL"] = REDIS_URL
    else:
        env["TAOLUN_DATABASE_URL"] = ""
        env["TAOLUN_BROKER_URL"] = "memory://"
    return env


def _require_services() -> None:
    problems = []
    try:
        with _admin_pg() as conn:
            conn.execute("SELECT 1")
    except Exception as error:
        problems.append(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {error}")
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.flushdb()  # db 15 is the tests' own: no stale messages from earlier runs
    except Exception as error:
        problems.append(f"Redis at {REDIS_URL} is not reachable: {error}")
    if problems:
        pytest.exit("postgres leg needs its services:\n  " + "\n  ".join(problems), returncode=3)


def _choose_backend() -> None:
    """Runs when this conftest is imported: before any other conftest (a folder's conftest
    may set Django up while pytest is still loading), and before any settings are read."""
    if BACKEND not in ("embedded", "postgres"):
        pytest.exit(f"unknown TAOLUN_TEST_BACKEND={BACKEND!r}", returncode=4)
    if BACKEND == "postgres":
        _require_services()
    # The in-process installation that integration tests use.
    os.environ.update(backend_env("inproc"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "taolun.platform.settings"


_choose_backend()


def pytest_report_header(config):
    return f"taolun backend: {BACKEND}"


# -- the seed-plan group ----------------------------------------------------------------

_seeds_not_run = pytest.StashKey[tuple[int, str]]()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``seeds`` need the real seed plans. Without them they are deselected
    (not skipped: they did not run, and the summary says so once), or, where the seeds
    are required (CI), the run stops here."""
    wanted = [item for item in items if item.get_closest_marker("seeds")]
    if not wanted:
        return
    folder, reason = seeds.locate()
    if folder is not None:
        return
    if seeds.required():
        raise pytest.UsageError(
            f"{len(wanted)} seed tests cannot run: {reason}. The seed plans are required here "
            "(CI=true or TAOLUN_REQUIRE_SEEDS=1)."
        )
    items[:] = [item for item in items if not item.get_closest_marker("seeds")]
    config.hook.pytest_deselected(items=wanted)
    config.stash[_seeds_not_run] = (len(wanted), reason)


def pytest_terminal_summary(terminalreporter, config):
    if _seeds_not_run in config.stash:
        count, reason = config.stash[_seeds_not_run]
        tests = "test" if count == 1 else "tests"
        terminalreporter.write_line(f"{count} seed {tests} not run: {reason}.")


def pytest_unconfigure(config):
    try:
        from taolun.platform.runtime import reset_runtime

        reset_runtime()
    except Exception:
        pass
    if _created_databases:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        with _admin_pg() as conn:
            for name in _created_databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(_tmp_root, ignore_errors=True)


@pytest.fixture(scope="session")
def django_ready():
    """Django set up on the in-process installation, tables migrated."""
    from taolun.platform.cli import migrate, setup_django

    setup_django()
    migrate()
    return True


@pytest.fixture(scope="session")
def runtime(django_ready):
    from taolun.platform.runtime import get_runtime

    return get_runtime()


# -- a real server process ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    entry = "taolun.platform.cli"  # the module run with ``python -m`` (tests may wrap it)

    def __init__(self, label: str, extra_env: dict[str, str] | None = None) -> None:
        self.env = {**os.environ, **backend_env(label), **(extra_env or {})}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(self.env["TAOLUN_DATA_DIR"]) / "server.log"
        self.process: subprocess.Popen | None = None

    def taolun(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", self.entry, *args], env=self.env, input=input,
            capture_output=True, text=True, timeout=120, check=check,
        )

    def start(self) -> "Server":
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.entry, "serve", "--port", str(self.port)],
            env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not come up:\n{self.log.read_text()}")

    def start_with_operator(self, email: str) -> str:
        """Migrate, create an operator, start serving; answer the operator's token."""
        self.taolun("migrate")
        token = self.taolun("operator", "create", email).stdout.strip()
        self.start()
        return token

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def server():
    srv = Server("e2e")
    srv.taolun("migrate")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def operator_token(server) -> str:
    result = server.taolun("operator", "create", "ops@taolun.test")
    return result.stdout.strip()
