"""A worker SIGKILLed in the middle of a report: the report completes once, after a restart
(one ``Report.Generated`` in the log). The embedded default's worker lives in the server
process, so the server is what is killed; on PostgreSQL + Redis the same process holds the
worker and its message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import Server
from tests.e2e.campaign_helpers import Campaign, ok
from tests.e2e.client import Client
from tests.e2e.conftest import Org

ATTEMPTS = 20


def caught_running(client: Client, server: Server, payload: dict) -> dict | None:
    """Request a report and freeze the server (SIGSTOP) the moment its job runs; ``None``
    when the job finished between two looks."""
    job = ok(client.post("/api/v1/reports", payload), 202)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = ok(client.get(f"/api/v1/reports/{job['id']}"))
        if state["status"] == "running":
            server.process.send_signal(signal.SIGSTOP)
            return state
        if state["status"] in ("done", "failed"):
            return None
        time.sleep(0.005)
    raise AssertionError("the report never ran")


def test_a_report_whose_worker_was_killed_mid_way_completes_once_after_a_restart():
    server = Server("reportkill", {"TAOLUN_OUTBOX_LEASE_SECONDS": "1"})
    token = server.start_with_operator("kill@taolun.test")
    try:
        ops = Client(server.url, token)
        org = Org(ops)
        city = org.user_with_role(org.city, "admin")
        campaign = Campaign(city, org.city)
        payload = {"kind": "plan_document", "subject_id": campaign.id, "format": "pdf"}
        job = None
        for _ in range(ATTEMPTS):
            job = caught_running(city, server, payload)
            if job is not None:
                break
        assert job is not None, f"no report was caught running in {ATTEMPTS} attempts"
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=15)
        server.start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            state = ok(city.get(f"/api/v1/reports/{job['id']}"))
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert state["status"] == "done", (state, server.log.read_text()[-3000:])
        events = subprocess.run([sys.executable, "-m", "tests.e2e.report_events", job["id"]],
                                env=server.env, capture_output=True, text=True, timeout=120, check=True)
        assert json.loads(events.stdout.strip().splitlines()[-1]) == ["Report.Requested", "Report.Generated"]
    finally:
        if server.process and server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGCONT)
        server.stop()
