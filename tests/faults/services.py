"""A PostgreSQL and a Redis of the suite's own, on spare ports, so it may kill and restart
them (the machine's shared servers are never touched).

A missing binary is a failure, never a skip: CI must install PostgreSQL and Redis.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class MissingTool(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def postgres_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise MissingTool(f"{name} not found (install PostgreSQL's server binaries)")
    return found


class PrivatePostgres:
    """initdb into a temporary directory; as root the cluster runs as the postgres user."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="taolun-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as_owner, *args], capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> "PrivatePostgres":
        self._run(postgres_tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        return self.start()

    def start(self, timeout: float = 60.0) -> "PrivatePostgres":
        """Also after a killed postmaster: its orphaned backends may hold the shared memory
        for a moment, so the start is retried until they are gone."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                   "-c fsync=off -c max_connections=200")
        deadline = time.monotonic() + timeout
        while True:
            result = self._run(postgres_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                               "-o", options, "-w", "-t", "30", "start", check=False)
            if result.returncode == 0:
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{self.log.read_text()[-2000:]}")
            time.sleep(0.5)

    def stop(self, mode: str = "fast") -> None:
        self._run(postgres_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop("fast")
        self.start()

    def kill_postmaster(self) -> None:
        """SIGKILL the postmaster (a crash, not a shutdown), then start it again."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        self.start()

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """No persistence: a restart loses every queued message, as in the incident."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="taolun-faults-redis-"))
        self.process: subprocess.Popen | None = None
        if not shutil.which("redis-server"):
            raise MissingTool("redis-server not found (install Redis)")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=(self.root / "redis.log").open("a"), stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # no SHUTDOWN SAVE: what it held is gone
            self.process.wait(timeout=10)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
