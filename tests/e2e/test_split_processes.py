"""Production runs the web, projection, worker and scheduler as separate processes."""

import hashlib
import subprocess
import sys
import time
from contextlib import contextmanager

from tests.conftest import BACKEND, Server
from tests.e2e.client import Client
from tests.e2e.campaign_helpers import Campaign, day, ok
from tests.e2e.conftest import Org
from tests.e2e.test_reports import _raw, finished


def start(server: Server, command: str) -> subprocess.Popen:
    log = (server.log.parent / f"{command}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "taolun.platform.cli", command], env=server.env,
        stdout=log, stderr=subprocess.STDOUT,
    )


@contextmanager
def split(label: str):
    """web (--web-only), project, worker and scheduler as four processes; yields (server,
    operator's token). Embedded: the worker is refused (the in-process broker cannot reach
    another process), which the test checks instead (yields None)."""
    web = Server(label, {})
    web.taolun("migrate")
    if BACKEND == "embedded":
        refused = web.taolun("worker", check=False)
        assert refused.returncode == 2 and "memory://" in refused.stderr
        yield None
        return
    token = web.taolun("operator", "create", f"{label}@taolun.test").stdout.strip()
    web.process = subprocess.Popen(
        [sys.executable, "-m", "taolun.platform.cli", "serve", "--web-only", "--port", str(web.port)],
        env=web.env, stdout=web.log.open("w"), stderr=subprocess.STDOUT,
    )
    helpers = [start(web, "project"), start(web, "worker"), start(web, "scheduler")]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if Client(web.url).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the web process did not come up\n{logs_of(web)}"
            time.sleep(0.2)
        yield web, token
    finally:
        for process in [*helpers, web.process]:
            process.terminate()
        for process in [*helpers, web.process]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def logs_of(web: Server) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(web.log.parent.glob("*.log")))


def test_split_processes_deliver_a_grant_notice_through_the_shared_broker():
    with split("split") as running:
        if running is None:
            return
        web, token = running
        org = Org(Client(web.url, token))
        secretary = org.user_with_role(org.branch_a, "secretary")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not secretary.get("/api/v1/me/inbox").body["count"]:
            time.sleep(0.2)
        assert secretary.get("/api/v1/me/inbox").body["count"] == 1, logs_of(web)
        ready = Client(web.url, token).get("/readyz").body
        assert ready["checks"]["broker"]["ok"] and ready["checks"]["broker"]["url_scheme"] == "redis"


def test_a_separate_worker_process_builds_bulletins_summaries_and_the_charted_progress_table():
    with split("split_reports") as running:
        if running is None:
            return
        web, token = running
        org = Org(Client(web.url, token))
        city = org.user_with_role(org.city, "admin")
        campaign = Campaign(city, org.city)
        base = {"subject_id": org.city["id"], "campaign_id": campaign.id}
        for payload in ({"kind": "bulletin", "format": "docx", "period_start": day(-7), "period_end": day(0)},
                        {"kind": "phase_summary", "format": "pdf", "phase_id": campaign.p1},
                        {"kind": "summary_report", "format": "docx"},
                        {"kind": "progress_table", "format": "pdf"}):
            job = finished(city, ok(city.post("/api/v1/reports", {**base, **payload}), 202), seconds=120)
            assert job["status"] == "done", (job, logs_of(web))
            content = _raw(city, job["file_url"])
            assert hashlib.sha256(content).hexdigest() == job["sha256"]
            assert content[:4] == (b"%PDF" if payload["format"] == "pdf" else b"PK\x03\x04")
