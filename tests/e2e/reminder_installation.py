"""A real installation whose "today" a test moves (``TAOLUN_FAKE_TODAY``), with its outside
world: an SMTP server process and a webhook receiver.

PostgreSQL + Redis: ``serve --web-only``, ``project``, ``worker`` and ``scheduler`` run as
separate processes; moving the day restarts the worker (the process that scans). Embedded
(one process: the in-memory broker reaches no other): ``serve`` runs them all and is
restarted on the new day.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import BACKEND, Server
from tests.e2e.client import Client
from tests.integration.channel_doubles import start_smtp

SPLIT = BACKEND == "postgres"


def until(check: Callable[[], Any], what: str, logs: Callable[[], str], seconds: float = 120) -> Any:
    """Wait for ``check`` to answer something true; fail with the processes' logs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}\n{logs()}")


class Installation:
    def __init__(self, label: str, folder: Path, **env: str) -> None:
        self.smtp_folder = folder
        self.smtp, smtp_url = start_smtp(folder)
        self.server = Server(label, {"TAOLUN_SMTP_URL": smtp_url, "TAOLUN_REMINDER_SCAN_SECONDS": "1",
                                     "TAOLUN_DELIVERY_SECONDS": "1", "TAOLUN_SCHEDULER_STANDBY_SECONDS": "1",
                                     **env})
        try:
            self.server.taolun("migrate")
            self.token = self.server.taolun("operator", "create", f"{label}@taolun.test").stdout.strip()
        except BaseException:
            self.stop_process(self.smtp)  # no SMTP server left behind
            raise
        self.helpers: dict[str, subprocess.Popen] = {}
        self.starts: dict[str, int] = {}
        self.web: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def ops(self) -> Client:
        return Client(self.url, self.token)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}"
                         for p in sorted(Path(self.server.env["TAOLUN_DATA_DIR"]).glob("*.log")))

    def log_of(self, name: str) -> Path:
        return Path(self.server.env["TAOLUN_DATA_DIR"]) / f"{name}.log"

    def spawn(self, name: str, *args: str, today: str = "") -> subprocess.Popen:
        self.starts[name] = self.starts.get(name, 0) + 1
        log = self.log_of(f"{name}-{self.starts[name]}").open("w")
        env = {**self.server.env, "TAOLUN_FAKE_TODAY": today}
        return subprocess.Popen([sys.executable, "-m", "taolun.platform.cli", *args], env=env,
                                stdout=log, stderr=subprocess.STDOUT)

    def start(self, today: str) -> None:
        if SPLIT:
            self.web = self.spawn("web", "serve", "--web-only", "--port", str(self.server.port))
            self.helpers = {"project": self.spawn("project", "project"),
                            "scheduler": self.spawn("scheduler", "scheduler"),
                            "worker": self.spawn("worker", "worker", today=today)}
        else:
            self.web = self.spawn("serve", "serve", "--port", str(self.server.port), today=today)
        until(self.healthy, "the web process", self.logs)

    def healthy(self) -> bool:
        try:
            return Client(self.url).get("/healthz").status == 200
        except OSError:
            return False

    def move_to(self, today: str) -> None:
        """The next day: restart the process that scans, with its new today."""
        if SPLIT:
            self.stop_process(self.helpers["worker"])
            self.helpers["worker"] = self.spawn("worker", "worker", today=today)
        else:
            self.stop_process(self.web)
            self.web = self.spawn("serve", "serve", "--port", str(self.server.port), today=today)
            until(self.healthy, "the web process", self.logs)

    def scans(self) -> int:
        """Reminder scans the current scanning process has finished."""
        name = "worker" if SPLIT else "serve"
        log = self.log_of(f"{name}-{self.starts[name]}")
        return log.read_text(errors="replace").count("reminder scan posted") if log.exists() else 0

    def wait_for_scans(self, more: int) -> None:
        """Let the scheduler and the scanner run ``more`` further scans."""
        target = self.scans() + more
        until(lambda: self.scans() >= target, f"{more} more reminder scans", self.logs)

    @staticmethod
    def stop_process(process: subprocess.Popen | None) -> None:
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in [*self.helpers.values(), self.web, self.smtp]:
            self.stop_process(process)
