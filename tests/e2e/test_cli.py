"""The ``taolun`` command as an operator meets it."""

import subprocess
import sys

from tests.conftest import Server
from tests.e2e.client import Client


def test_operator_create_prints_a_token_that_works(server):
    result = server.taolun("operator", "create", "second.ops@taolun.test", "--name", "运维二")
    token = result.stdout.strip()
    assert token.startswith("tl_") and len(token) > 30
    me = Client(server.url, token).get("/api/v1/me")
    assert me.status == 200 and me.body["is_operator"] is True


def test_rebuild_replays_the_log_and_shows_progress(server, ops, org):
    before = ops.get(f"/api/v1/tenants/{org.city['id']}?depth=2").body
    result = server.taolun("rebuild", "org")
    assert "rebuilt from" in result.stderr
    assert "rebuilding org" in result.stdout  # the rich progress bar
    assert ops.get(f"/api/v1/tenants/{org.city['id']}?depth=2").body == before


def test_rebuild_names_the_projections_it_knows(server):
    result = server.taolun("rebuild", "no-such", check=False)
    assert result.returncode == 2 and "org" in result.stderr


def test_clients_that_hammer_the_api_are_throttled_with_429():
    throttled = Server("throttle", {"TAOLUN_THROTTLE_RATE": "5/min"})
    throttled.taolun("migrate")
    token = throttled.taolun("operator", "create", "t@taolun.test").stdout.strip()
    throttled.start()
    try:
        client = Client(throttled.url, token)
        statuses = [client.get("/api/v1/tenants").status for _ in range(8)]
        assert statuses[:5] == [200] * 5
        assert statuses[-1] == 429
        reply = client.get("/api/v1/tenants")
        assert reply.code == "throttled"
    finally:
        throttled.stop()


def corrupt(server: Server, sql: str) -> None:
    """Change a live row behind the projections' back, as an intruder with database access."""
    subprocess.run([sys.executable, "-c", (
        "from taolun.platform.cli import setup_django; setup_django()\n"
        "from django.db import connection\n"
        f"connection.cursor().execute({sql!r})\n")], env=server.env, check=True, timeout=120)


def test_rebuild_verify_passes_on_untouched_tables_and_reports_a_corrupted_row():
    own = Server("verify")
    own.taolun("migrate")
    own.taolun("operator", "create", "verify.ops@taolun.test", "--name", "运维")
    clean = own.taolun("rebuild", "--verify")
    assert "verifying all projections" in clean.stdout and "events/s" in clean.stdout
    assert "projections_useraccount" in clean.stdout and "DIFFERENT" not in clean.stdout
    assert "all" in clean.stderr and "equal a rebuild" in clean.stderr

    corrupt(own, "UPDATE projections_useraccount SET name = '冒名'")
    found = own.taolun("rebuild", "--verify", check=False)
    assert found.returncode == 1
    assert "projections_useraccount" in found.stderr and "DIFFERENT" in found.stdout

    own.taolun("rebuild")  # repairs the live tables from the log
    assert own.taolun("rebuild", "--verify").returncode == 0
