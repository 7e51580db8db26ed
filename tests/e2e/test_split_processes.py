"""Production runs the web, projection, worker and scheduler as separate processes."""

import subprocess
import sys
import time

from tests.conftest import BACKEND, Server
from tests.e2e.client import Client
from tests.e2e.conftest import Org


def start(server: Server, command: str) -> subprocess.Popen:
    log = (server.log.parent / f"{command}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "taolun.platform.cli", command], env=server.env,
        stdout=log, stderr=subprocess.STDOUT,
    )


def test_split_processes_deliver_a_grant_notice_through_the_shared_broker():
    web = Server("split", {})
    web.taolun("migrate")
    if BACKEND == "embedded":
        # The in-process broker cannot reach another process: refused with the reason.
        refused = web.taolun("worker", check=False)
        assert refused.returncode == 2 and "memory://" in refused.stderr
        return
    token = web.taolun("operator", "create", "split@taolun.test").stdout.strip()
    web.process = subprocess.Popen(
        [sys.executable, "-m", "taolun.platform.cli", "serve", "--web-only", "--port", str(web.port)],
        env=web.env, stdout=web.log.open("w"), stderr=subprocess.STDOUT,
    )
    helpers = [start(web, "project"), start(web, "worker"), start(web, "scheduler")]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Client(web.url).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        org = Org(Client(web.url, token))
        secretary = org.user_with_role(org.branch_a, "secretary")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not secretary.get("/api/v1/me/inbox").body["count"]:
            time.sleep(0.2)
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(web.log.parent.glob("*.log"))
        )
        assert secretary.get("/api/v1/me/inbox").body["count"] == 1, logs
        ready = Client(web.url, token).get("/readyz").body
        assert ready["checks"]["broker"]["ok"] and ready["checks"]["broker"]["url_scheme"] == "redis"
    finally:
        for process in [*helpers, web.process]:
            process.terminate()
        for process in [*helpers, web.process]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
