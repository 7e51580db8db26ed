"""One Taolun installation run as real processes, which the suite kills and restarts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.faults.services import PrivatePostgres, free_port

CLI = [sys.executable, "-m", "taolun.platform.cli"]


def until(condition, timeout: float = 60.0, every: float = 0.5):
    """Wait for ``condition`` to answer something true; answer its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    return condition()


class Installation:
    """``roles`` are the processes: "web" (``serve``, all-in-one or ``--web-only``),
    "project", "worker", "scheduler" — several of one role are named "scheduler#2"…"""

    def __init__(self, label: str, database_url: str = "", broker_url: str = "memory://",
                 split: bool = False, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"taolun-faults-{label}-"))
        self._readyz_token: str | None = None
        base = {k: v for k, v in os.environ.items() if not k.startswith(("TAOLUN_", "DJANGO_"))}
        self.env = {
            **base,
            "TAOLUN_DATA_DIR": str(self.data_dir),
            "TAOLUN_DATABASE_URL": database_url,
            "TAOLUN_BROKER_URL": broker_url,
            "TAOLUN_THROTTLE_RATE": "1000000/min",
            "TAOLUN_SCHEDULER_STANDBY_SECONDS": "1",
            **(extra_env or {}),
        }
        self.split = split
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarted: list[str] = []  # by the supervisor, after a process exited by itself
        self._lock = threading.RLock()
        self._supervising = threading.Event()

    @classmethod
    def on_postgres(cls, label: str, pg: PrivatePostgres, broker_url: str, **kw) -> "Installation":
        database = f"taolun_{label}_{uuid.uuid4().hex[:6]}"
        return cls(label, pg.create_database(database), broker_url, **kw)

    def taolun(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=check)

    def log_of(self, name: str) -> Path:
        return self.data_dir / f"{name.replace('#', '-')}.log"

    def start(self, name: str, wait: bool = True) -> None:
        role = name.split("#")[0]
        if role == "web":
            args = ["serve", "--port", str(self.port), *(["--web-only"] if self.split else [])]
        else:
            args = [role]
        with self._lock:
            self.processes[name] = subprocess.Popen(
                [*CLI, *args], env=self.env, stdout=self.log_of(name).open("a"), stderr=subprocess.STDOUT,
            )
        if not self._supervising.is_set():
            self._supervising.set()
            threading.Thread(target=self._supervise, name="faults-supervisor", daemon=True).start()
        if role == "web" and wait:
            self.wait_healthy()

    def _supervise(self) -> None:
        """Restart=always, as the systemd units in infra/deploy: a process that exits by
        itself (e.g. started while PostgreSQL was restarting) is started again."""
        while self._supervising.is_set():
            with self._lock:
                exited = [(n, p.returncode) for n, p in self.processes.items() if p.poll() is not None]
                for name, code in exited:
                    self.restarted.append(f"{name} (exit {code})")
                    self.start(name, wait=False)
            time.sleep(1.0)

    def start_all(self) -> None:
        self.taolun("migrate")
        if self.split:
            for name in ("project", "worker", "scheduler"):
                self.start(name)
        self.start("web")

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no cleanup — as a crash or the OOM killer would."""
        with self._lock:
            process = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def restart(self, name: str) -> None:
        self.kill(name)
        self.start(name)

    def wait_healthy(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            web = self.processes.get("web")
            if web is not None and web.poll() is not None:
                raise RuntimeError(f"web exited:\n{self.log_of('web').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"web did not come up:\n{self.log_of('web').read_text()[-3000:]}")

    def stop_all(self) -> None:
        self._supervising.clear()
        with self._lock:  # after this, the supervisor sees nothing to restart
            stopping = dict(self.processes)
            self.processes.clear()
        for process in stopping.values():
            if process.poll() is None:
                process.terminate()
        for process in stopping.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def remove(self) -> None:
        """Delete the data dir (and the logs in it): call after ``stop_all``."""
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def operator_token(self) -> str:
        return self.taolun("operator", "create", f"ops-{uuid.uuid4().hex[:6]}@faults.test").stdout.strip()

    def state(self, *flags: str) -> dict:
        """What the log and the read models hold (tests/faults/inspect_state.py)."""
        result = subprocess.run([sys.executable, "-m", "tests.faults.inspect_state", *flags],
                                env=self.env, capture_output=True, text=True, timeout=300)
        if result.returncode:
            raise RuntimeError(f"inspect_state failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def projection_lag(self) -> int | None:
        """The lag /readyz shows an operator (anonymous callers see only the status)."""
        if self._readyz_token is None:
            try:
                self._readyz_token = self.operator_token()
            except (subprocess.SubprocessError, OSError):
                return None  # the database may still be coming back
        request = urllib.request.Request(
            self.url + "/readyz", headers={"Authorization": f"Bearer {self._readyz_token}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = json.loads(error.read() or b"{}")
        except OSError:
            return None
        return body.get("checks", {}).get("projections", {}).get("lag")

    def wait_drained(self, timeout: float = 120.0) -> bool:
        """Until the projections have applied the whole log and every outbox row's effect
        has committed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.projection_lag() == 0 and self.state("--outbox")["outbox_undone"] == 0:
                    return True
            except (RuntimeError, ValueError):
                pass  # the database may still be coming back
            time.sleep(1.0)
        return False

    def logs(self, tail: int = 2000) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-tail:]}"
                         for p in sorted(self.data_dir.glob("*.log")))
